package io.github.dropnet.kernels;

/**
 * The four-row micro-kernel of {@link Gemm}'s blocked path: {@code c_r[j] = fma(ap[p * 4 + r],
 * bp[p][j], c_r[j])} for rows {@code r < 4}, {@code p = 0, 1, ..., kc - 1} in that order and
 * {@code j < nc}, one rounding per step. Every implementation performs exactly these operations,
 * so they all give bit-identical results.
 */
interface MicroKernel {
  /**
   * Runs the kernel on one packed strip.
   *
   * @param ap the strip of A, {@code ap[p * 4 + r]}
   * @param bp the block of B, one array per step of p, each at least {@code nc} long
   * @param kc the depth
   * @param nc the width
   * @param c0 row 0 of the strip of C, updated in place
   * @param c1 row 1
   * @param c2 row 2
   * @param c3 row 3
   */
  void kernel(double[] ap, double[][] bp, int kc, int nc,
      double[] c0, double[] c1, double[] c2, double[] c3);

  /**
   * The largest depth {@code kc} the blocked path should pack for this kernel. Blocking does not
   * change the results, only the speed.
   *
   * @return the depth of a packed block of B
   */
  int depth();

  /**
   * A short description for users and benchmarks.
   *
   * @return the name of the implementation
   */
  String name();
}
