package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Inputs of allocatable size whose outputs or workspaces would not fit one Java array: each
 * layer refuses them in its own name, with both shapes, before its products could wrap around
 * (which used to surface as a bare {@code NegativeArraySizeException} or
 * {@code ArithmeticException}).
 */
class OutputTooLargeTest {
  private static String refusal(Layer layer, Tensor input) {
    return assertThrows(IllegalArgumentException.class, () -> layer.forward(input, true))
        .getMessage();
  }

  @Test
  void denseRefusesAnOutputOfMoreElementsThanAnArrayHolds() {
    assertEquals("Dense: an input of shape (1000000, 1) needs an output of shape (1000000, 3000),"
            + " more than 2147483647 elements, too many for one array",
        refusal(new Dense(3000), Tensor.zeros(1_000_000, 1)));
  }

  @Test
  void conv2dRefusesAnOutputOfMoreElementsThanAnArrayHolds() {
    assertEquals("Conv2D: an input of shape (1, 1000, 1000, 1) needs an output of shape"
            + " (1, 1000, 1000, 3000), more than 2147483647 elements, too many for one array",
        refusal(new Conv2D(3000, 1, 1), Tensor.zeros(1, 1000, 1000, 1)));
  }

  @Test
  void lstmRefusesGatesOfMoreElementsThanAnArrayHolds() {
    assertEquals("LSTM: an input of shape (2048, 1025, 1) needs gate pre-activations of shape"
            + " (2048, 1025, 1024), more than 2147483647 elements, too many for one array",
        refusal(new LSTM(256), Tensor.zeros(2048, 1025, 1)));
  }

  @Test
  void lstmRefusesKernelsOfMoreElementsThanAnArrayHolds() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LSTM(30_000).build(1, 1, 1));
    assertEquals("LSTM: an input of shape (1, 1, 1) needs a recurrent kernel of shape"
        + " (30000, 120000), more than 2147483647 elements, too many for one array",
        e.getMessage());
  }

  @Test
  void lstmRefusesMoreUnitsThanFourGatesFitInAnArray() {
    assertEquals(536_870_911, LSTM.MAX_UNITS);
    new LSTM(LSTM.MAX_UNITS); // accepted: nothing is allocated before build
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LSTM(LSTM.MAX_UNITS + 1));
    assertEquals("LSTM: units must be at most 536870911, as the kernels hold the four gates'"
        + " 4 * units columns; received 536870912", e.getMessage());
  }

  @Test
  void broadcastingNamesTheTensorMethod() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(50_000, 1).add(Tensor.zeros(1, 50_000)));
    assertEquals("Tensor.add: shape (50000, 50000) has more than 2147483647 elements",
        e.getMessage());
  }
}
