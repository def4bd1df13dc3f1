package io.github.dropnet.models;

import io.github.dropnet.Tensor;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.Metrics;

/** The accuracy metrics of {@link Metric}, computed by {@link Metrics}; immutable. */
final class Accuracy implements Metric {
  private enum Kind { AUTO, CATEGORICAL, SPARSE_CATEGORICAL, BINARY }

  static final Accuracy AUTO = new Accuracy(Kind.AUTO, "accuracy", 0.5);
  static final Accuracy CATEGORICAL = new Accuracy(Kind.CATEGORICAL, "categorical_accuracy", 0.5);
  static final Accuracy SPARSE_CATEGORICAL =
      new Accuracy(Kind.SPARSE_CATEGORICAL, "sparse_categorical_accuracy", 0.5);
  static final Accuracy BINARY = new Accuracy(Kind.BINARY, "binary_accuracy", 0.5);

  private final Kind kind;
  private final String name;
  private final double threshold;
  /** The loss "accuracy" follows, or null to decide from the shapes. */
  private final Loss loss;

  private Accuracy(Kind kind, String name, double threshold) {
    this(kind, name, threshold, null);
  }

  private Accuracy(Kind kind, String name, double threshold, Loss loss) {
    this.kind = kind;
    this.name = name;
    this.threshold = threshold;
    this.loss = loss;
  }

  static Accuracy binary(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException(
          "Metric.binaryAccuracy: threshold must be a number, received NaN");
    }
    return new Accuracy(Kind.BINARY, "binary_accuracy", threshold);
  }

  static Accuracy named(String name) {
    if (name == null) {
      throw new IllegalArgumentException("Metric.named: name must not be null");
    }
    switch (name) {
      case "accuracy":
        return AUTO;
      case "acc":
        return new Accuracy(Kind.AUTO, "acc", 0.5);
      case "categorical_accuracy":
        return CATEGORICAL;
      case "sparse_categorical_accuracy":
        return SPARSE_CATEGORICAL;
      case "binary_accuracy":
        return BINARY;
      default:
        throw new IllegalArgumentException(
            "Metric.named: expected one of accuracy, acc, categorical_accuracy, "
                + "sparse_categorical_accuracy, binary_accuracy, received \"" + name + "\"");
    }
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * This accuracy as compiled with {@code loss}: "accuracy" follows a cross-entropy loss when
   * there is one (binary accuracy on logits then thresholds at 0), where Keras 3 would go by the
   * shapes alone (see {@link Metric}); other metrics are kept.
   */
  Accuracy forLoss(Loss loss) {
    return kind == Kind.AUTO && Metrics.hasAccuracy(loss)
        ? new Accuracy(kind, name, threshold, loss)
        : this;
  }

  @Override
  public double compute(Tensor yPred, Tensor yTrue) {
    if (loss != null) {
      return Metrics.accuracy(loss, yPred, yTrue);
    }
    switch (resolve(yPred.shape(), yTrue.shape())) {
      case CATEGORICAL:
        return Metrics.categoricalAccuracy(yPred, yTrue);
      case SPARSE_CATEGORICAL:
        return Metrics.sparseCategoricalAccuracy(yPred, yTrue);
      default:
        return Metrics.binaryAccuracy(yPred, yTrue, threshold);
    }
  }

  /** Keras 3's choice for "accuracy" from the shapes (keras/src/trainers/compile_utils.py). */
  private Kind resolve(int[] pred, int[] target) {
    if (kind != Kind.AUTO) {
      return kind;
    }
    int predLast = pred.length == 0 ? 1 : pred[pred.length - 1];
    int targetLast = target.length == 0 ? 1 : target[target.length - 1];
    if (pred.length <= 1 || predLast == 1) {
      return Kind.BINARY;
    }
    if (target.length < pred.length || (targetLast == 1 && predLast > 1)) {
      return Kind.SPARSE_CATEGORICAL;
    }
    return Kind.CATEGORICAL;
  }

  @Override
  public String toString() {
    return kind == Kind.BINARY && threshold != 0.5
        ? "Metric[" + name + ", threshold=" + threshold + "]"
        : "Metric[" + name + "]";
  }
}
