package io.github.dropnet.kernels;

/**
 * A register-tile micro-kernel for {@link Gemm}'s blocked path: a tile of {@link #rows()} by
 * {@link #cols()} elements of C stays in registers for a whole packed depth, where a
 * {@link MicroKernel} streams its strip of C through memory on every pass.
 *
 * <p>{@link #tile} computes, for rows {@code r < rows()} and columns {@code j < cols()},
 * {@code s = load ? c[cOff + r * ldc + j] : 0.0}, then {@code s = fma(a[aOff + p * rows() + r],
 * b[bOff + p * cols() + j], s)} for {@code p = 0, 1, ..., kc - 1} in that order (one rounding
 * per step), then stores {@code s} back: exactly the operations of {@link MicroKernel}, so
 * every implementation gives the same bits as the scalar kernels.
 */
interface TileKernel {
  /**
   * Rows of C per tile.
   *
   * @return the tile's height, {@code >= 1}
   */
  int rows();

  /**
   * Columns of C per tile.
   *
   * @return the tile's width, {@code >= 1}
   */
  int cols();

  /**
   * The largest depth {@code kc} the blocked path should pack for this kernel. Blocking does not
   * change the results, only the speed.
   *
   * @return the depth of a packed block, {@code >= 1}
   */
  int depth();

  /**
   * A short description for users and benchmarks.
   *
   * @return the name of the implementation
   */
  String name();

  /**
   * One tile of C from a packed strip of A and a packed panel of B.
   *
   * @param a the strip of A: element {@code (r, p)} at {@code aOff + p * rows() + r}
   * @param b the panel of B: element {@code (p, j)} at {@code bOff + p * cols() + j}
   * @param kc the depth, {@code >= 1}
   * @param c the tile of C, element {@code (r, j)} at {@code cOff + r * ldc + j} (modified)
   * @param load start from the tile's values in {@code c} rather than from zero
   */
  void tile(double[] a, int aOff, double[] b, int bOff, int kc,
      double[] c, int cOff, int ldc, boolean load);

  /**
   * Copies {@code length} doubles, as {@link System#arraycopy} does for arrays that do not
   * overlap, in the way fastest for the short runs (a row of a panel or of a strip) of packing.
   *
   * @param length the number of doubles, {@code >= 0}
   */
  void copy(double[] src, int srcOff, double[] dst, int dstOff, int length);

  /**
   * {@code dst[dstOff + n * dstStep + i] = src[srcOff + n * srcStep + i * stride]} for
   * {@code n < count} and {@code i < length}: {@code count} runs of {@code length} elements
   * {@code stride} apart (a column of a row-major matrix, say) into rows of a strip or a panel.
   *
   * @param stride the distance between the elements of a run in {@code src}, {@code >= 1}
   * @param length the elements per run, {@code >= 0}
   * @param count the number of runs, {@code >= 0}
   */
  void gather(double[] src, int srcOff, int stride, int srcStep,
      double[] dst, int dstOff, int dstStep, int length, int count);
}
