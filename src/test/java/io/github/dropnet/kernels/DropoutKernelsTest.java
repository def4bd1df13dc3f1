package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Shapes;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DropoutKernelsTest {

  @Test
  void planMergesAxesOfTheSameKindAndSkipsSizeOneAxes() {
    DropoutKernels.Plan nhwc =
        DropoutKernels.Plan.of(new int[] {2, 5, 6, 3}, new int[] {2, 1, 1, 3});
    assertArrayEquals(new int[] {2, 30, 3}, nhwc.dims());
    assertArrayEquals(new int[] {3, 0, 1}, nhwc.maskStrides());
    assertEquals(6, nhwc.noiseSize());
    assertFalse(nhwc.full());

    DropoutKernels.Plan nchw =
        DropoutKernels.Plan.of(new int[] {2, 3, 5, 6}, new int[] {2, 3, 1, 1});
    assertArrayEquals(new int[] {6, 30}, nchw.dims());
    assertArrayEquals(new int[] {1, 0}, nchw.maskStrides());

    DropoutKernels.Plan ones = DropoutKernels.Plan.of(new int[] {4, 1, 7}, new int[] {4, 1, 7});
    assertArrayEquals(new int[] {28}, ones.dims());
    assertTrue(ones.full());

    // a noise size of 1 on an axis of size 1 is not a broadcast
    assertTrue(DropoutKernels.Plan.of(new int[] {1, 5}, new int[] {1, 5}).full());
  }

  @Test
  void planRejectsNoiseThatDoesNotBroadcast() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DropoutKernels.Plan.of(new int[] {2, 3}, new int[] {2, 2}));
    assertTrue(e.getMessage().contains("(2, 2)") && e.getMessage().contains("(2, 3)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DropoutKernels.Plan.of(new int[] {2, 3}, new int[] {2, 3, 1}));
  }

  /** dst at a multi-index reads the mask at that index with broadcast axes set to 0. */
  private static double[] reference(double[] src, long[] mask, int[] shape, int[] noise,
      double scale) {
    double[] out = new double[src.length];
    int[] noiseStrides = Shapes.strides(noise);
    int[] idx = new int[shape.length];
    for (int i = 0; i < src.length; i++) {
      int rem = i;
      for (int ax = shape.length - 1; ax >= 0; ax--) {
        idx[ax] = rem % shape[ax];
        rem /= shape[ax];
      }
      int m = 0;
      for (int ax = 0; ax < shape.length; ax++) {
        m += (noise[ax] == 1 ? 0 : idx[ax]) * noiseStrides[ax];
      }
      out[i] = DropoutMask.get(mask, m) ? src[i] * scale : 0.0;
    }
    return out;
  }

  private static void assertSameBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      // doubleToLongBits equality: tells +0.0 from -0.0, all NaNs equal
      assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
          what + " element " + i + ": " + actual[i] + " expected " + expected[i]);
    }
  }

  @Test
  void applyMatchesAnIndexByIndexBroadcastOnRandomShapes() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 400; trial++) {
      int rank = 1 + rng.nextInt(5);
      int[] shape = new int[rank];
      int[] noise = new int[rank];
      for (int ax = 0; ax < rank; ax++) {
        shape[ax] = 1 + rng.nextInt(5);
        noise[ax] = rng.nextBoolean() ? shape[ax] : 1;
      }
      if (trial % 50 == 0) {
        shape[rank - 1] = 70 + rng.nextInt(60); // a row longer than one mask word
        noise[rank - 1] = rng.nextBoolean() ? shape[rank - 1] : 1;
      }
      DropoutKernels.Plan plan = DropoutKernels.Plan.of(shape, noise);
      long[] mask = DropoutMask.create(rng.nextLong(), DropoutMask.threshold(0.4),
          plan.noiseSize());
      double[] src = new double[plan.size()];
      for (int i = 0; i < src.length; i++) {
        src[i] = rng.nextDouble(-3, 3);
      }
      src[0] = Double.NEGATIVE_INFINITY;
      if (src.length > 1) {
        src[1] = Double.NaN;
      }
      double scale = 1 / 0.6;
      double[] dst = new double[src.length];
      DropoutKernels.apply(src, dst, mask, plan, scale);
      String what = Shapes.format(shape) + " noise " + Shapes.format(noise);
      assertSameBits(reference(src, mask, shape, noise, scale), dst, what);
    }
  }

  @Test
  void droppedElementsArePositiveZeroWhateverTheInput() {
    int n = 256;
    double[] src = new double[n];
    for (int i = 0; i < n; i++) {
      src[i] = i % 4 == 0 ? Double.POSITIVE_INFINITY
          : i % 4 == 1 ? Double.NEGATIVE_INFINITY : i % 4 == 2 ? Double.NaN : -1.5;
    }
    long[] mask = DropoutMask.create(5, DropoutMask.threshold(0.5), n);
    double[] dst = new double[n];
    DropoutKernels.forwardFull(5, DropoutMask.threshold(0.5), src, dst, new long[4], n, 2.0);
    int dropped = 0;
    for (int i = 0; i < n; i++) {
      if (!DropoutMask.get(mask, i)) {
        dropped++;
        assertEquals(0L, Double.doubleToRawLongBits(dst[i]), "element " + i + " is " + dst[i]);
      } else {
        assertEquals(Double.doubleToLongBits(src[i] * 2.0), Double.doubleToLongBits(dst[i]));
      }
    }
    assertTrue(dropped > 0 && dropped < n);
  }

  @Test
  void fusedForwardEqualsFillThenApplyAndWritesTheSameMask() {
    SplittableRandom rng = new SplittableRandom(2);
    for (int n : new int[] {0, 1, 63, 64, 65, 1000, 4099}) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = rng.nextDouble(-1, 1);
      }
      long key = rng.nextLong();
      long t = DropoutMask.threshold(0.25);
      long[] mask = DropoutMask.create(key, t, n);
      double[] expected = new double[n];
      DropoutKernels.apply(x, expected, mask, DropoutKernels.Plan.of(new int[] {n},
          new int[] {n}), 4.0 / 3);

      long[] fusedMask = new long[mask.length];
      double[] fused = new double[n];
      DropoutKernels.forwardFull(key, t, x, fused, fusedMask, n, 4.0 / 3);
      assertArrayEquals(mask, fusedMask, "n=" + n);
      assertSameBits(expected, fused, "n=" + n);

      // in two pieces, second piece first: same result
      long[] pieceMask = new long[mask.length];
      double[] pieces = new double[n];
      int mid = mask.length / 2;
      DropoutKernels.forwardFull(key, t, x, pieces, pieceMask, n, mid, mask.length, 4.0 / 3);
      DropoutKernels.forwardFull(key, t, x, pieces, pieceMask, n, 0, mid, 4.0 / 3);
      assertArrayEquals(mask, pieceMask);
      assertSameBits(expected, pieces, "pieces n=" + n);
    }
  }

  @Test
  void applyWorksInPlace() {
    int[] shape = {3, 4, 5};
    int[] noise = {3, 1, 5};
    DropoutKernels.Plan plan = DropoutKernels.Plan.of(shape, noise);
    long[] mask = DropoutMask.create(8, DropoutMask.threshold(0.5), plan.noiseSize());
    double[] x = new double[60];
    Arrays.setAll(x, i -> i + 1);
    double[] expected = new double[60];
    DropoutKernels.apply(x, expected, mask, plan, 2.0);
    DropoutKernels.apply(x, x, mask, plan, 2.0);
    assertArrayEquals(expected, x);
  }

  @Test
  void emptyTensorsAreFine() {
    DropoutKernels.Plan plan = DropoutKernels.Plan.of(new int[] {3, 0}, new int[] {3, 1});
    assertEquals(0, plan.size());
    DropoutKernels.apply(new double[0], new double[0], new long[1], plan, 2.0);
  }
}
