package io.github.dropnet.kernels;

/**
 * The elementwise step of the Adam optimizer on flat arrays, split over the library's threads.
 *
 * <p>For every {@code j}, in this order and with these roundings (those of PyTorch's
 * {@code torch.optim.Adam}):
 * <pre>
 *   m[j] = beta1 * m[j] + (1 - beta1) * g[j]
 *   v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j]
 *   denom = sqrt(v[j]) / correction2 + epsilon
 *   p[j] -= stepSize * (m[j] / denom)     (skipped when denom == 0)
 * </pre>
 * Each element depends on nothing but its own entries, so the result is the same whatever the
 * thread count. With {@code epsilon > 0} the denominator is never zero, and the loop has no
 * branch, which lets the JIT vectorise it.
 *
 * <p>Thread safety: stateless; concurrent calls need disjoint arrays.
 */
public final class AdamKernels {
  /** Elements below twice this run on the calling thread alone. */
  static final int PARALLEL_GRAIN = 1 << 15;

  private AdamKernels() {}

  /**
   * One step over all of {@code p}.
   *
   * @param p the parameter (modified)
   * @param g its gradient, at least as long as {@code p}
   * @param m the first moment estimate (modified), at least as long as {@code p}
   * @param v the second moment estimate (modified), at least as long as {@code p}
   * @param stepSize {@code lr / (1 - beta1^t)}
   * @param correction2 {@code sqrt(1 - beta2^t)}
   */
  public static void step(double[] p, double[] g, double[] m, double[] v,
      double beta1, double beta2, double epsilon, double stepSize, double correction2) {
    Parallel.forRange(p.length, PARALLEL_GRAIN, (from, to) ->
        range(p, g, m, v, from, to, beta1, beta2, epsilon, stepSize, correction2));
  }

  /** {@link #step} on the elements {@code [from, to)}. */
  static void range(double[] p, double[] g, double[] m, double[] v, int from, int to,
      double beta1, double beta2, double epsilon, double stepSize, double correction2) {
    double keep1 = 1 - beta1;
    double keep2 = 1 - beta2;
    if (epsilon > 0) {
      for (int j = from; j < to; j++) {
        double gj = g[j];
        double mj = beta1 * m[j] + keep1 * gj;
        double vj = beta2 * v[j] + keep2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        p[j] -= stepSize * (mj / (Math.sqrt(vj) / correction2 + epsilon));
      }
      return;
    }
    for (int j = from; j < to; j++) {
      double gj = g[j];
      double mj = beta1 * m[j] + keep1 * gj;
      double vj = beta2 * v[j] + keep2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      double denom = Math.sqrt(vj) / correction2 + epsilon;
      if (denom != 0) {
        p[j] -= stepSize * (mj / denom);
      }
    }
  }
}
