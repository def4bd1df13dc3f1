package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduledRateTest {

  @Test
  void aClosedRateTakesOneAndRejectsWhatIsOutsideNamingTheLayerAndArgument() {
    assertEquals(1.0, ScheduledRate.closed("L", "rate", 1.0).value(), 0.0);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> ScheduledRate.closed("L", "dropout", 1.5));
    assertEquals("L: dropout must be in [0, 1], received 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScheduledRate.closed("L", "r", Double.NaN));
  }

  @Test
  void aRateBelowOneSaysWhyNotOne() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> ScheduledRate.belowOne("L", "rate", 1.0, "because"));
    assertEquals("L: rate must be in [0, 1), received 1.0 (because)", e.getMessage());
    assertEquals(0.5, ScheduledRate.belowOne("L", "rate", 0.5, "because").value(), 0.0);
  }

  @Test
  void withoutAScheduleUpdatesChangeNothing() {
    ScheduledRate r = ScheduledRate.closed("L", "rate", 0.3);
    r.onSchedule(5, 100);
    assertEquals(0.3, r.value(), 0.0);
    assertEquals(0.3, r.valueAt(7, 3), 0.0);
    assertEquals(Optional.empty(), r.schedule());
  }

  @Test
  void aScheduleSetsTheRateAtOnceAndOnEachUpdate() {
    ScheduledRate r = ScheduledRate.closed("L", "rate", 0.9);
    RateSchedule s = RateSchedule.linear(0.0, 0.4, 4);
    r.follow(s);
    assertEquals(0.0, r.value(), 0.0, "the schedule's value at (0, 0) replaces the rate");
    assertEquals(Optional.of(s), r.schedule());
    assertEquals(0.2, r.valueAt(2, 0), 1e-15);
    assertEquals(0.0, r.value(), 0.0, "valueAt changes nothing");
    r.onSchedule(2, 0);
    assertEquals(0.2, r.value(), 1e-15);
  }

  @Test
  void aBadScheduledValueLeavesTheRateAsItWas() {
    ScheduledRate r = ScheduledRate.belowOne("L", "rate", 0.2, "because");
    IllegalArgumentException atStart = assertThrows(
        IllegalArgumentException.class, () -> r.follow(RateSchedule.constant(1.0)));
    assertTrue(atStart.getMessage().startsWith("L: the rate schedule gave 1.0 at epoch 0"),
        atStart.getMessage());
    assertEquals(0.2, r.value(), 0.0);
    assertEquals(Optional.empty(), r.schedule());

    r.follow((epoch, step) -> epoch < 3 ? 0.1 : 2.0);
    assertThrows(IllegalArgumentException.class, () -> r.onSchedule(3, 0));
    assertEquals(0.1, r.value(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> r.onSchedule(-1, 0));
  }

  @Test
  void aNegativeEpochOrStepIsRefusedWithoutAScheduleToo() {
    ScheduledRate r = ScheduledRate.closed("L", "rate", 0.5);
    assertEquals("L: schedule updates need epoch >= 0 and step >= 0, received epoch -1, step -5",
        assertThrows(IllegalArgumentException.class, () -> r.onSchedule(-1, -5)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.valueAt(0, -1));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5).onSchedule(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new LSTM(2).onSchedule(0, -1));
    r.onSchedule(0, 0);
    assertEquals(0.5, r.value(), 0.0);
  }

  @Test
  void setKeepsTheScheduleForTheNextUpdate() {
    ScheduledRate r = ScheduledRate.closed("L", "rate", 0.0);
    r.follow(RateSchedule.constant(0.25));
    r.set(0.75);
    assertEquals(0.75, r.value(), 0.0);
    r.onSchedule(1, 1);
    assertEquals(0.25, r.value(), 0.0);
  }
}
