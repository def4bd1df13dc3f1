package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import io.github.dropnet.testing.TensorAssert;
import io.github.dropnet.testing.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2DTest {

  // ---------------------------------------------------------------- golden values

  static List<String> fixtures() {
    return FixtureCases.named("conv2d_");
  }

  @Test
  void everyConvFixtureIsFound() {
    assertTrue(fixtures().size() >= 8, "conv2d_* fixtures found: " + fixtures());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    Conv2D conv = new Conv2D(
            f.intAttr("filters"), f.intAttr("kernel_size", 0), f.intAttr("kernel_size", 1))
        .strides(f.intAttr("strides", 0), f.intAttr("strides", 1))
        .dilation(f.intAttr("dilation", 0), f.intAttr("dilation", 1))
        .padding(FixtureCases.padding(f))
        .dataFormat(FixtureCases.dataFormat(f))
        .activation(FixtureCases.activation(f));
    Tensor x = f.tensor("input");
    conv.build(x.shape());
    conv.setWeights(List.of(f.tensor("kernel"), f.tensor("bias")));

    Tensor y = conv.forward(x, true);
    TensorAssert.assertClose(f.tensor("output"), y, name + " output");
    assertArrayEquals(f.tensor("output").shape(), conv.outputShape(x.shape()), "outputShape");
    Tensor dx = conv.backward(f.tensor("grad_output"));
    TensorAssert.assertClose(f.tensor("grad_input"), dx, name + " grad_input");
    List<Tensor> grads = conv.getGradients();
    assertEquals(2, grads.size());
    TensorAssert.assertClose(f.tensor("grad_kernel"), grads.get(0), name + " grad_kernel");
    TensorAssert.assertClose(f.tensor("grad_bias"), grads.get(1), name + " grad_bias");
  }

  // ---------------------------------------------------------------- gradient checks

  private static final Activation[] ACTIVATIONS = {
    Activation.LINEAR, Activation.RELU, Activation.SIGMOID, Activation.TANH
  };

  /** filters, kh, kw, sh, sw, dh, dw, padding, format, activation, bias, input shape. */
  static Stream<Arguments> gradientConfigurations() {
    List<Arguments> out = new ArrayList<>();
    int[][] strides = {{1, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 2}};
    int[][] kernels = {{3, 2}, {2, 2}, {3, 3}, {2, 3}};
    int i = 0;
    for (int[] s : strides) {
      for (Padding p : Padding.values()) {
        for (DataFormat f : DataFormat.values()) {
          for (Activation a : ACTIVATIONS) {
            int[] k = kernels[i % kernels.length];
            boolean bias = (i + i / 4) % 2 == 0;
            int batch = i % 5 == 0 ? 1 : 2;
            out.add(config(3, k, s, new int[] {1, 1}, p, f, a, bias, batch, 7, 6, 2));
            i++;
          }
        }
      }
    }
    int[][] dilations = {{2, 2}, {2, 1}, {1, 2}};
    for (int[] d : dilations) {
      for (Padding p : Padding.values()) {
        for (DataFormat f : DataFormat.values()) {
          Activation a = ACTIVATIONS[i % ACTIVATIONS.length];
          int[] k = i % 2 == 0 ? new int[] {3, 2} : new int[] {2, 3};
          out.add(config(2, k, new int[] {1, 1}, d, p, f, a, i % 3 != 0, 1 + i % 2, 7, 8, 2));
          i++;
        }
      }
    }
    int[][] pointStrides = {{1, 1}, {2, 2}, {1, 2}};
    for (int[] s : pointStrides) {
      for (Padding p : Padding.values()) {
        for (DataFormat f : DataFormat.values()) {
          Activation a = ACTIVATIONS[i % ACTIVATIONS.length];
          out.add(config(4, new int[] {1, 1}, s, new int[] {1, 1}, p, f, a, i % 2 == 0, 1 + i % 2,
              5, 5, 3));
          i++;
        }
      }
    }
    // softmax (over the last axis, whatever the format) and selu, strided and not
    int[][] fewStrides = {{1, 1}, {2, 2}};
    for (Activation a : new Activation[] {Activation.SOFTMAX, Activation.SELU}) {
      for (int[] s : fewStrides) {
        for (Padding p : Padding.values()) {
          for (DataFormat f : DataFormat.values()) {
            out.add(config(3, new int[] {3, 2}, s, new int[] {1, 1}, p, f, a, i % 2 == 0, 2,
                6, 5, 2));
            i++;
          }
        }
      }
    }
    return out.stream();
  }

  private static Arguments config(
      int filters, int[] k, int[] s, int[] d, Padding p, DataFormat f, Activation a, boolean bias,
      int batch, int h, int w, int c) {
    int[] shape = f == DataFormat.CHANNELS_LAST
        ? new int[] {batch, h, w, c}
        : new int[] {batch, c, h, w};
    return Arguments.of(filters, k, s, d, p, f, a, bias, shape);
  }

  @ParameterizedTest(name = "[{index}] filters={0} {4} {5} {6} bias={7}")
  @MethodSource("gradientConfigurations")
  void gradientsMatchFiniteDifferences(
      int filters, int[] k, int[] s, int[] d, Padding p, DataFormat f, Activation a,
      boolean bias, int[] shape) {
    Conv2D conv = new Conv2D(filters, k[0], k[1])
        .strides(s[0], s[1])
        .dilation(d[0], d[1])
        .padding(p)
        .dataFormat(f)
        .activation(a)
        .useBias(bias)
        .seed(11);
    conv.build(shape);
    if (bias) {
      // a non-zero bias, so its effect through the activation is exercised too
      Tensor b = GradientCheck.random(5, filters);
      conv.setWeights(List.of(conv.getWeights().get(0), b));
    }
    long seed = 31L * filters + k[0] * 7 + s[0] * 3 + s[1] + p.ordinal() * 13 + f.ordinal() * 17;
    GradientCheck.check(conv, GradientCheck.random(seed, shape), seed + 1);
  }

  // ---------------------------------------------------------------- shapes, weights, build

  @Test
  void outputShapeKeepsUnknownSizes() {
    Conv2D conv = new Conv2D(8, 3, 3).strides(2, 2).padding(Padding.SAME);
    assertArrayEquals(new int[] {-1, 4, 3, 8}, conv.outputShape(-1, 7, 5, 3));
    assertArrayEquals(new int[] {-1, -1, 3, 8}, conv.outputShape(-1, -1, 5, 3));
    Conv2D first = new Conv2D(8, 3, 3).dataFormat(DataFormat.CHANNELS_FIRST);
    assertArrayEquals(new int[] {-1, 8, 5, 3}, first.outputShape(-1, 3, 7, 5));
    assertArrayEquals(new int[] {2, 8, 5, -1}, first.outputShape(2, 3, 7, -1));
  }

  @Test
  void buildsOnFirstForwardAndAcceptsOtherBatchAndSpatialSizes() {
    Conv2D conv = new Conv2D(2, 3, 3).seed(1);
    assertEquals(0, conv.paramCount());
    assertEquals(List.of(), conv.getWeights());
    assertArrayEquals(new int[] {1, 3, 2, 2}, conv.forward(Tensor.zeros(1, 5, 4, 3)).shape());
    assertEquals(3 * 3 * 3 * 2 + 2, conv.paramCount());
    assertArrayEquals(new int[] {4, 6, 7, 2}, conv.forward(Tensor.zeros(4, 8, 9, 3)).shape());
  }

  @Test
  void paramCountAndWeightLayout() {
    Conv2D conv = new Conv2D(4, 3, 2);
    conv.build(-1, 6, 6, 5);
    assertEquals(3 * 2 * 5 * 4 + 4, conv.paramCount());
    List<Tensor> w = conv.getWeights();
    assertEquals(2, w.size());
    assertArrayEquals(new int[] {3, 2, 5, 4}, w.get(0).shape());
    assertArrayEquals(new int[] {4}, w.get(1).shape());
    assertEquals(2, conv.getGradients().size());

    Conv2D noBias = new Conv2D(4, 3, 2).useBias(false).dataFormat(DataFormat.CHANNELS_FIRST);
    noBias.build(-1, 5, 6, 6);
    assertEquals(3 * 2 * 5 * 4, noBias.paramCount());
    assertEquals(1, noBias.getWeights().size());
    assertEquals(1, noBias.parameters().size());
    assertEquals(1, noBias.gradients().size());
    assertEquals(1, noBias.getGradients().size());
  }

  @Test
  void initialisationIsGlorotUniformZeroBiasAndSeeded() {
    Conv2D a = new Conv2D(16, 3, 3).seed(42);
    Conv2D b = new Conv2D(16, 3, 3).seed(42);
    Conv2D c = new Conv2D(16, 3, 3).seed(43);
    Conv2D unseeded1 = new Conv2D(16, 3, 3);
    Conv2D unseeded2 = new Conv2D(16, 3, 3);
    for (Conv2D conv : List.of(a, b, c, unseeded1, unseeded2)) {
      conv.build(-1, 8, 8, 4);
    }
    Tensor kernel = a.getWeights().get(0);
    assertEquals(kernel, b.getWeights().get(0));
    assertNotEquals(kernel, c.getWeights().get(0));
    assertNotEquals(unseeded1.getWeights().get(0), unseeded2.getWeights().get(0));
    double limit = Math.sqrt(6.0 / (9 * 4 + 9 * 16));
    assertTrue(kernel.max() <= limit && kernel.min() >= -limit);
    assertTrue(kernel.max() > 0.9 * limit && kernel.min() < -0.9 * limit, "spans the range");
    assertEquals(Tensor.zeros(16), a.getWeights().get(1));
  }

  @Test
  void weightsAreCopiedInAndOut() {
    Conv2D conv = new Conv2D(2, 2, 2).seed(3);
    conv.build(-1, 4, 4, 1);
    Tensor k = GradientCheck.random(1, 2, 2, 1, 2);
    Tensor b = GradientCheck.random(2, 2);
    conv.setWeights(List.of(k, b));
    assertEquals(k, conv.getWeights().get(0));
    assertEquals(b, conv.getWeights().get(1));
    k.data()[0] = 99;
    conv.getWeights().get(0).data()[1] = 99;
    assertNotEquals(99, conv.getWeights().get(0).data()[0]);
    assertNotEquals(99, conv.getWeights().get(0).data()[1]);
    assertTrue(conv.parameters().get(0) == conv.parameters().get(0), "parameters are live");
    conv.parameters().get(1).data()[0] = 5;
    assertEquals(5, conv.getWeights().get(1).data()[0]);
  }

  @Test
  void buildingAgainOnlyChecksTheShape() {
    Conv2D conv = new Conv2D(2, 2, 2).seed(3);
    conv.build(-1, 4, 4, 1);
    Tensor k = conv.getWeights().get(0);
    conv.build(8, 9, 9, 1);
    assertEquals(k, conv.getWeights().get(0));
    assertThrows(IllegalArgumentException.class, () -> conv.build(8, 9, 9, 2));
  }

  @Test
  void toStringListsTheConfiguration() {
    assertEquals(
        "Conv2D[filters=32, kernel=(3, 3), strides=(1, 1), padding=SAME, dilation=(1, 1), "
            + "dataFormat=CHANNELS_LAST, activation=RELU, useBias=true]",
        new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU).toString());
    assertEquals(
        "Conv2D[filters=4, kernel=(5, 2), strides=(1, 1), padding=VALID, dilation=(2, 3), "
            + "dataFormat=CHANNELS_FIRST, activation=LINEAR, useBias=false]",
        new Conv2D(4, 5, 2).dilation(2, 3).dataFormat(DataFormat.CHANNELS_FIRST).useBias(false)
            .toString());
  }

  @Test
  void gettersReturnTheConfiguration() {
    Conv2D conv = new Conv2D(6, 5, 3).strides(2, 1).padding(Padding.SAME)
        .dataFormat(DataFormat.CHANNELS_FIRST).activation(Activation.TANH).useBias(false);
    assertEquals(6, conv.filters());
    assertArrayEquals(new int[] {5, 3}, conv.kernelSize());
    assertArrayEquals(new int[] {2, 1}, conv.strides());
    assertArrayEquals(new int[] {1, 1}, conv.dilation());
    assertEquals(Padding.SAME, conv.padding());
    assertEquals(DataFormat.CHANNELS_FIRST, conv.dataFormat());
    assertEquals(Activation.TANH, conv.activation());
    assertEquals(false, conv.useBias());
    Conv2D defaults = new Conv2D(1, 1, 1);
    assertEquals(Padding.VALID, defaults.padding());
    assertEquals(DataFormat.CHANNELS_LAST, defaults.dataFormat());
    assertEquals(Activation.LINEAR, defaults.activation());
    assertEquals(true, defaults.useBias());
    conv.kernelSize()[0] = 99;
    assertArrayEquals(new int[] {5, 3}, conv.kernelSize(), "getters return copies");
  }

  @Test
  void softmaxIsOverTheLastAxis() {
    Conv2D conv = new Conv2D(3, 1, 1).activation(Activation.SOFTMAX).seed(2);
    Tensor y = conv.forward(GradientCheck.random(1, 2, 3, 3, 2));
    double[] d = y.data();
    for (int r = 0; r < d.length; r += 3) {
      assertEquals(1.0, d[r] + d[r + 1] + d[r + 2], 1e-12);
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  void rejectsAnInputOfTheWrongRank() {
    Conv2D conv = new Conv2D(2, 3, 3);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(3, 5)));
    assertEquals(
        "Conv2D: expected an input of rank 4 (N, H, W, C), received shape (3, 5)",
        e.getMessage());
    Conv2D first = new Conv2D(2, 3, 3).dataFormat(DataFormat.CHANNELS_FIRST);
    e = assertThrows(IllegalArgumentException.class, () -> first.outputShape(1, 2, 3));
    assertEquals(
        "Conv2D: expected an input of rank 4 (N, C, H, W), received shape (1, 2, 3)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> conv.build(1, 2, 3, 4, 5));
  }

  @Test
  void rejectsAnotherChannelCountThanBuiltNamingBothShapes() {
    Conv2D conv = new Conv2D(2, 3, 3);
    conv.build(-1, 5, 5, 3);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 5, 5, 4)));
    assertTrue(e.getMessage().startsWith("Conv2D: "), e.getMessage());
    assertTrue(e.getMessage().contains("(-1, 5, 5, 3)"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 5, 5, 4)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> conv.outputShape(-1, 5, 5, 4));
  }

  @Test
  void rejectsAWindowLargerThanTheInputWithValidPadding() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> new Conv2D(2, 11, 2).forward(Tensor.zeros(1, 5, 5, 1)));
    assertTrue(e.getMessage().contains("kernel height 11"), e.getMessage());
    assertTrue(e.getMessage().contains("(1, 5, 5, 1)"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> new Conv2D(2, 3, 3).dilation(1, 3).outputShape(-1, 9, 6, 1));
    assertTrue(e.getMessage().contains("kernel width 7 (3 dilated by 3)"), e.getMessage());
    // SAME pads the input up to the window
    assertArrayEquals(
        new int[] {1, 5, 5, 2},
        new Conv2D(2, 11, 2).padding(Padding.SAME).forward(Tensor.zeros(1, 5, 5, 1)).shape());
  }

  @Test
  void rejectsStridesAboveOneWithDilationAboveOne() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).strides(2, 1).dilation(1, 2));
    assertTrue(e.getMessage().startsWith("Conv2D: strides above 1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).dilation(2, 2).strides(1, 2));
  }

  @Test
  void rejectsNonPositiveSizes() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(0, 3, 3));
    assertEquals("Conv2D: filters must be a positive integer, received 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, -1, 3));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).strides(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).strides(1, -2));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).dilation(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).dilation(1, 0));
    e = assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(2, 1, 1).build(2, 0, 5, 3));
    assertTrue(e.getMessage().contains("(2, 0, 5, 3)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 1, 1).build(-1, 5, 5, -1));
    assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(2, 1, 1).outputShape(-2, 5, 5, 1));
  }

  @Test
  void rejectsNullEnums() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).padding(null));
    assertEquals("Conv2D: padding must not be null", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).dataFormat(null));
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(2, 3, 3).activation(null));
  }

  @Test
  void setWeightsChecksCountShapeAndBuild() {
    Conv2D unbuilt = new Conv2D(2, 3, 3);
    assertThrows(
        IllegalStateException.class,
        () -> unbuilt.setWeights(List.of(Tensor.zeros(3, 3, 1, 2), Tensor.zeros(2))));
    Conv2D conv = new Conv2D(2, 3, 3);
    conv.build(-1, 5, 5, 1);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> conv.setWeights(List.of(Tensor.zeros(3, 3, 1, 2))));
    assertEquals("Conv2D: setWeights expected 2 tensors, received 1", e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> conv.setWeights(List.of(Tensor.zeros(3, 3, 2, 1), Tensor.zeros(2))));
    assertTrue(e.getMessage().contains("(3, 3, 1, 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("(3, 3, 2, 1)"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> conv.setWeights(List.of(Tensor.zeros(3, 3, 1, 2), Tensor.zeros(3))));
    assertThrows(IllegalArgumentException.class, () -> conv.setWeights(null));
    Conv2D noBias = new Conv2D(2, 3, 3).useBias(false);
    noBias.build(-1, 5, 5, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> noBias.setWeights(List.of(Tensor.zeros(3, 3, 1, 2), Tensor.zeros(2))));
    noBias.setWeights(List.of(Tensor.ones(3, 3, 1, 2)));
    assertEquals(Tensor.ones(3, 3, 1, 2), noBias.getWeights().get(0));
  }

  @Test
  void backwardNeedsAForwardAndTheOutputShape() {
    Conv2D conv = new Conv2D(2, 3, 3);
    conv.build(-1, 5, 5, 1);
    IllegalStateException s = assertThrows(
        IllegalStateException.class, () -> conv.backward(Tensor.zeros(1, 3, 3, 2)));
    assertEquals("Conv2D: backward called before forward", s.getMessage());
    conv.forward(Tensor.zeros(1, 5, 5, 1), true);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 3, 2, 2)));
    assertTrue(e.getMessage().contains("(1, 3, 3, 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("(1, 3, 2, 2)"), e.getMessage());
  }

  @Test
  void settersThrowAfterBuild() {
    Conv2D conv = new Conv2D(2, 3, 3);
    conv.build(-1, 5, 5, 1);
    List<Runnable> setters = List.of(
        () -> conv.strides(1, 1), () -> conv.dilation(1, 1), () -> conv.padding(Padding.SAME),
        () -> conv.dataFormat(DataFormat.CHANNELS_LAST), () -> conv.activation(Activation.RELU),
        () -> conv.useBias(false), () -> conv.seed(1));
    for (Runnable r : setters) {
      IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
      assertTrue(e.getMessage().startsWith("Conv2D: "), e.getMessage());
    }
  }

  @Test
  void finiteInputGivesFiniteOutputAndGradients() {
    Conv2D conv =
        new Conv2D(3, 3, 3).padding(Padding.SAME).activation(Activation.SIGMOID).seed(9);
    Tensor x = GradientCheck.random(4, 2, 6, 6, 2).mul(1e6);
    Tensor y = conv.forward(x, true);
    Tensor dx = conv.backward(Tensor.ones(y.shape()));
    for (Tensor t : List.of(y, dx, conv.getGradients().get(0), conv.getGradients().get(1))) {
      for (double v : t.data()) {
        assertTrue(Double.isFinite(v));
      }
    }
  }

  // ---------------------------------------------------------------- threads

  /** Blocks per thread times the thread count once overflowed an int in the backward. */
  @Test
  void hugeThreadCountsGiveTheBitsOfOneThread() {
    Tensor x = GradientCheck.random(5, 4, 12, 12, 2);
    Tensor g = GradientCheck.random(6, 4, 12, 12, 8);
    List<List<Tensor>> results = new ArrayList<>();
    for (int threads : new int[] {1, 1 << 29, 1 << 30, Integer.MAX_VALUE}) {
      results.add(Threads.call(threads, () -> {
        Conv2D conv = new Conv2D(8, 3, 3).padding(Padding.SAME).activation(Activation.RELU).seed(9);
        List<Tensor> out = new ArrayList<>();
        out.add(conv.forward(x, true));
        out.add(conv.backward(g));
        out.addAll(conv.getGradients());
        return out;
      }));
    }
    for (int i = 1; i < results.size(); i++) {
      assertEquals(results.get(0), results.get(i), "thread count " + i);
    }
  }

  @Test
  void inferenceFromFourThreadsMatchesOneThread() throws Exception {
    for (DataFormat f : DataFormat.values()) {
      Conv2D conv = new Conv2D(8, 3, 3).strides(2, 1).padding(Padding.SAME).dataFormat(f)
          .activation(Activation.RELU).seed(5);
      int[] shape = f == DataFormat.CHANNELS_LAST ? new int[] {3, 13, 11, 4}
          : new int[] {3, 4, 13, 11};
      conv.build(shape);
      List<Tensor> inputs = new ArrayList<>();
      List<Tensor> expected = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        inputs.add(GradientCheck.random(100 + i, shape));
        expected.add(conv.forward(inputs.get(i), false));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int offset = t;
          tasks.add(() -> {
            int mismatches = 0;
            for (int rep = 0; rep < 50; rep++) {
              int i = (rep + offset) % inputs.size();
              if (!expected.get(i).equals(conv.forward(inputs.get(i), false))) {
                mismatches++;
              }
            }
            return mismatches;
          });
        }
        for (Future<Integer> result : pool.invokeAll(tasks)) {
          assertEquals(0, result.get(), "results that differ from one thread's");
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
