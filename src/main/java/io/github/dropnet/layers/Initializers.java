package io.github.dropnet.layers;

import java.util.random.RandomGenerator;

/**
 * Weight initialisers, as Keras defines them. Each fills an array (modified) in row-major order.
 *
 * <ul>
 *   <li>{@link #glorotUniform}: uniform in {@code [-limit, limit]}, {@code limit = sqrt(6 /
 *       (fanIn + fanOut))}. For a Dense kernel (in, units) the fans are in and units; for a Conv2D
 *       kernel (kh, kw, cin, filters) they are kh*kw*cin and kh*kw*filters.
 *   <li>{@link #orthogonal}: a (rows, cols) matrix with orthonormal rows (if rows &lt;= cols) or
 *       columns, from the QR decomposition of a standard normal matrix with the signs fixed by
 *       the diagonal of R (Saxe et al. 2014), Keras' default for recurrent kernels.
 *   <li>{@link #lecunNormal}: truncated normal with {@code stddev = sqrt(1 / fanIn)}, values
 *       beyond two standard deviations redrawn (Keras' variance scaling).
 * </ul>
 *
 * <p>Thread safety: stateless; the generator passed in must not be shared between threads.
 */
public final class Initializers {
  /** The standard deviation of a unit normal truncated at +-2. */
  private static final double TRUNCATED_STDDEV = 0.87962566103423978;

  private Initializers() {}

  /**
   * Fills {@code w} uniformly in {@code [-sqrt(6/(fanIn+fanOut)), +sqrt(6/(fanIn+fanOut))]}.
   *
   * @param w the weights; modified: every element is overwritten
   * @param fanIn the number of inputs of each unit
   * @param fanOut the number of outputs of each input
   * @param rng the source of randomness, advanced by one draw per element
   */
  public static void glorotUniform(double[] w, int fanIn, int fanOut, RandomGenerator rng) {
    uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
  }

  /**
   * Fills {@code w} with a truncated normal of standard deviation {@code sqrt(1 / fanIn)}.
   *
   * @param w the weights; modified: every element is overwritten
   * @param fanIn the number of inputs of each unit
   * @param rng the source of randomness, advanced by at least one draw per element
   */
  public static void lecunNormal(double[] w, int fanIn, RandomGenerator rng) {
    truncatedNormal(w, Math.sqrt(1.0 / fanIn), rng);
  }

  /** Fills {@code w} (modified) uniformly in {@code [-limit, limit]}, one draw per element. */
  static void uniform(double[] w, double limit, RandomGenerator rng) {
    for (int i = 0; i < w.length; i++) {
      w[i] = (2 * rng.nextDouble() - 1) * limit;
    }
  }

  /**
   * Fills {@code w} (modified) with a normal truncated at two standard deviations (draws beyond
   * are redrawn) whose variance is {@code stddev^2}: Keras divides the standard deviation by that
   * of a unit normal truncated at +-2, so the truncation does not shrink the variance.
   */
  static void truncatedNormal(double[] w, double stddev, RandomGenerator rng) {
    double scaled = stddev / TRUNCATED_STDDEV;
    for (int i = 0; i < w.length; i++) {
      double g;
      do {
        g = rng.nextGaussian();
      } while (Math.abs(g) > 2);
      w[i] = g * scaled;
    }
  }

  /**
   * Fills {@code w}, a row-major (rows, cols) matrix, with an orthogonal matrix: orthonormal rows
   * when rows &lt;= cols, orthonormal columns otherwise.
   *
   * @param w the weights, {@code rows * cols} of them; modified: every element is overwritten
   * @param rows the number of rows of the matrix
   * @param cols the number of columns of the matrix
   * @param rng the source of randomness, advanced by one draw per element
   * @throws IllegalArgumentException if {@code w.length != rows * cols}
   */
  public static void orthogonal(double[] w, int rows, int cols, RandomGenerator rng) {
    if (w.length != rows * cols) {
      throw new IllegalArgumentException(
          "Initializers.orthogonal: expected " + rows * cols + " values, received " + w.length);
    }
    // Work on the tall orientation: tall (n x k, n >= k), columns orthonormalised.
    boolean transpose = rows < cols;
    int n = transpose ? cols : rows;
    int k = transpose ? rows : cols;
    double[][] col = new double[k][n];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < n; i++) {
        col[j][i] = rng.nextGaussian();
      }
    }
    // Modified Gram-Schmidt, applied twice for orthogonality to rounding level. The sign of each
    // column follows the diagonal of R, as a QR decomposition with sign correction would give.
    for (int j = 0; j < k; j++) {
      double[] v = col[j];
      double rjj = 0;
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < j; p++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += col[p][i] * v[i];
          }
          for (int i = 0; i < n; i++) {
            v[i] -= dot * col[p][i];
          }
        }
      }
      for (int i = 0; i < n; i++) {
        rjj += v[i] * v[i];
      }
      double norm = Math.sqrt(rjj);
      for (int i = 0; i < n; i++) {
        v[i] /= norm;
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        w[i * cols + j] = transpose ? col[i][j] : col[j][i];
      }
    }
  }
}
