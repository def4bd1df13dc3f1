package io.github.dropnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StepDecayTest {

  @Test
  void progressIsStepsOverDecayStepsFlooredOnAStaircase() {
    StepDecay smooth = new StepDecay("D", 0.1, 4, 0.5, false);
    StepDecay stairs = new StepDecay("D", 0.1, 4, 0.5, true);
    assertEquals(0.0, smooth.progress(0), 0.0);
    assertEquals(1.5, smooth.progress(6), 0.0);
    assertEquals(1.0, stairs.progress(6), 0.0);
    assertEquals(2.0, stairs.progress(8), 0.0);
  }

  @Test
  void argumentsAreCheckedInOrderNamingTheOwner() {
    IllegalArgumentException lr = assertThrows(
        IllegalArgumentException.class, () -> new StepDecay("D", -1, 0, -1, false));
    assertEquals("D: initialLearningRate must be a finite number >= 0, received -1.0",
        lr.getMessage());
    IllegalArgumentException steps = assertThrows(
        IllegalArgumentException.class, () -> new StepDecay("D", 1, 0, -1, false));
    assertEquals("D: decaySteps must be > 0, received 0", steps.getMessage());
    IllegalArgumentException rate = assertThrows(
        IllegalArgumentException.class, () -> new StepDecay("D", 1, 1, Double.NaN, false));
    assertEquals("D: decayRate must be a finite number >= 0, received NaN", rate.getMessage());
  }

  @Test
  void toStringNamesTheOwnerAndEveryArgument() {
    assertEquals("D[initialLearningRate=0.1, decaySteps=1000, decayRate=0.5, staircase=true]",
        new StepDecay("D", 0.1, 1000, 0.5, true).toString());
  }
}
