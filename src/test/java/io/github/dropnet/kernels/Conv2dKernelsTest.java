package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.TensorAssert;
import io.github.dropnet.testing.Threads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The convolution kernels against the direct loops of {@link ReferenceConv}. */
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

    // outputs start as NaN: the kernels must overwrite, never read them
    double[] y = nan(outSize);
    Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, false, y);
    TensorAssert.assertClose(
        Tensor.wrap(ref.forward(x, k, bias, filters), outShape), Tensor.wrap(y, outShape),
        1e-12, 1e-12, "forward " + ref);

    if (ConvPlanar.applies(g)) {
      // stride 1 runs along padded planes: the same operations as im2col, so the same bits
      double[] viaColumns = nan(outSize);
      Conv2dKernels.forwardIm2col(x, k, bias, g, filters, ref.channelsFirst, false, viaColumns);
      assertArrayEquals(viaColumns, y, "planar forward against im2col " + ref);
    }

    double[] dy = random(rng, outSize);
    double[][] expected = ref.backward(x, k, dy, filters);
    double[] dx = nan(x.length);
    double[] dk = nan(k.length);
    double[] db = withBias ? nan(filters) : null;
    Conv2dKernels.backward(x, dy, null, k, g, filters, ref.channelsFirst, dx, dk, db);
    TensorAssert.assertClose(
        Tensor.wrap(expected[0], inShape), Tensor.wrap(dx, inShape), 1e-12, 1e-12,
        "backward input " + ref);
    TensorAssert.assertClose(
        Tensor.wrap(expected[1], k.length), Tensor.wrap(dk, k.length), 1e-12, 1e-12,
        "backward kernel " + ref);
    if (withBias) {
      TensorAssert.assertClose(
          Tensor.wrap(expected[2], filters), Tensor.wrap(db, filters), 1e-12, 1e-12,
          "backward bias " + ref);
    }

    // the rectifier fused: forward clamps at 0, backward masks the gradient where y <= 0
    double[] r = nan(outSize);
    Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, true, r);
    double[] masked = new double[outSize];
    for (int i = 0; i < outSize; i++) {
      assertEquals(Math.max(y[i], 0.0), r[i], 0.0, "relu forward " + i + " " + ref);
      masked[i] = r[i] > 0 ? dy[i] : 0.0;
    }
    double[][] expectedRelu = ref.backward(x, k, masked, filters);
    Arrays.fill(dx, Double.NaN);
    Arrays.fill(dk, Double.NaN);
    Conv2dKernels.backward(x, dy, r, k, g, filters, ref.channelsFirst, dx, dk, null);
    TensorAssert.assertClose(
        Tensor.wrap(expectedRelu[0], inShape), Tensor.wrap(dx, inShape), 1e-12, 1e-12,
        "relu backward input " + ref);
    TensorAssert.assertClose(
        Tensor.wrap(expectedRelu[1], k.length), Tensor.wrap(dk, k.length), 1e-12, 1e-12,
        "relu backward kernel " + ref);
    if (ConvPlanar.applies(g)) {
      double[] dxColumns = nan(x.length);
      double[] dkColumns = nan(k.length);
      double[] dbColumns = nan(filters);
      double[] dbPlanar = nan(filters);
      Conv2dKernels.backward(x, dy, r, k, g, filters, ref.channelsFirst, dx, dk, dbPlanar);
      Conv2dKernels.backwardIm2col(
          x, dy, r, k, g, filters, ref.channelsFirst, dxColumns, dkColumns, dbColumns);
      assertArrayEquals(dxColumns, dx, "planar input gradient against im2col " + ref);
      assertArrayEquals(dkColumns, dk, "planar kernel gradient against im2col " + ref);
      assertArrayEquals(dbColumns, dbPlanar, "planar bias gradient against im2col " + ref);
    }
    double[] dkOnly = nan(k.length);
    Conv2dKernels.backward(x, dy, r, k, g, filters, ref.channelsFirst, null, dkOnly, null);
    assertArrayEquals(dk, dkOnly, "kernel gradient without the input gradient " + ref);
  }

  /** Batches large enough to split into several pieces and groups, thread counts 1, 2 and 3. */
  static Stream<Arguments> threadCases() {
    return sameStrideOne(new int[][] {{33, 7, 7, 1, 7, 3}, {7, 33, 33, 1, 33, 3},
        {33, 7, 33, 7, 1, 3}, {33, 7, 7, 33, 7, 1}, {7, 33, 7, 7, 33, 7}});
  }

  /**
   * Stride-1, SAME convolutions in both layouts, one per row of {@code n, h, w, c, filters,
   * kernel}, as (reference, filters) arguments.
   */
  private static Stream<Arguments> sameStrideOne(int[][] cases) {
    List<Arguments> out = new ArrayList<>();
    for (int[] k : cases) {
      for (boolean channelsFirst : new boolean[] {false, true}) {
        ReferenceConv ref = new ReferenceConv(
            k[0], k[1], k[2], k[3], k[5], k[5], 1, 1, 1, 1, true, channelsFirst);
        out.add(Arguments.of(ref, k[4]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} filters={1}")
  @MethodSource("threadCases")
  void resultsAreBitIdenticalForAnyThreadCount(ReferenceConv ref, int filters) {
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode() + filters);
    double[] x = random(rng, ref.n * ref.h * ref.w * ref.c);
    double[] k = random(rng, ref.kh * ref.kw * ref.c * filters);
    double[] bias = random(rng, filters);
    double[] dy = random(rng, ref.n * ref.oh * ref.ow * filters);
    double[][] one = null;
    for (int threads : new int[] {1, 2, 3}) {
      double[][] got = run(ref, x, k, bias, dy, filters, threads);
      if (one == null) {
        one = got;
        double[] masked = new double[dy.length];
        for (int i = 0; i < dy.length; i++) {
          masked[i] = got[0][i] > 0 ? dy[i] : 0.0;
        }
        double[][] expected = ref.backward(x, k, masked, filters);
        for (int i = 0; i < 3; i++) {
          TensorAssert.assertClose(
              Tensor.wrap(expected[i], expected[i].length),
              Tensor.wrap(got[i + 1], got[i + 1].length), 1e-12, 1e-12,
              "gradient " + i + " " + ref);
        }
        continue;
      }
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], got[i], "result " + i + " with " + threads + " threads " + ref);
      }
    }
  }

  /** Stride-1 convolutions with batches of 1, 7, 33 and 129 images, for the staged forward. */
  static Stream<Arguments> stagedCases() {
    return sameStrideOne(new int[][] {{1, 7, 7, 1, 7, 3}, {7, 33, 7, 1, 33, 3},
        {33, 7, 7, 1, 7, 3}, {129, 7, 7, 1, 1, 3}, {33, 7, 7, 7, 33, 1}});
  }

  /**
   * {@code forwardFresh} returns a new array with the bits of {@code forward}, with or without a
   * stage (which starts as NaN, and whose leftovers must not matter), for 1, 2 and 3 threads.
   */
  @ParameterizedTest(name = "{0} filters={1}")
  @MethodSource("stagedCases")
  void freshForwardMatchesForward(ReferenceConv ref, int filters) {
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode() + filters);
    double[] x = random(rng, ref.n * ref.h * ref.w * ref.c);
    double[] k = random(rng, ref.kh * ref.kw * ref.c * filters);
    double[] bias = random(rng, filters);
    ConvGeometry g = ref.geometry();
    int size = ref.n * ref.oh * ref.ow * filters;
    double[] expected = nan(size);
    Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, true, expected);
    double[] direct = ref.forward(x, k, bias, filters);
    for (int i = 0; i < size; i++) {
      direct[i] = Math.max(direct[i], 0.0);
    }
    TensorAssert.assertClose(Tensor.wrap(direct, size), Tensor.wrap(expected, size), 1e-12, 1e-12,
        "relu forward " + ref);
    for (int threads : new int[] {1, 2, 3}) {
      String label = threads + " threads " + ref;
      Threads.run(threads, () -> {
        double[] stage = nan(size + 5);
        for (int call = 0; call < 2; call++) {
          double[] got = Conv2dKernels.forwardFresh(
              x, k, bias, g, filters, ref.channelsFirst, true, stage);
          assertArrayEquals(expected, got, "staged, " + label);
        }
        double[] plain = Conv2dKernels.forwardFresh(
            x, k, bias, g, filters, ref.channelsFirst, true, null);
        assertArrayEquals(expected, plain, "without a stage, " + label);
      });
    }
  }

  /**
   * With an output that takes a while to make, the other threads compute images into the stage
   * first: the copied result must still have the bits of {@code forward}.
   */
  @ParameterizedTest(name = "{0} filters={1}")
  @MethodSource("stagedCases")
  void stagedImagesAreCopiedOver(ReferenceConv ref, int filters) {
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode() + filters);
    double[] x = random(rng, ref.n * ref.h * ref.w * ref.c);
    double[] k = random(rng, ref.kh * ref.kw * ref.c * filters);
    double[] bias = random(rng, filters);
    ConvGeometry g = ref.geometry();
    int size = ref.n * ref.oh * ref.ow * filters;
    double[] expected = nan(size);
    Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, true, expected);
    for (int threads : new int[] {1, 2, 3}) {
      double[] got = Threads.call(threads, () -> ConvStaged.forward(x,
          ConvPlanar.packStrips(k, g.patchSize(), filters), bias, g, filters, ref.channelsFirst,
          true, nan(size), () -> {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new double[size];
          }, 1));
      assertArrayEquals(expected, got, threads + " threads " + ref);
    }
  }

  /** {output, dx, dk, db} of a relu convolution with the given thread count. */
  private static double[][] run(ReferenceConv ref, double[] x, double[] k, double[] bias,
      double[] dy, int filters, int threads) {
    return Threads.call(threads, () -> {
      ConvGeometry g = ref.geometry();
      double[] y = new double[dy.length];
      Conv2dKernels.forward(x, k, bias, g, filters, ref.channelsFirst, true, y);
      double[] dx = new double[x.length];
      double[] dk = new double[k.length];
      double[] db = new double[filters];
      Conv2dKernels.backward(x, dy, y, k, g, filters, ref.channelsFirst, dx, dk, db);
      return new double[][] {y, dx, dk, db};
    });
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
