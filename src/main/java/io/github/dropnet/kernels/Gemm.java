package io.github.dropnet.kernels;

/**
 * General matrix product on row-major arrays: {@code C = op(A) * op(B)} or {@code C += ...},
 * where {@code op} is the identity or the transpose.
 *
 * <p>Arguments follow BLAS: {@code C} is {@code m x n}; {@code op(A)} is {@code m x k} and
 * {@code op(B)} is {@code k x n}. Each matrix is given by its array, the offset of its first
 * element and its leading dimension (the distance between the starts of consecutive rows as
 * stored). {@code c} is modified; nothing is allocated.
 *
 * <p>Thread safety: stateless; calls on disjoint parts of {@code c} may run concurrently.
 */
public final class Gemm {
  private Gemm() {}

  /**
   * {@code C (m x n) = [C +] op(A) * op(B)}.
   *
   * @param transA whether A is stored as {@code k x m} (and used transposed)
   * @param transB whether B is stored as {@code n x k} (and used transposed)
   * @param accumulate add into C instead of overwriting it
   */
  public static void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc,
      boolean accumulate) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        int row = cOff + i * ldc;
        for (int j = 0; j < n; j++) {
          c[row + j] = 0.0;
        }
      }
    }
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    if (!transB) {
      // C[i, :] += A(i, p) * B[p, :]: the inner loop runs along rows of B and C
      for (int i = 0; i < m; i++) {
        int row = cOff + i * ldc;
        for (int p = 0; p < k; p++) {
          double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          int rowB = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[row + j] += aip * b[rowB + j];
          }
        }
      }
    } else {
      // C[i, j] += dot(op(A)[i, :], B[j, :])
      for (int i = 0; i < m; i++) {
        int row = cOff + i * ldc;
        for (int j = 0; j < n; j++) {
          int rowB = bOff + j * ldb;
          double s = 0;
          if (transA) {
            for (int p = 0; p < k; p++) {
              s += a[aOff + p * lda + i] * b[rowB + p];
            }
          } else {
            int rowA = aOff + i * lda;
            for (int p = 0; p < k; p++) {
              s += a[rowA + p] * b[rowB + p];
            }
          }
          c[row + j] += s;
        }
      }
    }
  }

  /** {@code C = A * B} for contiguous row-major (m x k) and (k x n) arrays. */
  public static void nn(int m, int n, int k, double[] a, double[] b, double[] c) {
    gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
  }
}
