package io.github.dropnet.models;

import io.github.dropnet.Tensor;

/**
 * A quantity reported during training and evaluation but not optimised, such as accuracy.
 *
 * <p>{@link #compute} returns the mean over the rows of one batch; a model averages those means
 * weighted by the batch sizes, so the figure for an epoch is the mean over all its rows (Keras'
 * {@code MeanMetricWrapper}). The value appears in {@link History} and in the callbacks' logs under
 * {@link #name()}, and under {@code "val_" + name()} for the validation data.
 *
 * <h2>Accuracy</h2>
 * {@link #accuracy()}, Keras' {@code "accuracy"}, follows the loss it is compiled with when that is
 * one of the cross-entropies ({@link io.github.dropnet.losses.Metrics#accuracy}): categorical,
 * sparse categorical, or binary with threshold 0.5 on probabilities and 0 on logits. With any other
 * loss it chooses its form from the shapes of each batch, as Keras 3 does: binary (threshold 0.5)
 * when the predictions have one column (or are rank 1), sparse categorical when the targets have a
 * lower rank than the predictions or one column against several, categorical otherwise. The
 * specific accuracies compute what their names say whatever the loss.
 *
 * <p>Following the loss is a deliberate difference from Keras 3, which picks the form from the
 * shapes even then: there, a binary cross-entropy on logits is scored by thresholding the logits
 * at 0.5 (a logit of 0.3 counts as class 0, though its probability is 0.57), and multi-label
 * binary targets of several columns by their argmax; here the first thresholds at 0 and the
 * second scores every column.
 *
 * <p>Thread safety: the metrics of this interface's factories are stateless and may be shared.
 */
public interface Metric {

  /** {@return the key of this metric in logs and in {@link History}, e.g. {@code "accuracy"}} */
  String name();

  /**
   * The mean of the metric over the rows of one batch.
   *
   * @param yPred the model's predictions for the batch; not modified
   * @param yTrue the batch's targets; not modified
   * @return the mean of the metric over the batch's rows
   * @throws IllegalArgumentException if the shapes of {@code yPred} and {@code yTrue} do not suit
   *     this metric
   */
  double compute(Tensor yPred, Tensor yTrue);

  /**
   * Whether a larger value is better; {@code EarlyStopping} in its default mode uses this to
   * decide the direction of improvement. True unless overridden.
   *
   * @return true if larger values are better, false if smaller ones are
   */
  default boolean higherIsBetter() {
    return true;
  }

  /**
   * {@return Keras' {@code "accuracy"}, which is binary, sparse categorical or categorical by the
   * loss or the shapes}
   */
  static Metric accuracy() {
    return Accuracy.AUTO;
  }

  /**
   * {@return the metric that gives the fraction of rows whose arg-max prediction equals the
   * arg-max of the one-hot target}
   */
  static Metric categoricalAccuracy() {
    return Accuracy.CATEGORICAL;
  }

  /**
   * {@return the metric that gives the fraction of rows whose arg-max prediction equals the class
   * index in the target}
   */
  static Metric sparseCategoricalAccuracy() {
    return Accuracy.SPARSE_CATEGORICAL;
  }

  /**
   * {@return the metric that gives the fraction of elements where {@code (y_pred > 0.5) ==
   * y_true}}
   */
  static Metric binaryAccuracy() {
    return Accuracy.BINARY;
  }

  /**
   * The fraction of elements where {@code (y_pred > threshold) == y_true}.
   *
   * @param threshold the value above which a prediction counts as 1 (0 for logits)
   * @return the binary accuracy metric with that threshold
   * @throws IllegalArgumentException if {@code threshold} is NaN
   */
  static Metric binaryAccuracy(double threshold) {
    return Accuracy.binary(threshold);
  }

  /**
   * The metric of a Keras name: {@code "accuracy"} (or {@code "acc"}),
   * {@code "categorical_accuracy"}, {@code "sparse_categorical_accuracy"},
   * {@code "binary_accuracy"}.
   *
   * @param name the Keras name of the metric
   * @return the metric of that name
   * @throws IllegalArgumentException for any other name
   */
  static Metric named(String name) {
    return Accuracy.named(name);
  }
}
