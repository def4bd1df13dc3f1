package io.github.dropnet.layers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationLayerTest {

  // ---- golden values

  static Stream<String> fixtures() {
    List<String> names = new ArrayList<>();
    for (Fixture f : Fixture.all()) {
      if (f.name.startsWith("activation_")) {
        names.add(f.name);
      }
    }
    assertFalse(names.isEmpty(), "no activation_* fixtures found");
    return names.stream();
  }

  static Activation activation(String name) {
    return name.equals("none") ? Activation.LINEAR
        : Activation.valueOf(name.toUpperCase(Locale.ROOT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    assertEquals("Activation", f.type);
    ActivationLayer layer = new ActivationLayer(activation(f.attr("activation")));
    Tensor y = layer.forward(f.tensor("input"), true);
    assertClose(f.tensor("output"), y, name + " output");
    for (double v : y.data()) {
      assertFalse(Double.isNaN(v), name + ": NaN in the output");
    }
    assertClose(f.tensor("grad_input"), layer.backward(f.tensor("grad_output")),
        name + " grad_input");
    assertEquals(List.of(), layer.getGradients());
  }

  // ---- gradients

  static Stream<Arguments> gradientConfigurations() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {{1}, {1, 1}, {3, 4}, {2, 3, 5}, {1, 2, 2, 3}};
    long seed = 1;
    for (Activation a : Activation.values()) {
      for (int[] shape : shapes) {
        out.add(Arguments.of(a, shape, seed++));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} input {1}")
  @MethodSource("gradientConfigurations")
  void gradientsMatchFiniteDifferences(Activation a, int[] shape, long seed) {
    Tensor x = GradientCheck.random(seed, shape).mul(3.0);
    GradientCheck.check(new ActivationLayer(a), x, seed + 100);
  }

  @Test
  void elementWiseActivationsAcceptRankZero() {
    ActivationLayer tanh = new ActivationLayer(Activation.TANH);
    Tensor y = tanh.forward(Tensor.scalar(0.5));
    assertEquals(Math.tanh(0.5), y.get(), 0.0);
    assertEquals(1 - Math.tanh(0.5) * Math.tanh(0.5), tanh.backward(Tensor.scalar(1)).get(), 1e-15);
  }

  // ---- numerics

  @Test
  void softmaxRowsSumToOneForLogitsOfPlusMinus1000() {
    ActivationLayer softmax = new ActivationLayer(Activation.SOFTMAX);
    Tensor x = Tensor.of(new double[] {
        1000, 999, -1000, 0,
        -1000, -1001, -999, -1000,
        1000, 1000, 1000, 1000,
        1000, -1000, 0, 500}, 2, 2, 4);
    double[] p = softmax.forward(x, true).data();
    for (int r = 0; r < 4; r++) {
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        assertFalse(Double.isNaN(p[4 * r + j]), "NaN in row " + r);
        sum += p[4 * r + j];
      }
      assertEquals(1.0, sum, 1e-12, "row " + r);
    }
    assertEquals(0.25, p[8], 1e-15);
    assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-15);
    for (double v : softmax.backward(GradientCheck.random(3, 2, 2, 4)).data()) {
      assertTrue(Double.isFinite(v));
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void noNanForLargeFiniteInputs(Activation a) {
    ActivationLayer layer = new ActivationLayer(a);
    Tensor y = layer.forward(Tensor.of(new double[] {1e300, -1e300, 800, -800}, 2, 2), true);
    for (double v : y.data()) {
      assertFalse(Double.isNaN(v), a + " output");
    }
    for (double v : layer.backward(Tensor.ones(2, 2)).data()) {
      assertFalse(Double.isNaN(v), a + " gradient");
    }
  }

  // ---- configuration and validation

  @Test
  void rejectsNullActivation() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ActivationLayer(null));
    assertTrue(e.getMessage().contains("ActivationLayer: activation"), e.getMessage());
  }

  @Test
  void softmaxRejectsRankZero() {
    ActivationLayer softmax = new ActivationLayer(Activation.SOFTMAX);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> softmax.forward(Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("ActivationLayer"), e.getMessage());
    assertTrue(e.getMessage().contains("()"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> softmax.outputShape());
  }

  @Test
  void outputShapeIsTheInputShape() {
    ActivationLayer relu = new ActivationLayer(Activation.RELU);
    assertArrayEquals(new int[] {-1, 3, 4}, relu.outputShape(-1, 3, 4));
    assertArrayEquals(new int[] {-1, -1}, relu.outputShape(-1, -1));
    relu.build(-1, 3, 4);
    // no weights, no fixed input shape: another shape is fine
    assertArrayEquals(new int[] {2, 5}, relu.forward(Tensor.zeros(2, 5)).shape());
    assertThrows(IllegalArgumentException.class, () -> relu.outputShape(-2, 3));
  }

  @Test
  void weightsAndToString() {
    ActivationLayer relu = new ActivationLayer(Activation.RELU);
    assertEquals(Activation.RELU, relu.activation());
    assertEquals("ActivationLayer[activation=RELU]", relu.toString());
    assertEquals(List.of(), relu.getWeights());
    assertEquals(List.of(), relu.parameters());
    assertEquals(0, relu.paramCount());
    relu.setWeights(List.of());
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> relu.setWeights(List.of(Tensor.zeros(1))));
    assertTrue(e.getMessage().contains("ActivationLayer"), e.getMessage());
  }

  @Test
  void backwardBeforeForwardThrows() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new ActivationLayer(Activation.TANH).backward(Tensor.zeros(2, 2)));
    assertTrue(e.getMessage().contains("ActivationLayer"), e.getMessage());
  }

  @Test
  void backwardRejectsAGradientOfTheWrongShape() {
    ActivationLayer layer = new ActivationLayer(Activation.SIGMOID);
    layer.forward(Tensor.zeros(2, 3), true);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> layer.backward(Tensor.zeros(3, 2)));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"),
        e.getMessage());
  }

  @Test
  void forwardAndBackwardLeaveTheirArgumentsAlone() {
    ActivationLayer layer = new ActivationLayer(Activation.SOFTMAX);
    Tensor x = GradientCheck.random(1, 2, 3);
    Tensor xCopy = x.copy();
    layer.forward(x, true);
    assertEquals(xCopy, x);
    Tensor g = GradientCheck.random(2, 2, 3);
    Tensor gCopy = g.copy();
    layer.backward(g);
    assertEquals(gCopy, g);
  }
}
