package io.github.dropnet.kernels;

import java.util.SplittableRandom;

/** Random test arrays. */
final class RandomArrays {
  private RandomArrays() {}

  /** {@code n} values uniform in (-2, 2), each replaced by an exact 0 with {@code zeroShare}. */
  static double[] withZeros(SplittableRandom r, int n, double zeroShare) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble() < zeroShare ? 0.0 : r.nextDouble(-2, 2);
    }
    return a;
  }
}
