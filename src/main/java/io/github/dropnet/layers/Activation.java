package io.github.dropnet.layers;

/**
 * Element-wise activation functions, and softmax over the last axis.
 *
 * <ul>
 *   <li>{@link #LINEAR}: {@code y = x}.
 *   <li>{@link #RELU}: {@code y = max(x, 0)}; the derivative at 0 is taken as 0 (as TensorFlow).
 *   <li>{@link #SIGMOID}: {@code y = 1 / (1 + exp(-x))}, computed without overflow.
 *   <li>{@link #TANH}: {@code y = tanh(x)}.
 *   <li>{@link #SOFTMAX}: over the last axis, {@code y = exp(x - max) / sum(exp(x - max))}, so
 *       logits of +-1000 neither overflow nor give NaN.
 *   <li>{@link #SELU}: {@code y = scale * x} for {@code x > 0}, else
 *       {@code scale * alpha * (exp(x) - 1)}, with {@link #SELU_SCALE} and {@link #SELU_ALPHA}
 *       (Klambauer et al., 2017); for self-normalising networks, with LeCun-normal weights
 *       ({@link KernelInitializer#LECUN_NORMAL}) and {@link AlphaDropout}. The derivative comes
 *       from the output, as TensorFlow's: {@code scale} where {@code y >= 0}, else
 *       {@code y + scale * alpha}.
 * </ul>
 *
 * <p>The in-place methods work on a flat row-major array seen as {@code rows x cols}, where
 * {@code cols} is the size of the last axis (only softmax cares). Thread safety: stateless.
 */
public enum Activation {
  /** The identity, {@code y = x}. */
  LINEAR,
  /** The rectifier, {@code y = max(x, 0)}, with derivative 0 at 0. */
  RELU,
  /** The logistic function, {@code y = 1 / (1 + exp(-x))}. */
  SIGMOID,
  /** The hyperbolic tangent, {@code y = tanh(x)}. */
  TANH,
  /** Softmax over the last axis: each row of {@code cols} values becomes a distribution. */
  SOFTMAX,
  /** The scaled exponential linear unit of self-normalising networks (Klambauer et al., 2017). */
  SELU;

  /** SELU's {@code lambda}, 1.0507009873554804934193349852946 (Klambauer et al., 2017). */
  public static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** SELU's {@code alpha}, 1.6732632423543772848170429916717 (Klambauer et al., 2017). */
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** {@code SELU_SCALE * SELU_ALPHA}: the magnitude of SELU's negative saturation value. */
  private static final double SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

  /**
   * Applies the activation in place to {@code a[0 .. rows*cols)}.
   *
   * @param a the pre-activation values, row-major; modified: holds the activation's output
   * @param rows the number of rows (the product of all axes but the last)
   * @param cols the size of the last axis, over which softmax normalises
   */
  public void apply(double[] a, int rows, int cols) {
    int n = rows * cols;
    switch (this) {
      case LINEAR:
        return;
      case RELU:
        // a[i] > 0 ? a[i] : 0.0 with a mask instead of a branch (random signs mispredict)
        for (int i = 0; i < n; i++) {
          long keep = a[i] > 0 ? -1L : 0L;
          a[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(a[i]) & keep);
        }
        return;
      case SIGMOID:
        for (int i = 0; i < n; i++) {
          a[i] = sigmoid(a[i]);
        }
        return;
      case TANH:
        for (int i = 0; i < n; i++) {
          a[i] = Math.tanh(a[i]);
        }
        return;
      case SOFTMAX:
        for (int r = 0; r < rows; r++) {
          softmaxRow(a, r * cols, cols);
        }
        return;
      case SELU:
        for (int i = 0; i < n; i++) {
          a[i] = a[i] > 0 ? SELU_SCALE * a[i] : SELU_SCALE_ALPHA * Math.expm1(a[i]);
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Turns {@code grad} (modified) from the gradient with respect to the activation's output
   * {@code y} into the gradient with respect to its input, using only the output {@code y}.
   *
   * @param y the activation's output from the forward pass, row-major; not modified
   * @param grad the gradient with respect to {@code y}; modified: holds the gradient with respect
   *     to the activation's input
   * @param rows the number of rows (the product of all axes but the last)
   * @param cols the size of the last axis, over which softmax normalises
   */
  public void backward(double[] y, double[] grad, int rows, int cols) {
    int n = rows * cols;
    switch (this) {
      case LINEAR:
        return;
      case RELU:
        // y[i] > 0 ? grad[i] : 0.0, branch-free as in apply
        for (int i = 0; i < n; i++) {
          long keep = y[i] > 0 ? -1L : 0L;
          grad[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(grad[i]) & keep);
        }
        return;
      case SIGMOID:
        for (int i = 0; i < n; i++) {
          grad[i] *= y[i] * (1 - y[i]);
        }
        return;
      case TANH:
        for (int i = 0; i < n; i++) {
          grad[i] *= 1 - y[i] * y[i];
        }
        return;
      case SOFTMAX:
        for (int r = 0; r < rows; r++) {
          int off = r * cols;
          double dot = 0;
          for (int j = 0; j < cols; j++) {
            dot += grad[off + j] * y[off + j];
          }
          for (int j = 0; j < cols; j++) {
            grad[off + j] = y[off + j] * (grad[off + j] - dot);
          }
        }
        return;
      case SELU:
        for (int i = 0; i < n; i++) {
          grad[i] *= y[i] < 0 ? y[i] + SELU_SCALE_ALPHA : SELU_SCALE;
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * The logistic function, stable for large |x|: no intermediate {@code exp} overflows.
   *
   * @param x the input
   * @return {@code 1 / (1 + exp(-x))}, in [0, 1]
   */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /**
   * Softmax of {@code a[off .. off+len)} in place, with the maximum subtracted first.
   *
   * @param a the array holding the row; modified: the row's logits become probabilities
   * @param off the index of the row's first element
   * @param len the number of elements in the row
   */
  public static void softmaxRow(double[] a, int off, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < len; j++) {
      max = Math.max(max, a[off + j]);
    }
    double sum = 0;
    for (int j = 0; j < len; j++) {
      double e = Math.exp(a[off + j] - max);
      a[off + j] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int j = 0; j < len; j++) {
      a[off + j] *= inv;
    }
  }
}
