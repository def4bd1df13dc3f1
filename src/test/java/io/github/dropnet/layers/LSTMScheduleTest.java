package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

class LSTMScheduleTest {

  @Test
  void bothDropoutRatesCanFollowSchedules() {
    LSTM lstm = new LSTM(3).dropout(0.5)
        .dropoutSchedule(RateSchedule.linear(0.0, 0.4, 4))
        .recurrentDropoutSchedule(RateSchedule.constant(0.2));
    assertEquals(0.0, lstm.dropout(), 0.0);
    assertEquals(0.2, lstm.recurrentDropout(), 0.0);
    lstm.onSchedule(2, 0);
    assertEquals(0.2, lstm.dropout(), 1e-15);
    LSTM fixed = new LSTM(3).dropout(0.3);
    fixed.onSchedule(5, 5);
    assertEquals(0.3, fixed.dropout(), 0.0, "no schedule, no change");
  }

  @Test
  void aRejectedValueChangesNeitherRate() {
    LSTM lstm = new LSTM(3)
        .dropoutSchedule(RateSchedule.constant(0.1))
        .recurrentDropoutSchedule(RateSchedule.byEpoch(e -> e == 0 ? 0.1 : 2.0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> lstm.onSchedule(1, 7));
    assertEquals("LSTM: the recurrentDropout schedule gave 2.0 at epoch 1, step 7;"
        + " recurrentDropout must be in [0, 1]", e.getMessage());
    assertEquals(0.1, lstm.recurrentDropout(), 0.0);
    LSTM built = new LSTM(2);
    built.build(-1, 3, 4);
    assertThrows(IllegalStateException.class,
        () -> built.dropoutSchedule(RateSchedule.constant(0.1)));
  }

  @Test
  void backwardUsesTheMasksOfItsForwardAfterTheRateMoves() {
    LSTM lstm = new LSTM(3).seed(4)
        .dropoutSchedule(RateSchedule.byEpoch(e -> e == 0 ? 0.5 : 0.0));
    Tensor x = GradientCheck.random(1, 2, 4, 3);
    lstm.forward(x, true);
    lstm.onSchedule(1, 0);
    Tensor dx = lstm.backward(Tensor.ones(2, 3));
    LSTM same = new LSTM(3).seed(4).dropout(0.5);
    same.forward(x, true);
    assertEquals(same.backward(Tensor.ones(2, 3)), dx);
  }
}
