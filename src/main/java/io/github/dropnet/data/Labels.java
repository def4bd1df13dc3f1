package io.github.dropnet.data;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.util.Arrays;

/**
 * Conversions between class labels stored as doubles and the one-hot targets and per-class scores
 * a classifier uses.
 *
 * <h2>Shapes</h2>
 * Labels have shape {@code (N)}, each an integer class index in {@code [0, classes)} stored as a
 * double (as {@link Idx} and {@link FashionMnist} return them). One-hot targets and scores have
 * shape {@code (N, classes)}.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} naming the method, the row and the offending value; shapes are
 * printed in full.
 *
 * <h2>Thread safety</h2>
 * Stateless; every method is safe to call from any thread. Inputs are read, never written.
 */
public final class Labels {
  private Labels() {}

  /**
   * One-hot encoding (Keras' {@code to_categorical}): row {@code i} of the result is 1 at column
   * {@code labels[i]} and 0 elsewhere.
   *
   * <pre>{@code
   * Labels.oneHot(Tensor.of(new double[] {2, 0}, 2), 3)  // [[0, 0, 1], [1, 0, 0]]
   * }</pre>
   *
   * @param labels shape {@code (N)}, integers in {@code [0, classes)}
   * @param classes the number of classes, at least 1
   * @return a new tensor of shape {@code (N, classes)}
   * @throws IllegalArgumentException if {@code labels} is null or not rank 1, {@code classes < 1},
   *     or a label is not an integer in range (the message names its row)
   */
  public static Tensor oneHot(Tensor labels, int classes) {
    int[] index = indices("Labels.oneHot", labels, classes);
    double[] out = new double[Shapes.size("Labels.oneHot", index.length, classes)];
    for (int i = 0; i < index.length; i++) {
      out[i * classes + index[i]] = 1.0;
    }
    return Tensor.wrap(out, index.length, classes);
  }

  /**
   * How many labels fall in each class.
   *
   * @param labels shape {@code (N)}, integers in {@code [0, classes)}
   * @param classes the number of classes, {@code >= 1}
   * @return an array of length {@code classes}
   * @throws IllegalArgumentException as {@link #oneHot}
   */
  public static int[] counts(Tensor labels, int classes) {
    int[] index = indices("Labels.counts", labels, classes);
    int[] count = new int[classes];
    for (int c : index) {
      count[c]++;
    }
    return count;
  }

  /**
   * The index of the largest entry along the last axis (NumPy's {@code argmax(axis=-1)}): scores
   * {@code (N, classes)} give labels {@code (N)}. Ties go to the first index; a NaN counts as the
   * largest value, so the first NaN of a row wins, as in NumPy.
   *
   * @param scores rank at least 1, with a last axis of size at least 1
   * @return a new tensor of the shape of {@code scores} without its last axis, holding indices as
   *     doubles
   * @throws IllegalArgumentException if {@code scores} is null, has rank 0 or an empty last axis
   */
  public static Tensor argmax(Tensor scores) {
    if (scores == null) {
      throw new IllegalArgumentException("Labels.argmax: scores must not be null");
    }
    if (scores.rank() == 0 || scores.dim(-1) == 0) {
      throw new IllegalArgumentException(
          "Labels.argmax: expected rank >= 1 with a non-empty last axis, received "
              + Shapes.format(scores.shape()));
    }
    int[] shape = scores.shape();
    int k = shape[shape.length - 1];
    double[] s = scores.data();
    double[] out = new double[s.length / k];
    for (int r = 0; r < out.length; r++) {
      int base = r * k;
      int best = 0;
      double bestValue = s[base];
      for (int j = 1; j < k && !Double.isNaN(bestValue); j++) {
        double v = s[base + j];
        if (v > bestValue || Double.isNaN(v)) {
          best = j;
          bestValue = v;
        }
      }
      out[r] = best;
    }
    return Tensor.wrap(out, Arrays.copyOf(shape, shape.length - 1));
  }

  /** Validates labels and returns them as ints. */
  private static int[] indices(String method, Tensor labels, int classes) {
    if (labels == null) {
      throw new IllegalArgumentException(method + ": labels must not be null");
    }
    if (classes < 1) {
      throw new IllegalArgumentException(
          method + ": classes must be >= 1, received " + classes);
    }
    if (labels.rank() != 1) {
      throw new IllegalArgumentException(
          method + ": labels must have shape (N,), received " + Shapes.format(labels.shape()));
    }
    double[] d = labels.data();
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      double v = d[i];
      if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
        throw new IllegalArgumentException(
            method + ": label at row " + i + " is " + v + ", expected an integer in [0, "
                + classes + ")");
      }
      out[i] = (int) v;
    }
    return out;
  }
}
