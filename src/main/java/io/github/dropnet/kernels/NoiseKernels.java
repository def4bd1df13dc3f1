package io.github.dropnet.kernels;

/**
 * Applying noise drawn at a noise shape to a tensor of a larger shape, broadcast as a
 * {@link DropoutKernels.Plan} describes: multiplicative Gaussian noise and alpha dropout's affine
 * mask. The noise (a {@code double[]}) or mask (packed bits, {@link DropoutMask}) stays at the
 * noise shape; element {@code i} of the tensor reads noise element {@code p(i)}, its broadcast
 * position.
 *
 * <p>No method allocates per element. Thread safety: stateless; calls writing disjoint arrays
 * may run concurrently.
 */
public final class NoiseKernels {
  private NoiseKernels() {}

  /**
   * {@code dst[i] = src[i] * noise[p(i)]} for every element (Gaussian dropout's forward and
   * backward). Writes {@code dst} (modified), which may be {@code src}.
   */
  public static void multiply(
      double[] src, double[] dst, double[] noise, DropoutKernels.Plan plan) {
    if (plan.full()) {
      for (int i = 0, n = plan.size(); i < n; i++) {
        dst[i] = src[i] * noise[i];
      }
      return;
    }
    walk(plan, (o, mo, inner, innerFull) -> {
      if (innerFull) {
        for (int j = 0; j < inner; j++) {
          dst[o + j] = src[o + j] * noise[mo + j];
        }
      } else {
        double v = noise[mo];
        for (int j = 0; j < inner; j++) {
          dst[o + j] = src[o + j] * v;
        }
      }
    });
  }

  /**
   * Alpha dropout's forward: {@code dst[i] = m(p(i)) ? src[i] * a + b : dropped}, where {@code m}
   * is the packed {@code mask} (1 = kept). A dropped element is written as the constant
   * {@code dropped}, never computed from {@code src}, so an infinite or NaN input there does not
   * leak into the output. Writes {@code dst} (modified), which may be {@code src}.
   */
  public static void affineMask(
      double[] src, double[] dst, long[] mask, DropoutKernels.Plan plan,
      double a, double b, double dropped) {
    if (plan.full()) {
      for (int i = 0, n = plan.size(); i < n; i++) {
        dst[i] = ((mask[i >>> 6] >>> i) & 1L) != 0 ? src[i] * a + b : dropped;
      }
      return;
    }
    walk(plan, (o, mo, inner, innerFull) -> {
      if (innerFull) {
        for (int j = 0; j < inner; j++) {
          int bit = mo + j;
          dst[o + j] = ((mask[bit >>> 6] >>> bit) & 1L) != 0 ? src[o + j] * a + b : dropped;
        }
      } else if (((mask[mo >>> 6] >>> mo) & 1L) != 0) {
        for (int j = 0; j < inner; j++) {
          dst[o + j] = src[o + j] * a + b;
        }
      } else {
        java.util.Arrays.fill(dst, o, o + inner, dropped);
      }
    });
  }

  /** Visits every row of a non-full plan in order ({@link DropoutKernels.Plan#walk}). */
  private static void walk(DropoutKernels.Plan plan, DropoutKernels.Plan.Row row) {
    if (plan.size() > 0) {
      int[] dims = plan.dims();
      plan.walk(0, plan.size() / dims[dims.length - 1], row);
    }
  }
}
