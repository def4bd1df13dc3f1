package io.github.dropnet.kernels;

/**
 * The elementwise step of the RMSprop optimizer on flat arrays, split over the library's threads.
 *
 * <p>For every {@code j}, in this order and with these roundings (those of PyTorch's
 * {@code torch.optim.RMSprop}, not centered):
 * <pre>
 *   v[j] = rho * v[j] + (1 - rho) * g[j] * g[j]
 *   s = g[j] / (sqrt(v[j]) + epsilon)          (0 when that denominator is 0)
 *   b == null:  p[j] -= lr * s
 *   otherwise:  b[j] = momentum * b[j] + s;  p[j] -= lr * b[j]
 * </pre>
 * Each element depends on nothing but its own entries, so the result is the same whatever the
 * thread count. With {@code epsilon > 0} the denominator is never zero, and the loop has no
 * branch, which lets the JIT vectorise it.
 *
 * <p>Thread safety: stateless; concurrent calls need disjoint arrays.
 */
public final class RmsPropKernels {
  /** Elements below twice this run on the calling thread alone. */
  static final int PARALLEL_GRAIN = 1 << 15;

  private RmsPropKernels() {}

  /**
   * One step over all of {@code p}.
   *
   * @param p the parameter (modified)
   * @param g its gradient, at least as long as {@code p}
   * @param v the mean square estimate (modified), at least as long as {@code p}
   * @param b the momentum buffer (modified), at least as long as {@code p}, or null for none
   */
  public static void step(double[] p, double[] g, double[] v, double[] b,
      double rho, double momentum, double epsilon, double lr) {
    Parallel.forRange(p.length, PARALLEL_GRAIN, (from, to) ->
        range(p, g, v, b, from, to, rho, momentum, epsilon, lr));
  }

  /** {@link #step} on the elements {@code [from, to)}. */
  static void range(double[] p, double[] g, double[] v, double[] b, int from, int to,
      double rho, double momentum, double epsilon, double lr) {
    double keep = 1 - rho;
    if (epsilon > 0 && b == null) {
      for (int j = from; j < to; j++) {
        double gj = g[j];
        double vj = rho * v[j] + keep * gj * gj;
        v[j] = vj;
        p[j] -= lr * (gj / (Math.sqrt(vj) + epsilon));
      }
      return;
    }
    if (epsilon > 0) {
      for (int j = from; j < to; j++) {
        double gj = g[j];
        double vj = rho * v[j] + keep * gj * gj;
        v[j] = vj;
        double bj = momentum * b[j] + gj / (Math.sqrt(vj) + epsilon);
        b[j] = bj;
        p[j] -= lr * bj;
      }
      return;
    }
    for (int j = from; j < to; j++) {
      double gj = g[j];
      double vj = rho * v[j] + keep * gj * gj;
      v[j] = vj;
      double denom = Math.sqrt(vj) + epsilon;
      double s = denom == 0 ? 0.0 : gj / denom;
      if (b != null) {
        b[j] = momentum * b[j] + s;
        p[j] -= lr * b[j];
      } else {
        p[j] -= lr * s;
      }
    }
  }
}
