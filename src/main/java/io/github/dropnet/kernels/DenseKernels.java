package io.github.dropnet.kernels;

/**
 * The three products of a fully connected layer on row-major arrays, all through {@link Gemm}.
 *
 * <p>Shapes: {@code x} is {@code rows x in}, the kernel {@code w} is {@code in x units}, the bias
 * {@code b} has {@code units} entries and {@code z}, {@code dz} are {@code rows x units}.
 *
 * <ul>
 *   <li>{@link #forward}: {@code z = x . w + b}
 *   <li>{@link #backwardWeights}: {@code dw = x^T . dz}, {@code db = sum over rows of dz}
 *   <li>{@link #backwardInput}: {@code dx = dz . w^T}
 * </ul>
 *
 * <p>Outputs are overwritten (marked "modified"); nothing is allocated. Thread safety: stateless.
 */
public final class DenseKernels {
  private DenseKernels() {}

  /**
   * {@code z (rows x units) = x . w + b}.
   *
   * @param b the bias, or {@code null} for none
   * @param z the output (modified)
   */
  public static void forward(
      double[] x, double[] w, double[] b, int rows, int in, int units, double[] z) {
    if (b != null) {
      // start every row from the bias, then accumulate the product onto it
      for (int r = 0; r < rows; r++) {
        System.arraycopy(b, 0, z, r * units, units);
      }
    }
    Gemm.gemm(false, false, rows, units, in, x, 0, in, w, 0, units, z, 0, units, b != null);
  }

  /**
   * {@code dw (in x units) = x^T . dz} and {@code db (units) = the column sums of dz}.
   *
   * @param dw the kernel gradient (modified)
   * @param db the bias gradient (modified), or {@code null} for none
   */
  public static void backwardWeights(
      double[] x, double[] dz, int rows, int in, int units, double[] dw, double[] db) {
    Gemm.gemm(true, false, in, units, rows, x, 0, in, dz, 0, units, dw, 0, units, false);
    if (db != null) {
      for (int j = 0; j < units; j++) {
        db[j] = 0.0;
      }
      for (int r = 0; r < rows; r++) {
        int off = r * units;
        for (int j = 0; j < units; j++) {
          db[j] += dz[off + j];
        }
      }
    }
  }

  /**
   * {@code dx (rows x in) = dz . w^T}.
   *
   * @param dx the input gradient (modified)
   */
  public static void backwardInput(
      double[] dz, double[] w, int rows, int in, int units, double[] dx) {
    Gemm.gemm(false, true, rows, in, units, dz, 0, units, w, 0, units, dx, 0, in, false);
  }
}
