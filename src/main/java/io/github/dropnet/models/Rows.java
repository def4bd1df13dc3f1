package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/** Row (first-axis) operations on batch-first tensors: checks, slices and gathers (copies). */
final class Rows {
  private Rows() {}

  /**
   * Requires {@code x} and {@code y} to have a batch axis and the same number of rows.
   *
   * @param caller the method that checks, first in the message, e.g. {@code "fit"}
   * @param what the data described in the message, e.g. {@code "x and y"}
   */
  static void checkSame(String caller, String what, Tensor x, Tensor y) {
    checkBatched(caller + ": " + what, x);
    checkBatched(caller + ": " + what, y);
    if (x.dim(0) != y.dim(0)) {
      throw new IllegalArgumentException(
          caller + ": " + what + " must have the same number of rows, received x "
              + Shapes.format(x.shape()) + " and y " + Shapes.format(y.shape()));
    }
  }

  /** Requires a tensor of rank >= 1 (a batch axis first); {@code what} starts the message. */
  static void checkBatched(String what, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (t.rank() == 0) {
      throw new IllegalArgumentException(
          what + " must have a batch axis first, received a tensor of shape ()");
    }
  }

  /** The shape with its batch entry replaced by -1 (Keras' None). */
  static int[] batchFree(int[] shape) {
    int[] s = shape.clone();
    s[0] = -1;
    return s;
  }

  /** A copy of rows {@code [from, to)} of {@code x}. */
  static Tensor slice(Tensor x, int from, int to) {
    int[] shape = x.shape();
    int width = x.size() / Math.max(shape[0], 1);
    shape[0] = to - from;
    double[] out = new double[(to - from) * width];
    System.arraycopy(x.data(), from * width, out, 0, out.length);
    return Tensor.wrap(out, shape);
  }

  /** A copy of rows {@code order[from]}, ..., {@code order[to - 1]} of {@code x}, in that order. */
  static Tensor gather(Tensor x, int[] order, int from, int to) {
    int[] shape = x.shape();
    int width = x.size() / Math.max(shape[0], 1);
    shape[0] = to - from;
    double[] src = x.data();
    double[] out = new double[(to - from) * width];
    for (int r = from; r < to; r++) {
      System.arraycopy(src, order[r] * width, out, (r - from) * width, width);
    }
    return Tensor.wrap(out, shape);
  }
}
