package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.testing.Threads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Max pooling against the direct loops of {@link ReferenceConv}. */
class Pool2dKernelsTest {

  /** n, h, w, c, ph, pw, sh, sw. */
  private static final int[][] CASES = {
    {2, 5, 7, 2, 2, 2, 2, 2},
    {1, 7, 6, 3, 3, 3, 2, 2},
    {2, 5, 7, 2, 2, 3, 1, 2},
    {1, 7, 5, 2, 2, 2, 1, 1},
    {1, 1, 1, 7, 1, 1, 1, 1},
    {1, 33, 7, 1, 3, 2, 2, 3},
    {2, 7, 33, 3, 7, 1, 3, 1},
    {1, 3, 3, 1, 5, 4, 1, 1},
    {1, 6, 6, 2, 2, 2, 3, 3},
    {3, 9, 8, 1, 4, 3, 3, 2},
  };

  static Stream<Arguments> configurations() {
    List<Arguments> out = new ArrayList<>();
    for (int[] k : CASES) {
      for (boolean same : new boolean[] {false, true}) {
        for (boolean channelsFirst : new boolean[] {false, true}) {
          ReferenceConv ref = new ReferenceConv(
              k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], 1, 1, same, channelsFirst);
          if (ref.oh > 0 && ref.ow > 0) {
            out.add(Arguments.of(ref));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void matchesDirectLoops(ReferenceConv ref) {
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode());
    double[] x = new double[ref.n * ref.h * ref.w * ref.c];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble(-1, 1) - 2; // all negative: a padding cell of 0 would win
    }
    double[][] expected = ref.maxPool(x);
    int size = expected[0].length;
    double[] y = new double[size];
    int[] argmax = new int[size];
    Pool2dKernels.maxForward(x, ref.geometry(), ref.channelsFirst, y, argmax);
    assertArrayEquals(expected[0], y, "forward " + ref);
    for (int p = 0; p < size; p++) {
      assertEquals((int) expected[1][p], argmax[p], "argmax " + p + " " + ref);
    }

    double[] dy = new double[size];
    double[] dxExpected = new double[x.length];
    for (int p = 0; p < size; p++) {
      dy[p] = rng.nextDouble(-1, 1);
      dxExpected[(int) expected[1][p]] += dy[p];
    }
    double[] dx = new double[x.length];
    Arrays.fill(dx, Double.NaN);
    Pool2dKernels.maxBackward(dy, argmax, dx);
    assertArrayEquals(dxExpected, dx, 1e-15, "backward " + ref);
    Arrays.fill(dx, Double.NaN);
    Pool2dKernels.maxBackward(dy, argmax, ref.n, dx, false);
    assertArrayEquals(dxExpected, dx, 1e-15, "backward by image " + ref);
    Arrays.fill(dx, 1.0);
    Pool2dKernels.maxBackward(dy, argmax, ref.n, dx, true);
    for (int i = 0; i < dx.length; i++) {
      assertEquals(dxExpected[i] + 1.0, dx[i], 1e-15, "backward added to ones, " + i + " " + ref);
    }
  }

  /**
   * Windows full of NaNs, signed zeros and ties: the first real element of a window stands
   * unless a later one is strictly larger, so a NaN wins only as that first element, a later
   * +0.0 does not replace -0.0, and the value returned is the element itself, sign bit included.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void nanAndSignedZerosFollowTheWindowOrderRule(ReferenceConv ref) {
    double[] values = {Double.NaN, -0.0, 0.0, -1, 1};
    SplittableRandom rng = new SplittableRandom(ref.toString().hashCode() + 1);
    double[] x = new double[ref.n * ref.h * ref.w * ref.c];
    for (int i = 0; i < x.length; i++) {
      x[i] = values[rng.nextInt(values.length)];
    }
    double[][] expected = ref.maxPool(x);
    double[] y = new double[expected[0].length];
    int[] argmax = new int[y.length];
    Pool2dKernels.maxForward(x, ref.geometry(), ref.channelsFirst, y, argmax);
    for (int p = 0; p < y.length; p++) {
      assertEquals((int) expected[1][p], argmax[p], "argmax " + p + " " + ref);
      assertEquals(Double.doubleToRawLongBits(expected[0][p]), Double.doubleToRawLongBits(y[p]),
          "bits of output " + p + " " + ref);
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {2, 3})
  void resultsAreBitIdenticalForAnyThreadCount(int threads) {
    for (boolean channelsFirst : new boolean[] {false, true}) {
      for (boolean same : new boolean[] {false, true}) {
        // 2x2 windows (the fast path, clipped at the border with SAME) and overlapping 3x3 ones
        for (int[] k : new int[][] {{2, 2, 2, 2}, {3, 3, 1, 2}}) {
          ReferenceConv ref = new ReferenceConv(
              33, 33, 33, 7, k[0], k[1], k[2], k[3], 1, 1, same, channelsFirst);
          SplittableRandom rng = new SplittableRandom(threads * 31 + k[0]);
          double[] x = new double[ref.n * ref.h * ref.w * ref.c];
          for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(5); // many ties
          }
          double[][] expected = ref.maxPool(x);
          int size = expected[0].length;
          double[] dy = new double[size];
          for (int p = 0; p < size; p++) {
            dy[p] = rng.nextDouble(-1, 1);
          }
          double[][] one = run(ref, x, dy, 1);
          double[][] many = run(ref, x, dy, threads);
          assertArrayEquals(expected[0], one[0], "forward " + ref);
          for (int i = 0; i < 3; i++) {
            assertArrayEquals(one[i], many[i], "output " + i + " with " + threads + " threads, "
                + ref);
          }
        }
      }
    }
  }

  /** Forward and backward with the given thread count: {output, argmax, input gradient}. */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2, 3})
  void workRunAlongsideRunsOnceAndLeavesTheResultUnchanged(int threads) {
    for (int n : new int[] {1, 7, 33, 129}) {
      ReferenceConv ref = new ReferenceConv(n, 7, 7, 3, 2, 2, 2, 2, 1, 1, false, false);
      double[] x = uniformInput(ref, n);
      double[][] expected = ref.maxPool(x);
      int[] runs = new int[1];
      double[] y = new double[expected[0].length];
      int[] argmax = new int[y.length];
      Threads.run(threads,
          () -> Pool2dKernels.maxForward(x, ref.geometry(), false, y, argmax, () -> runs[0]++));
      assertEquals(1, runs[0], "alongside runs once, batch " + n);
      assertArrayEquals(expected[0], y, "forward, batch " + n);
      double[] yPlain = new double[y.length];
      int[] argmaxPlain = new int[y.length];
      Pool2dKernels.maxForward(x, ref.geometry(), false, yPlain, argmaxPlain);
      assertArrayEquals(argmaxPlain, argmax, "argmax, batch " + n);
    }
  }

  /**
   * A new output made by the first block to run, with and without work alongside; images of 2048
   * elements go 16 to a block, so the larger batches are shared out in several blocks.
   */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2, 3})
  void newOutputHoldsThePoolingOfEveryImage(int threads) {
    for (int n : new int[] {1, 7, 33, 129}) {
      for (boolean channelsFirst : new boolean[] {false, true}) {
        ReferenceConv ref = new ReferenceConv(n, 16, 16, 8, 2, 2, 2, 2, 1, 1, false, channelsFirst);
        double[] x = uniformInput(ref, n);
        double[][] expected = ref.maxPool(x);
        int size = expected[0].length;
        int[] runs = new int[1];
        int[] argmax = new int[size];
        double[] y = Threads.call(threads, () -> Pool2dKernels.maxForwardFresh(
            x, ref.geometry(), channelsFirst, size, argmax, () -> runs[0]++));
        String at = "batch " + n + (channelsFirst ? ", channels first" : ", channels last");
        assertEquals(1, runs[0], "alongside runs once, " + at);
        assertArrayEquals(expected[0], y, "forward, " + at);
        int[] argmaxAlone = new int[size];
        double[] yAlone = Threads.call(threads, () -> Pool2dKernels.maxForwardFresh(
            x, ref.geometry(), channelsFirst, size, argmaxAlone, null));
        assertArrayEquals(expected[0], yAlone, "forward without work alongside, " + at);
        assertArrayEquals(argmax, argmaxAlone, "argmax, " + at);
      }
    }
  }

  /** An input for {@code ref}, uniform in [-1, 1), from {@code seed}. */
  private static double[] uniformInput(ReferenceConv ref, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[ref.n * ref.h * ref.w * ref.c];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble(-1, 1);
    }
    return x;
  }

  private static double[][] run(ReferenceConv ref, double[] x, double[] dy, int threads) {
    return Threads.call(threads, () -> {
      double[] y = new double[dy.length];
      int[] argmax = new int[dy.length];
      Pool2dKernels.maxForward(x, ref.geometry(), ref.channelsFirst, y, argmax);
      double[] dx = new double[x.length];
      Pool2dKernels.maxBackward(dy, argmax, ref.n, dx, true);
      return new double[][] {y, Arrays.stream(argmax).asDoubleStream().toArray(), dx};
    });
  }

  @Test
  void tiesGoToTheFirstMaximumInWindowOrder() {
    // one 3x3 image of equal values, 2x2 windows with stride 1 (overlapping)
    double[] x = new double[9];
    Arrays.fill(x, 0.5);
    ConvGeometry g = ConvGeometry.of(1, 1, 3, 3, 2, 2, 1, 1, 1, 1, false);
    double[] y = new double[4];
    int[] argmax = new int[4];
    Pool2dKernels.maxForward(x, g, false, y, argmax);
    assertArrayEquals(new int[] {0, 1, 3, 4}, argmax); // each window's top-left element
    double[] dx = new double[9];
    Pool2dKernels.maxBackward(new double[] {1, 2, 3, 4}, argmax, dx);
    assertArrayEquals(new double[] {1, 2, 0, 3, 4, 0, 0, 0, 0}, dx);
  }

  @Test
  void overlappingWindowsSumTheGradientOfASharedMaximum() {
    // the centre of a 3x3 image is the maximum of all four overlapping 2x2 windows
    double[] x = {0, 0, 0, 0, 9, 0, 0, 0, 0};
    ConvGeometry g = ConvGeometry.of(1, 1, 3, 3, 2, 2, 1, 1, 1, 1, false);
    double[] y = new double[4];
    int[] argmax = new int[4];
    Pool2dKernels.maxForward(x, g, true, y, argmax);
    assertArrayEquals(new double[] {9, 9, 9, 9}, y);
    double[] dx = new double[9];
    Pool2dKernels.maxBackward(new double[] {1, 2, 3, 4}, argmax, dx);
    assertArrayEquals(new double[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, dx);
  }

  @Test
  void samePaddingCellsNeverWinAgainstNegativeValues() {
    // 3x3 pool, stride 1, SAME on a 1x2 row of negatives: padding all around
    double[] x = {-3, -7};
    ConvGeometry g = ConvGeometry.of(1, 1, 1, 2, 3, 3, 1, 1, 1, 1, true);
    double[] y = new double[2];
    int[] argmax = new int[2];
    Pool2dKernels.maxForward(x, g, false, y, argmax);
    assertArrayEquals(new double[] {-3, -3}, y);
    assertArrayEquals(new int[] {0, 0}, argmax);
  }
}
