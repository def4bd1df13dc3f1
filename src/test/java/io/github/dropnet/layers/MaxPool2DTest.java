package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import io.github.dropnet.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaxPool2DTest {

  // ---------------------------------------------------------------- golden values

  static List<String> fixtures() {
    return FixtureCases.named("maxpool2d_");
  }

  @Test
  void everyPoolFixtureIsFound() {
    assertTrue(fixtures().size() >= 4, "maxpool2d_* fixtures found: " + fixtures());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    MaxPool2D pool = new MaxPool2D(f.intAttr("pool_size", 0), f.intAttr("pool_size", 1))
        .strides(f.intAttr("strides", 0), f.intAttr("strides", 1))
        .padding(FixtureCases.padding(f))
        .dataFormat(FixtureCases.dataFormat(f));
    Tensor x = f.tensor("input");
    Tensor y = pool.forward(x, true);
    TensorAssert.assertClose(f.tensor("output"), y, name + " output");
    assertArrayEquals(f.tensor("output").shape(), pool.outputShape(x.shape()), "outputShape");
    TensorAssert.assertClose(
        f.tensor("grad_input"), pool.backward(f.tensor("grad_output")), name + " grad_input");
    assertEquals(List.of(), pool.getGradients());
  }

  @Test
  void stridesDefaultToThePoolSize() {
    Fixture f = Fixture.load("maxpool2d_valid_odd_channels_last");
    MaxPool2D pool = new MaxPool2D(2, 2);
    assertArrayEquals(new int[] {2, 2}, pool.strides());
    TensorAssert.assertClose(f.tensor("output"), pool.forward(f.tensor("input")), "output");
  }

  // ---------------------------------------------------------------- gradient checks

  /** pool, strides (null = default), padding, format, input shape. */
  static Stream<Arguments> gradientConfigurations() {
    List<Arguments> out = new ArrayList<>();
    int[][][] poolStrides = {
      {{2, 2}, null}, {{3, 3}, {2, 2}}, {{2, 3}, {1, 2}}, {{3, 2}, {1, 1}}, {{2, 2}, {3, 1}},
      {{1, 1}, {2, 2}}, {{4, 3}, {2, 3}},
    };
    int i = 0;
    for (int[][] ps : poolStrides) {
      for (Padding p : Padding.values()) {
        for (DataFormat f : DataFormat.values()) {
          int batch = i % 3 == 0 ? 1 : 2;
          int[] shape = f == DataFormat.CHANNELS_LAST
              ? new int[] {batch, 7, 6, 2}
              : new int[] {batch, 2, 7, 6};
          out.add(Arguments.of(ps[0], ps[1], p, f, shape));
          i++;
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{index}] {2} {3}")
  @MethodSource("gradientConfigurations")
  void gradientsMatchFiniteDifferences(
      int[] poolSize, int[] strides, Padding p, DataFormat f, int[] shape) {
    MaxPool2D pool = new MaxPool2D(poolSize[0], poolSize[1]).padding(p).dataFormat(f);
    if (strides != null) {
      pool.strides(strides[0], strides[1]);
    }
    long seed = 17L * poolSize[0] + 5L * poolSize[1] + p.ordinal() * 3 + f.ordinal();
    GradientCheck.check(pool, GradientCheck.random(seed, shape), seed + 1);
  }

  /**
   * The training path keeps the positions of the maxima in a buffer reused from one forward to
   * the next: checked in training mode, then again on another input of the same shape, so
   * positions left over from the earlier input would give a wrong backward. Overlapping windows
   * (3x3, stride 2) make the routed gradients add up.
   */
  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("paddingsAndFormats")
  void trainingGradientsMatchFiniteDifferencesOnTwoInputsInARow(Padding p, DataFormat f) {
    MaxPool2D pool = new MaxPool2D(3, 3).strides(2, 2).padding(p).dataFormat(f);
    int[] shape = f == DataFormat.CHANNELS_LAST ? new int[] {2, 7, 6, 2} : new int[] {2, 2, 7, 6};
    Layer training = Frozen.inTraining(pool);
    long seed = 40 + 2 * p.ordinal() + f.ordinal();
    GradientCheck.check(training, GradientCheck.random(seed, shape), 1);
    GradientCheck.check(training, GradientCheck.random(seed + 10, shape), 2);
  }

  static Stream<Arguments> paddingsAndFormats() {
    List<Arguments> out = new ArrayList<>();
    for (Padding p : Padding.values()) {
      for (DataFormat f : DataFormat.values()) {
        out.add(Arguments.of(p, f));
      }
    }
    return out.stream();
  }

  // ---------------------------------------------------------------- shapes

  @Test
  void outputShapeKeepsUnknownSizes() {
    MaxPool2D pool = new MaxPool2D(2, 2).padding(Padding.SAME);
    assertArrayEquals(new int[] {-1, 4, 3, 5}, pool.outputShape(-1, 7, 5, 5));
    assertArrayEquals(new int[] {-1, -1, 3, -1}, pool.outputShape(-1, -1, 5, -1));
    MaxPool2D first = new MaxPool2D(2, 1).dataFormat(DataFormat.CHANNELS_FIRST);
    assertArrayEquals(new int[] {-1, 64, 45, 1}, first.outputShape(-1, 64, 90, 1));
    assertArrayEquals(new int[] {-1, 64, 45, 1}, first.outputShape(-1, 64, 91, 1));
  }

  @Test
  void hasNoWeights() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    pool.build(-1, 4, 4, 1);
    assertEquals(0, pool.paramCount());
    assertEquals(List.of(), pool.getWeights());
    assertEquals(List.of(), pool.parameters());
    pool.setWeights(List.of());
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> pool.setWeights(List.of(Tensor.zeros(1))));
    assertEquals("MaxPool2D: setWeights expected 0 tensors, received 1", e.getMessage());
  }

  @Test
  void toStringAndGetters() {
    MaxPool2D pool = new MaxPool2D(3, 2).strides(1, 2).padding(Padding.SAME)
        .dataFormat(DataFormat.CHANNELS_FIRST);
    assertEquals(
        "MaxPool2D[pool=(3, 2), strides=(1, 2), padding=SAME, dataFormat=CHANNELS_FIRST]",
        pool.toString());
    assertArrayEquals(new int[] {3, 2}, pool.poolSize());
    assertArrayEquals(new int[] {1, 2}, pool.strides());
    assertEquals(Padding.SAME, pool.padding());
    assertEquals(DataFormat.CHANNELS_FIRST, pool.dataFormat());
    assertEquals(
        "MaxPool2D[pool=(2, 2), strides=(2, 2), padding=VALID, dataFormat=CHANNELS_LAST]",
        new MaxPool2D(2, 2).toString());
  }

  // ---------------------------------------------------------------- errors

  @Test
  void rejectsBadInputShapes() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(3, 5)));
    assertEquals(
        "MaxPool2D: expected an input of rank 4 (N, H, W, C), received shape (3, 5)",
        e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class, () -> new MaxPool2D(3, 2).outputShape(1, 2, 5, 1));
    assertTrue(e.getMessage().contains("pool height 3"), e.getMessage());
    assertTrue(e.getMessage().contains("(1, 2, 5, 1)"), e.getMessage());
    assertArrayEquals(
        new int[] {1, 1, 3, 1},
        new MaxPool2D(3, 2).padding(Padding.SAME).outputShape(1, 2, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> pool.build(1, 0, 4, 1));
  }

  @Test
  void rejectsNonPositiveSizesAndNullEnums() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new MaxPool2D(0, 2));
    assertEquals("MaxPool2D: pool height must be a positive integer, received 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, -1));
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, 2).strides(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, 2).strides(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, 2).padding(null));
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, 2).dataFormat(null));
  }

  @Test
  void backwardNeedsAForwardAndTheOutputShape() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    IllegalStateException s = assertThrows(
        IllegalStateException.class, () -> pool.backward(Tensor.zeros(1, 2, 2, 1)));
    assertEquals("MaxPool2D: backward called before forward", s.getMessage());
    pool.forward(Tensor.zeros(1, 4, 4, 1));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> pool.backward(Tensor.zeros(1, 2, 2, 2)));
    assertTrue(e.getMessage().contains("(1, 2, 2, 1)"), e.getMessage());
  }

  @Test
  void settersThrowAfterBuild() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    pool.forward(Tensor.zeros(1, 4, 4, 1));
    assertThrows(IllegalStateException.class, () -> pool.strides(1, 1));
    assertThrows(IllegalStateException.class, () -> pool.padding(Padding.SAME));
    assertThrows(IllegalStateException.class, () -> pool.dataFormat(DataFormat.CHANNELS_FIRST));
  }

  @Test
  void tiesSendTheGradientToTheFirstMaximum() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    pool.forward(Tensor.ones(1, 2, 2, 1));
    Tensor dx = pool.backward(Tensor.full(3.0, 1, 1, 1, 1));
    assertArrayEquals(new double[] {3, 0, 0, 0}, dx.data());
  }
}
