package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The im2col + Gemm kernels against the direct loops of {@link ReferenceConv}. */
class Conv2dKernelsTest {

  /** n, h, w, c, filters, kh, kw, sh, sw, dh, dw. */
  private static final int[][] CASES = {
    {2, 5, 6, 3, 4, 3, 3, 1, 1, 1, 1},
    {1, 7, 7, 2, 3, 3, 3, 2, 2, 1, 1},
    {2, 6, 7, 2, 3, 3, 2, 2, 2, 1, 1},
    {1, 9, 8, 2, 3, 3, 3, 1, 1, 2, 2},
    {2, 7, 6, 1, 2, 3, 2, 1, 1, 2, 2},
    {1, 6, 9, 3, 2, 2, 3, 1, 1, 3, 2},
    {2, 4, 5, 5, 3, 1, 1, 1, 2, 1, 1},
    {1, 1, 1, 7, 7, 1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 33, 7, 1, 1, 7, 1, 1, 1, 1, 1},
    {2, 7, 33, 3, 2, 1, 7, 3, 2, 1, 1},
    {1, 33, 33, 1, 7, 7, 7, 3, 3, 1, 1},
    {3, 7, 7, 7, 1, 2, 2, 1, 1, 1, 1},
    {2, 8, 6, 2, 3, 4, 2, 3, 2, 1, 1},
    {1, 5, 5, 2, 2, 2, 2, 4, 5, 1, 1},
    {2, 3, 3, 1, 2, 5, 5, 1, 1, 1, 1},
    {1, 7, 1, 33, 1, 3, 1, 2, 1, 1, 1},
  };

  static Stream<Arguments> configurations() {
    List<Arguments> out = new ArrayList<>();
    int i = 0;
    for (int[] k : CASES) {
      for (boolean same : new boolean[] {false, true}) {
        for (boolean channelsFirst : new boolean[] {false, true}) {
          ReferenceConv ref = new ReferenceConv(
              k[0], k[1], k[2], k[3], k[5], k[6], k[7], k[8], k[9], k[10], same, channelsFirst);
          if (ref.oh <= 0 || ref.ow <= 0) {
            continue; // VALID with a window larger than the input: rejected by the layers
          }
          out.add(Arguments.of(ref, k[4], i++ % 2 == 0));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} filters={1} bias={2}")
  @MethodSource("configurations")
  void matchesDirectLoops(ReferenceConv ref, int filters, boolean withBias) {
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode() + filters);
    double[] x = random(rng, ref.n * ref.h * ref.w * ref.c);
    double[] k = random(rng, ref.kh * ref.kw * ref.c * filters);
    double[] bias = withBias ? random(rng, filters) : null;
    ConvGeometry g = ref.geometry();
    assertEquals(ref.oh, g.outH(), "output height");
    assertEquals(ref.ow, g.outW(), "output width");
    assertEquals(ref.padTop, g.padTop(), "top padding");
    assertEquals(ref.padLeft, g.padLeft(), "left padding");
    int outSize = ref.n * ref.oh * ref.ow * filters;
    int[] outShape = {outSize};
    int[] inShape = {x.length};

    // outputs and workspace start as NaN: the kernels must overwrite, never read them
    double[] col = nan(g.columnSize());
    double[] y = nan(outSize);
    Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, y, col);
    TensorAssert.assertClose(
        Tensor.wrap(ref.forward(x, k, bias, filters), outShape), Tensor.wrap(y, outShape),
        1e-12, 1e-12, "forward " + ref);

    double[] dy = random(rng, outSize);
    double[][] expected = ref.backward(x, k, dy, filters);
    double[] dx = nan(x.length);
    Arrays.fill(col, Double.NaN);
    Conv2dKernels.backwardData(dy, k, g, filters, ref.channelsFirst, dx, col);
    TensorAssert.assertClose(
        Tensor.wrap(expected[0], inShape), Tensor.wrap(dx, inShape), 1e-12, 1e-12,
        "backwardData " + ref);

    double[] dk = nan(k.length);
    double[] db = withBias ? nan(filters) : null;
    Arrays.fill(col, Double.NaN);
    Conv2dKernels.backwardWeights(x, dy, g, filters, ref.channelsFirst, dk, db, col);
    TensorAssert.assertClose(
        Tensor.wrap(expected[1], k.length), Tensor.wrap(dk, k.length), 1e-12, 1e-12,
        "backwardWeights kernel " + ref);
    if (withBias) {
      TensorAssert.assertClose(
          Tensor.wrap(expected[2], filters), Tensor.wrap(db, filters), 1e-12, 1e-12,
          "backwardWeights bias " + ref);
    }
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextDouble(-1, 1);
    }
    return a;
  }

  private static double[] nan(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }
}
