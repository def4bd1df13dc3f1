package io.github.dropnet.losses;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.util.Arrays;

/**
 * Accuracy metrics as Keras defines them: the fraction of decisions a prediction gets right.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@link #categoricalAccuracy}: per row (classes on the last axis), whether the argmax of
 *       {@code yPred} equals the argmax of {@code yTrue}; averaged over the rows.
 *   <li>{@link #sparseCategoricalAccuracy}: per row, whether the argmax of {@code yPred} equals
 *       the class index in {@code yTrue}; averaged over the rows. A label that is not a class
 *       index simply never matches (as Keras; the loss is where labels are validated).
 *   <li>{@link #binaryAccuracy}: per element, whether {@code (yPred > threshold ? 1 : 0)} equals
 *       {@code yTrue}; averaged over all elements. Targets are compared exactly, so soft targets
 *       (other than 0 and 1) never match, as in Keras.
 * </ul>
 * Argmax ties go to the first (lowest) index, as in NumPy and TensorFlow.
 *
 * <p>{@link #accuracy(Loss, Tensor, Tensor)} picks the one matching a loss, as Keras' {@code
 * metrics=["accuracy"]} does: categorical for {@link CategoricalCrossentropy}, sparse for
 * {@link SparseCategoricalCrossentropy}, binary for {@link BinaryCrossentropy} with threshold 0.5
 * on probabilities, or 0 on logits (the same decision, since {@code sigmoid(z) > 0.5} iff
 * {@code z > 0}).
 *
 * <h2>Averaging over batches</h2>
 * Each method returns a mean over its decisions: rows for the categorical forms, elements for the
 * binary one. To combine batches of different sizes as Keras does, weight each batch's accuracy
 * by its number of decisions.
 *
 * <h2>Errors</h2>
 * Shapes are checked as by the matching loss; a mismatch or an empty input throws
 * {@link IllegalArgumentException} naming the metric and both shapes.
 *
 * <p>Thread safety: stateless, every method may be called from any thread.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * Whether {@link #accuracy(Loss, Tensor, Tensor)} is defined for this loss.
   *
   * @param loss the loss a model is compiled with
   * @return true for the cross-entropy losses of this package
   */
  public static boolean hasAccuracy(Loss loss) {
    return loss instanceof CategoricalCrossentropy
        || loss instanceof SparseCategoricalCrossentropy
        || loss instanceof BinaryCrossentropy;
  }

  /**
   * The accuracy that matches {@code loss} (see the class description).
   *
   * @param loss the loss whose accuracy is wanted
   * @param yPred the predictions, as the loss reads them; not modified
   * @param yTrue the targets, as the loss reads them; not modified
   * @return the fraction of correct decisions, in [0, 1]
   * @throws IllegalArgumentException if the loss defines no accuracy ({@link #hasAccuracy} is
   *     false), or on a shape mismatch
   */
  public static double accuracy(Loss loss, Tensor yPred, Tensor yTrue) {
    if (loss instanceof CategoricalCrossentropy) {
      return categoricalAccuracy(yPred, yTrue);
    }
    if (loss instanceof SparseCategoricalCrossentropy) {
      return sparseCategoricalAccuracy(yPred, yTrue);
    }
    if (loss instanceof BinaryCrossentropy) {
      return binaryAccuracy(yPred, yTrue, ((BinaryCrossentropy) loss).fromLogits() ? 0.0 : 0.5);
    }
    throw new IllegalArgumentException(
        "Metrics.accuracy: defined for the cross-entropy losses only, received " + loss);
  }

  /**
   * The fraction of rows whose argmax of {@code yPred} equals the argmax of {@code yTrue}.
   *
   * @param yPred the predictions, classes on the last axis; not modified
   * @param yTrue the one-hot (or soft) targets, of the shape of {@code yPred}; not modified
   * @return the fraction of correct rows, in [0, 1]
   * @throws IllegalArgumentException if the shapes differ or are empty
   */
  public static double categoricalAccuracy(Tensor yPred, Tensor yTrue) {
    String name = "Metrics.categoricalAccuracy";
    LossChecks.notNull(name, yPred, yTrue);
    if (!Shapes.same(yPred.shape(), yTrue.shape())) {
      throw new IllegalArgumentException(
          name + ": yPred and yTrue must have the same shape, received yPred "
              + Shapes.format(yPred.shape()) + " and yTrue " + Shapes.format(yTrue.shape()));
    }
    int k = LossChecks.classes(name, yPred, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int rows = p.length / k;
    int correct = 0;
    for (int off = 0; off < p.length; off += k) {
      if (argmax(p, off, k) == argmax(y, off, k)) {
        correct++;
      }
    }
    return (double) correct / rows;
  }

  /**
   * The fraction of rows whose argmax of {@code yPred} equals the class index in {@code yTrue}
   * (shape {@code (N)} or {@code (N, 1)} for {@code yPred} of shape {@code (N, K)}).
   *
   * @param yPred the predictions, classes on the last axis; not modified
   * @param yTrue the class indices, one per row of {@code yPred}; not modified
   * @return the fraction of correct rows, in [0, 1]
   * @throws IllegalArgumentException if the shapes do not match or are empty
   */
  public static double sparseCategoricalAccuracy(Tensor yPred, Tensor yTrue) {
    String name = "Metrics.sparseCategoricalAccuracy";
    LossChecks.notNull(name, yPred, yTrue);
    int k = LossChecks.classes(name, yPred, yTrue);
    int[] ps = yPred.shape();
    int rows = yPred.size() / k;
    int[] ts = yTrue.shape();
    int[] rowShape = Arrays.copyOf(ps, ps.length - 1);
    int[] rowShapeWithOne = ps.clone();
    rowShapeWithOne[ps.length - 1] = 1;
    if (!Shapes.same(ts, rowShape) && !(ps.length > 1 && Shapes.same(ts, rowShapeWithOne))) {
      throw new IllegalArgumentException(
          name + ": expected yTrue of shape " + Shapes.format(rowShape)
              + " (one class index per row of yPred), received yPred " + Shapes.format(ps)
              + " and yTrue " + Shapes.format(ts));
    }
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int correct = 0;
    for (int r = 0; r < rows; r++) {
      if (argmax(p, r * k, k) == y[r]) {
        correct++;
      }
    }
    return (double) correct / rows;
  }

  /**
   * {@link #binaryAccuracy(Tensor, Tensor, double)} with threshold 0.5, for probabilities.
   *
   * @param yPred the predicted probabilities; not modified
   * @param yTrue the 0/1 targets, of the shape of {@code yPred}; not modified
   * @return the fraction of correct elements, in [0, 1]
   * @throws IllegalArgumentException if the shapes differ or are empty
   */
  public static double binaryAccuracy(Tensor yPred, Tensor yTrue) {
    return binaryAccuracy(yPred, yTrue, 0.5);
  }

  /**
   * The fraction of elements where {@code (yPred > threshold ? 1 : 0) == yTrue}; use threshold 0
   * for logits.
   *
   * @param yPred the predictions; not modified
   * @param yTrue the 0/1 targets, of the shape of {@code yPred}; not modified
   * @param threshold the value above which a prediction counts as 1
   * @return the fraction of correct elements, in [0, 1]
   * @throws IllegalArgumentException if the shapes differ or are empty
   */
  public static double binaryAccuracy(Tensor yPred, Tensor yTrue, double threshold) {
    LossChecks.sameShape("Metrics.binaryAccuracy", yPred, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      if ((p[i] > threshold ? 1.0 : 0.0) == y[i]) {
        correct++;
      }
    }
    return (double) correct / p.length;
  }

  /** The index (relative to {@code off}) of the first largest of {@code a[off .. off+len)}. */
  private static int argmax(double[] a, int off, int len) {
    int best = 0;
    for (int j = 1; j < len; j++) {
      if (a[off + j] > a[off + best]) {
        best = j;
      }
    }
    return best;
  }
}
