package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Layer#backwardWeightsOnly} gives exactly the weight gradients of {@link Layer#backward}
 * (same bits), for the layers that skip their input gradient and for the default.
 */
class BackwardWeightsOnlyTest {

  static Stream<Arguments> layers() {
    return Stream.of(
        case_("Dense relu", () -> new Dense(7).activation(Activation.RELU).seed(1), 5, 9),
        case_("Dense tanh, no bias", () -> new Dense(3).activation(Activation.TANH).useBias(false)
            .seed(2), 4, 6),
        case_("Dense on (N, T, F)", () -> new Dense(5).seed(3), 2, 3, 4),
        // stride 1, channels last: the planar path
        case_("Conv2D same relu", () -> new Conv2D(6, 3, 3).padding(Padding.SAME)
            .activation(Activation.RELU).seed(4), 3, 11, 13, 1),
        case_("Conv2D channels first", () -> new Conv2D(5, 3, 2)
            .dataFormat(DataFormat.CHANNELS_FIRST).activation(Activation.RELU).seed(5), 2, 3, 12, 10),
        // strides: the im2col path
        case_("Conv2D strided sigmoid", () -> new Conv2D(4, 3, 3).strides(2, 2)
            .activation(Activation.SIGMOID).seed(6), 2, 9, 7, 3),
        case_("Conv2D no bias", () -> new Conv2D(3, 2, 2).useBias(false).seed(7), 1, 5, 5, 2),
        case_("LSTM", () -> new LSTM(4).seed(8), 3, 5, 2),
        case_("LSTM all steps, dropouts", () -> new LSTM(3).returnSequences(true).dropout(0.3)
            .recurrentDropout(0.4).seed(9), 4, 6, 5),
        // the default: backward, result dropped
        case_("DropConnect", () -> {
          DropConnect d = new DropConnect(new Dense(4).seed(10), 0.5);
          d.reseed(11);
          return d;
        }, 3, 6));
  }

  private static Arguments case_(String name, Supplier<Layer> make, int... inputShape) {
    return Arguments.of(name, make, inputShape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void sameWeightGradientsAsBackward(String name, Supplier<Layer> make, int[] inputShape) {
    Tensor x = GradientCheck.random(11, inputShape);
    Layer full = make.get();
    Tensor y = full.forward(x, true);
    Tensor g = GradientCheck.random(12, y.shape());
    full.backward(g);

    Layer weightsOnly = make.get();
    weightsOnly.forward(x, true);
    weightsOnly.backwardWeightsOnly(g);

    List<Tensor> expected = full.getGradients();
    List<Tensor> actual = weightsOnly.getGradients();
    assertEquals(expected.size(), actual.size(), name);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).shape(), actual.get(i).shape(), name + " gradient " + i);
      assertArrayEquals(expected.get(i).toArray(), actual.get(i).toArray(), 0.0,
          name + " gradient " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void rejectsWhatBackwardRejects(String name, Supplier<Layer> make, int[] inputShape) {
    Layer layer = make.get();
    Tensor x = GradientCheck.random(13, inputShape);
    int[] outShape = layer.outputShape(inputShape);
    IllegalStateException before = assertThrows(IllegalStateException.class,
        () -> layer.backwardWeightsOnly(Tensor.zeros(outShape)));
    assertEquals(true, before.getMessage().contains("forward"), before.getMessage());
    layer.forward(x, true);
    int[] wrong = outShape.clone();
    wrong[wrong.length - 1]++;
    assertThrows(IllegalArgumentException.class,
        () -> layer.backwardWeightsOnly(Tensor.zeros(wrong)));
  }
}
