package io.github.dropnet.losses;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import java.util.Arrays;

/**
 * Cross-entropy between integer class labels and predicted class probabilities, averaged over the
 * batch (Keras {@code SparseCategoricalCrossentropy}).
 *
 * <h2>Semantics</h2>
 * The same loss as {@link CategoricalCrossentropy} with a one-hot target built from each label
 * {@code c}: classes lie on the last axis of {@code yPred}, of size {@code K}, and the loss is the
 * mean over the {@code R} rows.
 * <ul>
 *   <li>{@code fromLogits == false}: {@code loss = -(1/R) sum_rows log(clip(p_c))}, with the
 *       probabilities clipped to {@code [1e-7, 1 - 1e-7]} as Keras does;
 *       {@code d loss / d p_c = -1 / (R p_c)} (zero where the clip is active) and 0 for the other
 *       classes. As in {@link CategoricalCrossentropy}, probabilities are not rescaled to sum to
 *       1 (Keras does).
 *   <li>{@code fromLogits == true}: {@code loss = (1/R) sum_rows (logsumexp(z) - z_c)}, with the
 *       maximum subtracted inside the logsumexp, and
 *       {@code d loss / d z = (softmax(z) - onehot(c)) / R}.
 * </ul>
 *
 * <h2>Shapes</h2>
 * {@code yPred} is {@code (N, K)} (more generally {@code (..., K)}), and {@code yTrue} holds one
 * class index per row, stored as a double: shape {@code (N)} (the shape of {@code yPred} without
 * its last axis), or {@code (N, 1)}, which Keras also accepts. A wrong shape throws
 * {@link IllegalArgumentException} naming both shapes; a label that is not an integer in
 * {@code [0, K)} (NaN included) throws one naming the label and its row.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Loss loss = new SparseCategoricalCrossentropy(true);
 * Tensor labels = Tensor.of(new double[] {2, 0, 1}, 3);   // three rows of logits (3, K)
 * double l = loss.compute(logits, labels);
 * }</pre>
 *
 * <p>Thread safety: immutable, may be shared.
 */
public final class SparseCategoricalCrossentropy implements Loss {
  private static final String NAME = "SparseCategoricalCrossentropy";

  private final boolean fromLogits;

  /** On probabilities ({@code fromLogits == false}), the Keras default. */
  public SparseCategoricalCrossentropy() {
    this(false);
  }

  /**
   * The loss on logits or on probabilities.
   *
   * @param fromLogits true if {@code yPred} holds logits (the softmax is then applied inside the
   *     loss), false if it holds probabilities
   */
  public SparseCategoricalCrossentropy(boolean fromLogits) {
    this.fromLogits = fromLogits;
  }

  /** {@return true if {@code yPred} is read as logits, false if as probabilities} */
  public boolean fromLogits() {
    return fromLogits;
  }

  @Override
  public double compute(Tensor yPred, Tensor yTrue) {
    int k = check(yPred, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    double sum = 0;
    for (int r = 0; r < y.length; r++) {
      int off = r * k;
      int c = off + label(y, r, k);
      sum += fromLogits
          ? CategoricalCrossentropy.logSumExp(p, off, k) - p[c]
          : -Math.log(LossChecks.clip(p[c]));
    }
    return sum / y.length;
  }

  @Override
  public Tensor gradient(Tensor yPred, Tensor yTrue) {
    int k = check(yPred, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int rows = y.length;
    double[] g = new double[p.length];
    for (int r = 0; r < rows; r++) {
      int off = r * k;
      int c = off + label(y, r, k);
      if (fromLogits) {
        System.arraycopy(p, off, g, off, k);
        Activation.softmaxRow(g, off, k);
        g[c] -= 1;
        for (int j = off; j < off + k; j++) {
          g[j] /= rows;
        }
      } else if (!LossChecks.clipped(p[c])) {
        g[c] = -1.0 / (rows * p[c]);
      }
    }
    return Tensor.wrap(g, yPred.shape());
  }

  /** The class index of row {@code r}, validated. */
  private static int label(double[] y, int r, int k) {
    double v = y[r];
    if (!(v >= 0 && v < k && v == Math.rint(v))) {
      throw new IllegalArgumentException(
          NAME + ": label " + v + " at row " + r + " is not a class index: expected an integer in"
              + " [0, " + k + ")");
    }
    return (int) v;
  }

  /** Validates the shapes and returns the number of classes. */
  private static int check(Tensor yPred, Tensor yTrue) {
    LossChecks.notNull(NAME, yPred, yTrue);
    int k = LossChecks.classes(NAME, yPred, yTrue);
    int[] ps = yPred.shape();
    int[] ts = yTrue.shape();
    int[] rows = Arrays.copyOf(ps, ps.length - 1);
    int[] rowsWithOne = ps.clone();
    rowsWithOne[ps.length - 1] = 1;
    if (!Shapes.same(ts, rows) && !(ps.length > 1 && Shapes.same(ts, rowsWithOne))) {
      throw new IllegalArgumentException(
          NAME + ": expected yTrue of shape " + Shapes.format(rows)
              + " (one class index per row of yPred), received yPred " + Shapes.format(ps)
              + " and yTrue " + Shapes.format(ts));
    }
    return k;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseCategoricalCrossentropy
        && ((SparseCategoricalCrossentropy) o).fromLogits == fromLogits;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(fromLogits) + 31 * SparseCategoricalCrossentropy.class.hashCode();
  }

  @Override
  public String toString() {
    return NAME + "[fromLogits=" + fromLogits + "]";
  }
}
