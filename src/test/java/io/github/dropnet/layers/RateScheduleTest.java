package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

  @Test
  void constantIsTheSameEverywhere() {
    RateSchedule s = RateSchedule.constant(0.3);
    assertEquals(0.3, s.valueAt(0, 0), 0.0);
    assertEquals(0.3, s.valueAt(99, 12345), 0.0);
    assertEquals("RateSchedule.constant(0.3)", s.toString());
  }

  @Test
  void linearGoesFromFromToToOverEpochsThenHolds() {
    RateSchedule s = RateSchedule.linear(0.0, 0.5, 5);
    double[] expected = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5};
    for (int e = 0; e < expected.length; e++) {
      assertEquals(expected[e], s.valueAt(e, 1000L * e), 1e-15, "epoch " + e);
    }
    assertEquals(0.5, s.valueAt(5, 0), 0.0, "exactly `to` at the end");
    RateSchedule down = RateSchedule.linear(0.5, 0.1, 2);
    assertEquals(0.3, down.valueAt(1, 0), 1e-15);
    assertEquals(0.1, down.valueAt(7, 0), 0.0);
  }

  @Test
  void linearStepsFollowsTheStepNotTheEpoch() {
    RateSchedule s = RateSchedule.linearSteps(0.1, 0.5, 100);
    assertEquals(0.1, s.valueAt(3, 0), 0.0);
    assertEquals(0.3, s.valueAt(0, 50), 1e-15);
    assertEquals(0.5, s.valueAt(0, 100), 0.0);
    assertEquals(0.5, s.valueAt(0, 10_000), 0.0);
  }

  @Test
  void stepMultipliesByTheFactorEveryFewEpochs() {
    RateSchedule s = RateSchedule.step(0.4, 0.5, 3);
    double[] expected = {0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1};
    for (int e = 0; e < expected.length; e++) {
      assertEquals(expected[e], s.valueAt(e, 0), 0.0, "epoch " + e);
    }
  }

  @Test
  void exponentialDecaysEveryEpoch() {
    RateSchedule s = RateSchedule.exponential(0.5, 0.9);
    assertEquals(0.5, s.valueAt(0, 0), 0.0);
    assertEquals(0.45, s.valueAt(1, 77), 1e-15);
    assertEquals(0.5 * Math.pow(0.9, 10), s.valueAt(10, 0), 1e-15);
  }

  @Test
  void customSchedulesAreLambdas() {
    RateSchedule byStep = (epoch, step) -> Math.min(0.5, step * 0.01);
    assertEquals(0.2, byStep.valueAt(0, 20), 1e-15);
    RateSchedule byEpoch = RateSchedule.byEpoch(e -> e < 2 ? 0.0 : 0.25);
    assertEquals(0.0, byEpoch.valueAt(1, 500), 0.0);
    assertEquals(0.25, byEpoch.valueAt(2, 0), 0.0);
  }

  @Test
  void factoriesRejectBadArgumentsNamingThem() {
    assertEquals("RateSchedule.linear: epochs must be positive, received 0",
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.linear(0, 1, 0))
            .getMessage());
    assertEquals("RateSchedule.constant: value must be finite, received NaN",
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.constant(Double.NaN))
            .getMessage());
    assertEquals("RateSchedule.step: everyEpochs must be positive, received -1",
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.step(0.5, 0.5, -1))
            .getMessage());
    assertEquals("RateSchedule.exponential: decay must be finite, received Infinity",
        assertThrows(IllegalArgumentException.class,
            () -> RateSchedule.exponential(0.5, Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("RateSchedule.linearSteps: steps must be positive, received 0",
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.linearSteps(0, 1, 0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> RateSchedule.byEpoch(null));
  }
}
