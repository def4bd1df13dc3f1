package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Shapes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoiseKernelsTest {
  private static final int[][][] CASES = {
    {{2, 3, 4}, {2, 3, 4}},
    {{2, 3, 4}, {2, 1, 4}},
    {{2, 3, 4}, {1, 3, 1}},
    {{5, 1, 6}, {5, 1, 1}},
    {{3, 4, 5, 2}, {3, 1, 1, 2}},
    {{3, 4, 5, 2}, {1, 1, 1, 1}},
    {{4, 6}, {4, 1}},
  };

  /** The noise index of tensor element {@code i}: broadcasting written out with strides. */
  private static int noiseIndex(int[] shape, int[] noise, int i) {
    int[] strides = Shapes.strides(shape);
    int[] noiseStrides = Shapes.strides(noise);
    int q = 0;
    for (int ax = 0; ax < shape.length; ax++) {
      int idx = (i / strides[ax]) % shape[ax];
      q += noise[ax] == 1 ? 0 : idx * noiseStrides[ax];
    }
    return q;
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextDouble(-2, 2);
    }
    return a;
  }

  @Test
  void multiplyBroadcastsTheNoise() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int[][] c : CASES) {
      DropoutKernels.Plan plan = DropoutKernels.Plan.of(c[0], c[1]);
      double[] src = random(rng, plan.size());
      double[] noise = random(rng, plan.noiseSize());
      double[] dst = new double[plan.size()];
      NoiseKernels.multiply(src, dst, noise, plan);
      for (int i = 0; i < dst.length; i++) {
        assertEquals(src[i] * noise[noiseIndex(c[0], c[1], i)], dst[i], 0.0,
            Shapes.format(c[0]) + " / " + Shapes.format(c[1]) + " at " + i);
      }
    }
  }

  @Test
  void affineMaskKeepsAffinelyAndWritesTheConstantWhereDropped() {
    SplittableRandom rng = new SplittableRandom(2);
    for (int[][] c : CASES) {
      DropoutKernels.Plan plan = DropoutKernels.Plan.of(c[0], c[1]);
      double[] src = random(rng, plan.size());
      src[0] = Double.POSITIVE_INFINITY;
      long[] mask = DropoutMask.create(rng.nextLong(), DropoutMask.threshold(0.5),
          plan.noiseSize());
      double[] dst = new double[plan.size()];
      NoiseKernels.affineMask(src, dst, mask, plan, 0.75, 0.5, -3.0);
      for (int i = 0; i < dst.length; i++) {
        boolean kept = DropoutMask.get(mask, noiseIndex(c[0], c[1], i));
        assertEquals(kept ? src[i] * 0.75 + 0.5 : -3.0, dst[i], 0.0,
            Shapes.format(c[0]) + " / " + Shapes.format(c[1]) + " at " + i);
      }
    }
  }
}
