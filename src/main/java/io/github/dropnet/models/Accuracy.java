package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/** The accuracy metrics of {@link Metric}; immutable. */
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

  private Accuracy(Kind kind, String name, double threshold) {
    this.kind = kind;
    this.name = name;
    this.threshold = threshold;
  }

  static Accuracy binary(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("binaryAccuracy: threshold must be a number, received NaN");
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

  @Override
  public double compute(Tensor yPred, Tensor yTrue) {
    switch (resolve(yPred.shape(), yTrue.shape())) {
      case CATEGORICAL:
        return categorical(yPred, yTrue);
      case SPARSE_CATEGORICAL:
        return sparse(yPred, yTrue);
      default:
        return binary(yPred, yTrue);
    }
  }

  /** Keras' choice for "accuracy" (keras/src/trainers/compile_utils.py, get_metric). */
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

  private double categorical(Tensor yPred, Tensor yTrue) {
    if (yPred.rank() < 1 || !Shapes.same(yPred.shape(), yTrue.shape())) {
      throw shapes("one-hot targets of the predictions' shape", yPred, yTrue);
    }
    int classes = yPred.dim(-1);
    int rows = yPred.size() / Math.max(classes, 1);
    int hits = 0;
    for (int r = 0; r < rows; r++) {
      if (argmax(yPred.data(), r * classes, classes) == argmax(yTrue.data(), r * classes, classes)) {
        hits++;
      }
    }
    return (double) hits / rows;
  }

  private double sparse(Tensor yPred, Tensor yTrue) {
    if (yPred.rank() < 1) {
      throw shapes("predictions of rank >= 1", yPred, yTrue);
    }
    int classes = yPred.dim(-1);
    int rows = yPred.size() / Math.max(classes, 1);
    if (yTrue.size() != rows) {
      throw shapes("one class index per row of the predictions", yPred, yTrue);
    }
    int hits = 0;
    for (int r = 0; r < rows; r++) {
      if (argmax(yPred.data(), r * classes, classes) == yTrue.data()[r]) {
        hits++;
      }
    }
    return (double) hits / rows;
  }

  private double binary(Tensor yPred, Tensor yTrue) {
    if (yPred.size() != yTrue.size()) {
      throw shapes("targets with as many elements as the predictions", yPred, yTrue);
    }
    double[] p = yPred.data();
    double[] t = yTrue.data();
    int hits = 0;
    for (int i = 0; i < p.length; i++) {
      if ((p[i] > threshold ? 1.0 : 0.0) == t[i]) {
        hits++;
      }
    }
    return (double) hits / p.length;
  }

  /** The index of the first largest of {@code n} values from {@code offset} (NumPy's argmax). */
  private static int argmax(double[] v, int offset, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      if (v[offset + k] > v[offset + best]) {
        best = k;
      }
    }
    return best;
  }

  private IllegalArgumentException shapes(String expected, Tensor yPred, Tensor yTrue) {
    return new IllegalArgumentException(
        name + ": expected " + expected + ", received y_pred " + Shapes.format(yPred.shape())
            + " and y_true " + Shapes.format(yTrue.shape()));
  }

  @Override
  public String toString() {
    return kind == Kind.BINARY && threshold != 0.5
        ? "Metric[" + name + ", threshold=" + threshold + "]"
        : "Metric[" + name + "]";
  }
}
