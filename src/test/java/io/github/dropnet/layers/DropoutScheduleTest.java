package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DropoutScheduleTest {

  @Test
  void aScheduleSetsTheRateAtOnceAndOnEachUpdate() {
    RateSchedule s = RateSchedule.linear(0.1, 0.5, 4);
    Dropout d = new Dropout(0.9).rateSchedule(s);
    assertEquals(0.1, d.rate(), 0.0, "the schedule's value at (0, 0) replaces the constructor's");
    assertEquals(Optional.of(s), d.rateSchedule());
    d.onSchedule(2, 17);
    assertEquals(0.3, d.rate(), 1e-15);
    d.onSchedule(9, 100);
    assertEquals(0.5, d.rate(), 0.0);
    assertEquals(Optional.empty(), new Dropout(0.2).rateSchedule());
  }

  @Test
  void withoutAScheduleUpdatesChangeNothing() {
    Dropout d = new Dropout(0.25);
    d.onSchedule(10, 1000);
    assertEquals(0.25, d.rate(), 0.0);
  }

  @Test
  void theScheduledRateIsTheOneForwardUses() {
    Tensor x = Tensor.ones(40, 50);
    Dropout d = new Dropout(0.5).seed(3).rateSchedule(RateSchedule.byEpoch(e -> e * 0.25));
    assertEquals(x, d.forward(x, true), "rate 0 at epoch 0: the identity");
    d.onSchedule(2, 0);
    Tensor y = d.forward(x, true);
    for (double v : y.data()) {
      assertTrue(v == 0 || v == 2, "rate 0.5 keeps values of 2, got " + v);
    }
  }

  @Test
  void backwardUsesTheRateOfItsForwardEvenIfTheScheduleMovedInBetween() {
    Tensor x = Tensor.ones(10, 10);
    Dropout d = new Dropout(0.5).seed(4)
        .rateSchedule(RateSchedule.byEpoch(e -> e == 0 ? 0.5 : 0.2));
    Tensor y = d.forward(x, true);
    d.onSchedule(1, 5);
    assertEquals(0.2, d.rate(), 0.0);
    assertEquals(y, d.backward(Tensor.ones(10, 10)), "dy * m / (1 - 0.5), not / (1 - 0.2)");

    Dropout classic = new Dropout(0.5).scaling(Dropout.Scaling.AT_INFERENCE)
        .rateSchedule(RateSchedule.byEpoch(e -> e == 0 ? 0.5 : 0.2));
    classic.forward(x, false);
    classic.onSchedule(1, 0);
    assertEquals(x.mul(0.5), classic.backward(x), "the inference backward of rate 0.5");
  }

  @Test
  void outOfRangeScheduleValuesAreRejectedNamingLayerValueEpochAndStep() {
    Dropout d = new Dropout(0.5).rateSchedule(RateSchedule.linear(0.5, 1.5, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.onSchedule(2, 40));
    assertEquals("Dropout: the rate schedule gave 1.5 at epoch 2, step 40; rate must be in [0, 1]",
        e.getMessage());
    assertEquals(0.5, d.rate(), 0.0, "the rate is unchanged after a rejected value");
    assertThrows(IllegalArgumentException.class,
        () -> new Dropout(0.5).rateSchedule(RateSchedule.constant(-0.1)));
    assertThrows(IllegalArgumentException.class, () -> d.onSchedule(-1, 0));
    assertEquals("Dropout: rate schedule must not be null",
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5).rateSchedule(null))
            .getMessage());
    Dropout built = new Dropout(0.5);
    built.build(2, 3);
    assertThrows(IllegalStateException.class,
        () -> built.rateSchedule(RateSchedule.constant(0.1)));
  }
}
