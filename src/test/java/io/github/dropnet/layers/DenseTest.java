package io.github.dropnet.layers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DenseTest {

  // ---- golden values

  static Stream<String> fixtures() {
    List<String> names = new ArrayList<>();
    for (Fixture f : Fixture.all()) {
      if (f.name.startsWith("dense_")) {
        names.add(f.name);
      }
    }
    assertFalse(names.isEmpty(), "no dense_* fixtures found");
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
    assertEquals("Dense", f.type);
    Tensor x = f.tensor("input");
    Dense dense = new Dense(f.intAttr("units")).activation(activation(f.attr("activation")));
    dense.build(x.shape());
    dense.setWeights(List.of(f.tensor("kernel"), f.tensor("bias")));

    assertClose(f.tensor("output"), dense.forward(x, true), name + " output");
    assertClose(f.tensor("grad_input"), dense.backward(f.tensor("grad_output")),
        name + " grad_input");
    List<Tensor> grads = dense.getGradients();
    assertEquals(2, grads.size());
    assertClose(f.tensor("grad_kernel"), grads.get(0), name + " grad_kernel");
    assertClose(f.tensor("grad_bias"), grads.get(1), name + " grad_bias");
  }

  // ---- gradients

  static Stream<Arguments> gradientConfigurations() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {{1, 1}, {1, 5}, {4, 1}, {3, 7}, {2, 3, 4}, {1, 1, 1}, {2, 2, 2, 3}};
    int[] unitCounts = {1, 2, 5};
    long seed = 1;
    for (Activation a : Activation.values()) {
      for (int[] shape : shapes) {
        for (int units : unitCounts) {
          for (boolean bias : new boolean[] {true, false}) {
            out.add(Arguments.of(a, shape, units, bias, seed++));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} input {1} units {2} bias {3}")
  @MethodSource("gradientConfigurations")
  void gradientsMatchFiniteDifferences(
      Activation a, int[] shape, int units, boolean bias, long seed) {
    Dense dense = new Dense(units).activation(a).useBias(bias).seed(seed);
    dense.build(shape);
    if (bias) {
      // a non-zero bias, so that its gradient path is exercised with generic values
      Tensor b = GradientCheck.random(seed + 1000, units);
      dense.setWeights(List.of(dense.getWeights().get(0), b));
    }
    GradientCheck.check(dense, GradientCheck.random(seed + 2000, shape), seed + 3000);
  }

  @Test
  void rank3InputActsOnTheLastAxisLikeRowsOfAMatrix() {
    Dense dense = new Dense(3).activation(Activation.TANH).seed(5);
    Tensor x = GradientCheck.random(6, 2, 4, 5);
    Tensor y = dense.forward(x);
    assertArrayEquals(new int[] {2, 4, 3}, y.shape());
    Dense flat = new Dense(3).activation(Activation.TANH).seed(5);
    Tensor y2 = flat.forward(x.reshape(8, 5));
    assertArrayEquals(y2.toArray(), y.toArray());
    Tensor g = GradientCheck.random(7, 2, 4, 3);
    Tensor dx = dense.backward(g);
    assertArrayEquals(new int[] {2, 4, 5}, dx.shape());
    assertArrayEquals(flat.backward(g.reshape(8, 3)).toArray(), dx.toArray());
    assertArrayEquals(flat.getGradients().get(0).toArray(), dense.getGradients().get(0).toArray());
  }

  // ---- configuration and validation

  @ParameterizedTest
  @ValueSource(ints = {0, -1, -7})
  void rejectsNonPositiveUnits(int units) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Dense(units));
    assertTrue(e.getMessage().contains("Dense"), e.getMessage());
    assertTrue(e.getMessage().contains("units"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(units)), e.getMessage());
  }

  @Test
  void rejectsNullActivation() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Dense(2).activation(null));
    assertTrue(e.getMessage().contains("Dense: activation"), e.getMessage());
  }

  @Test
  void defaultsAreKeras() {
    Dense dense = new Dense(4);
    assertEquals(4, dense.units());
    assertEquals(Activation.LINEAR, dense.activation());
    assertTrue(dense.useBias());
    assertEquals(OptionalLong.empty(), dense.seed());
    assertEquals(OptionalLong.of(3), new Dense(1).seed(3).seed());
    assertFalse(dense.isBuilt());
    assertEquals(List.of(), dense.getWeights());
    assertEquals(List.of(), dense.parameters());
    assertEquals(0, dense.paramCount());
  }

  @Test
  void settersAfterBuildThrow() {
    Dense dense = new Dense(2);
    dense.build(-1, 3);
    assertTrue(dense.isBuilt());
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> dense.activation(Activation.RELU));
    assertTrue(e.getMessage().contains("Dense"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> dense.useBias(false));
    assertThrows(IllegalStateException.class, () -> dense.seed(1));
  }

  @Test
  void settersAfterImplicitBuildByForwardThrow() {
    Dense dense = new Dense(2);
    dense.forward(Tensor.ones(1, 3));
    assertThrows(IllegalStateException.class, () -> dense.activation(Activation.RELU));
  }

  @Test
  void rejectsAWrongLastAxisAfterBuildNamingBothShapes() {
    Dense dense = new Dense(2);
    dense.build(-1, 4);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> dense.forward(Tensor.zeros(3, 5)));
    assertEquals(
        "Dense: expected an input of rank >= 2 with last axis 4 (as built), received shape (3, 5)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> dense.outputShape(-1, 5));
    assertThrows(IllegalArgumentException.class, () -> dense.build(2, 5));
  }

  @Test
  void rejectsRankBelowTwo() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Dense(2).forward(Tensor.zeros(5)));
    assertTrue(e.getMessage().contains("rank >= 2"), e.getMessage());
    assertTrue(e.getMessage().contains("(5,)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Dense(2).build(5));
    assertThrows(IllegalArgumentException.class, () -> new Dense(2).outputShape(5));
  }

  @Test
  void rejectsAnUnknownOrEmptyLastAxisAtBuild() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Dense(2).build(3, -1));
    assertTrue(e.getMessage().contains("(3, -1)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Dense(2).build(3, 0));
    assertThrows(IllegalArgumentException.class, () -> new Dense(2).build(-2, 3));
  }

  @Test
  void buildingAgainWithTheSameLastAxisKeepsTheWeights() {
    Dense dense = new Dense(3).seed(1);
    dense.build(-1, 2);
    List<Tensor> before = dense.getWeights();
    dense.build(7, 2);
    dense.forward(Tensor.ones(4, 5, 2));
    assertEquals(before, dense.getWeights());
  }

  @Test
  void outputShapeKeepsUnknownAxes() {
    Dense dense = new Dense(6);
    assertArrayEquals(new int[] {-1, 6}, dense.outputShape(-1, 4));
    assertArrayEquals(new int[] {-1, -1, 6}, dense.outputShape(-1, -1, 4));
    assertArrayEquals(new int[] {2, 3, 6}, dense.outputShape(2, 3, 4));
    assertFalse(dense.isBuilt(), "outputShape must not build");
    dense.build(-1, 4);
    assertArrayEquals(new int[] {-1, 5, 6}, dense.outputShape(-1, 5, 4));
  }

  @Test
  void paramCountAndToString() {
    Dense dense = new Dense(128).activation(Activation.RELU);
    assertEquals("Dense[units=128, activation=RELU]", dense.toString());
    dense.build(-1, 10);
    assertEquals(10 * 128 + 128, dense.paramCount());
    assertEquals("Dense[units=128, activation=RELU]", dense.toString());

    Dense noBias = new Dense(3).useBias(false);
    assertEquals("Dense[units=3, activation=LINEAR, useBias=false]", noBias.toString());
    noBias.build(-1, 4);
    assertEquals(12, noBias.paramCount());
    assertEquals(1, noBias.getWeights().size());
    assertEquals(1, noBias.getGradients().size());
  }

  // ---- weights

  @Test
  void seededInitIsDeterministicWithinTheGlorotLimitAndBiasIsZero() {
    int in = 30;
    int units = 20;
    Dense a = new Dense(units).seed(42);
    Dense b = new Dense(units).seed(42);
    Dense c = new Dense(units).seed(43);
    a.build(-1, in);
    b.build(-1, in);
    c.build(-1, in);
    assertEquals(a.getWeights(), b.getWeights());
    assertNotEquals(a.getWeights().get(0), c.getWeights().get(0));

    double limit = Math.sqrt(6.0 / (in + units));
    Tensor kernel = a.getWeights().get(0);
    assertArrayEquals(new int[] {in, units}, kernel.shape());
    assertTrue(kernel.max() <= limit && kernel.min() >= -limit, "kernel within +-" + limit);
    // uniform on [-limit, limit]: 600 draws spread over most of the interval
    assertTrue(kernel.max() > 0.9 * limit && kernel.min() < -0.9 * limit, "kernel spread");
    assertEquals(0.0, kernel.mean(), 0.1 * limit);
    Tensor bias = a.getWeights().get(1);
    assertArrayEquals(new int[] {units}, bias.shape());
    assertEquals(Tensor.zeros(units), bias);
  }

  @Test
  void unseededLayersDiffer() {
    Dense a = new Dense(8);
    Dense b = new Dense(8);
    a.build(-1, 8);
    b.build(-1, 8);
    assertNotEquals(a.getWeights().get(0), b.getWeights().get(0));
  }

  @Test
  void getWeightsCopiesAndParametersAreLive() {
    Dense dense = new Dense(2).seed(1);
    dense.build(-1, 3);
    Tensor copy = dense.getWeights().get(0);
    copy.data()[0] = 99;
    assertNotEquals(99, dense.getWeights().get(0).data()[0]);
    dense.parameters().get(1).data()[1] = 5;
    assertEquals(5, dense.getWeights().get(1).data()[1]);

    Tensor kernel = Tensor.ones(3, 2);
    dense.setWeights(List.of(kernel, Tensor.zeros(2)));
    kernel.data()[0] = 7;
    assertEquals(1, dense.getWeights().get(0).data()[0], "setWeights copies");
  }

  @Test
  void gradientsAreLiveAndOverwrittenByEachBackward() {
    Dense dense = new Dense(2).seed(1);
    dense.build(-1, 3);
    assertEquals(Tensor.zeros(3, 2), dense.getGradients().get(0));
    Tensor liveKernelGrad = dense.gradients().get(0);
    Tensor x = GradientCheck.random(2, 4, 3);
    dense.forward(x, true);
    dense.backward(Tensor.ones(4, 2));
    Tensor first = dense.getGradients().get(0);
    assertEquals(first, liveKernelGrad);
    dense.forward(x, true);
    dense.backward(Tensor.ones(4, 2));
    assertEquals(first, dense.getGradients().get(0), "not accumulated");
  }

  @Test
  void setWeightsValidatesCountAndShape() {
    Dense dense = new Dense(2);
    dense.build(-1, 3);
    IllegalArgumentException count = assertThrows(
        IllegalArgumentException.class, () -> dense.setWeights(List.of(Tensor.zeros(3, 2))));
    assertTrue(count.getMessage().contains("Dense"), count.getMessage());
    assertTrue(count.getMessage().contains("2") && count.getMessage().contains("1"));
    IllegalArgumentException shape = assertThrows(
        IllegalArgumentException.class,
        () -> dense.setWeights(List.of(Tensor.zeros(2, 3), Tensor.zeros(2))));
    assertTrue(shape.getMessage().contains("(3, 2)"), shape.getMessage());
    assertTrue(shape.getMessage().contains("(2, 3)"), shape.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> dense.setWeights(List.of(Tensor.zeros(3, 2), Tensor.zeros(3))));
    assertThrows(IllegalArgumentException.class, () -> dense.setWeights(null));

    Dense noBias = new Dense(2).useBias(false);
    noBias.build(-1, 3);
    assertThrows(IllegalArgumentException.class,
        () -> noBias.setWeights(List.of(Tensor.zeros(3, 2), Tensor.zeros(2))));
    noBias.setWeights(List.of(Tensor.ones(3, 2)));
  }

  @Test
  void setWeightsBeforeBuildThrowsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Dense(2).setWeights(List.of(Tensor.zeros(3, 2), Tensor.zeros(2))));
    assertTrue(e.getMessage().contains("Dense"), e.getMessage());
  }

  // ---- backward

  @Test
  void backwardBeforeForwardThrows() {
    Dense dense = new Dense(2);
    dense.build(-1, 3);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> dense.backward(Tensor.zeros(1, 2)));
    assertTrue(e.getMessage().contains("Dense"), e.getMessage());
  }

  @Test
  void backwardRejectsAGradientOfTheWrongShape() {
    Dense dense = new Dense(2);
    dense.forward(Tensor.ones(4, 3), true);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> dense.backward(Tensor.zeros(4, 3)));
    assertTrue(e.getMessage().contains("(4, 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("(4, 3)"), e.getMessage());
  }

  @Test
  void backwardDoesNotModifyTheGivenGradient() {
    Dense dense = new Dense(3).activation(Activation.SIGMOID).seed(3);
    dense.forward(GradientCheck.random(1, 2, 4), true);
    Tensor g = GradientCheck.random(2, 2, 3);
    Tensor copy = g.copy();
    dense.backward(g);
    assertEquals(copy, g);
  }

  @Test
  void emptyBatch() {
    Dense dense = new Dense(3).seed(1);
    Tensor y = dense.forward(Tensor.zeros(0, 4));
    assertArrayEquals(new int[] {0, 3}, y.shape());
    assertArrayEquals(new int[] {0, 4}, dense.backward(Tensor.zeros(0, 3)).shape());
    assertEquals(Tensor.zeros(3), dense.getGradients().get(1));
  }

  // ---- numerics

  @Test
  void softmaxRowsSumToOneForLogitsOfPlusMinus1000() {
    Dense dense = new Dense(4).activation(Activation.SOFTMAX);
    dense.build(-1, 2);
    // identity-like kernel so the logits are the inputs' +-1000 combinations
    dense.setWeights(List.of(
        Tensor.of(new double[] {1, -1, 0, 1, 0, 1, -1, 1}, 2, 4), Tensor.zeros(4)));
    Tensor x = Tensor.of(new double[] {1000, 0, -1000, 0, 0, 1000, 500, -500, 1000, 1000}, 5, 2);
    Tensor y = dense.forward(x, true);
    double[] p = y.data();
    for (int r = 0; r < 5; r++) {
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        double v = p[r * 4 + j];
        assertFalse(Double.isNaN(v) || v < 0 || v > 1, "probability " + v);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-12, "row " + r);
    }
    double[] dx = dense.backward(GradientCheck.random(9, 5, 4)).data();
    for (double v : dx) {
      assertTrue(Double.isFinite(v), "finite gradient");
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void noNanForLargeFiniteInputs(Activation a) {
    Dense dense = new Dense(3).activation(a).seed(4);
    dense.build(-1, 2);
    dense.setWeights(List.of(Tensor.ones(2, 3), Tensor.zeros(3)));
    Tensor y = dense.forward(Tensor.of(new double[] {800, 800, -800, -800}, 2, 2), true);
    for (double v : y.data()) {
      assertFalse(Double.isNaN(v), a + " output");
    }
    for (double v : dense.backward(Tensor.ones(2, 3)).data()) {
      assertFalse(Double.isNaN(v), a + " gradient");
    }
  }

  // ---- thread safety

  @Test
  void inferenceFromFourThreadsMatchesOneThread() throws Exception {
    Dense dense = new Dense(64).activation(Activation.SOFTMAX).seed(11);
    dense.build(-1, 32);
    int inputs = 40;
    Tensor[] xs = new Tensor[inputs];
    double[][] expected = new double[inputs][];
    for (int i = 0; i < inputs; i++) {
      xs[i] = GradientCheck.random(100 + i, 1 + i % 7, 32);
      expected[i] = dense.forward(xs[i], false).toArray();
    }

    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<double[][]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Callable<double[][]> task = () -> {
          start.await();
          double[][] out = new double[inputs][];
          for (int round = 0; round < 20; round++) {
            for (int k = 0; k < inputs; k++) {
              int i = (k + offset * 10) % inputs;
              out[i] = dense.forward(xs[i], false).toArray();
            }
          }
          return out;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<double[][]> f : futures) {
        double[][] got = f.get();
        for (int i = 0; i < inputs; i++) {
          assertArrayEquals(expected[i], got[i], "input " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
