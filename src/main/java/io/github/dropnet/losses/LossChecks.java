package io.github.dropnet.losses;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/**
 * Argument checks and the probability clipping shared by the losses; every message names the
 * loss and the tensors at fault: both shapes for a shape mismatch, the target for a bad target.
 */
final class LossChecks {
  /** Keras' {@code backend.epsilon()}: probabilities are clipped to {@code [EPSILON, 1 - EPSILON]}. */
  static final double EPSILON = 1e-7;

  private LossChecks() {}

  /** {@code p} clipped to {@code [EPSILON, 1 - EPSILON]}. */
  static double clip(double p) {
    return p < EPSILON ? EPSILON : (p > 1 - EPSILON ? 1 - EPSILON : p);
  }

  /**
   * True where the clip is active, so the gradient is zero (TensorFlow's clip passes the gradient
   * on the bounds themselves).
   */
  static boolean clipped(double p) {
    return p < EPSILON || p > 1 - EPSILON;
  }

  /** Requires both tensors to be non-null and non-empty, of the same shape. */
  static void sameShape(String loss, Tensor yPred, Tensor yTrue) {
    notNull(loss, yPred, yTrue);
    if (!Shapes.same(yPred.shape(), yTrue.shape())) {
      throw new IllegalArgumentException(
          loss + ": yPred and yTrue must have the same shape, received yPred "
              + Shapes.format(yPred.shape()) + " and yTrue " + Shapes.format(yTrue.shape())
              + reshapeHint(yPred.shape(), yTrue.shape()));
    }
    if (yPred.size() == 0) {
      throw new IllegalArgumentException(
          loss + ": expected at least one element, received yPred " + Shapes.format(yPred.shape())
              + " and yTrue " + Shapes.format(yTrue.shape()));
    }
  }

  /**
   * When the shapes differ only by a trailing axis of size 1, as (N,) targets against a
   * {@code Dense(1)} output (which Keras squeezes or expands to match), the reshape that fixes
   * it; dropnet reshapes nothing silently. Otherwise "".
   */
  private static String reshapeHint(int[] pred, int[] target) {
    boolean trailingOne = pred.length == target.length + 1 && pred[pred.length - 1] == 1
        || target.length == pred.length + 1 && target[target.length - 1] == 1;
    int common = Math.min(pred.length, target.length);
    for (int i = 0; trailingOne && i < common; i++) {
      trailingOne = pred[i] == target[i];
    }
    return trailingOne ? "; reshape yTrue to " + Shapes.format(pred) + " to match" : "";
  }

  /**
   * Requires {@code yPred} of rank >= 1 with classes on its last axis and at least one row, and
   * returns the number of classes.
   */
  static int classes(String loss, Tensor yPred, Tensor yTrue) {
    if (yPred.rank() < 1 || yPred.size() == 0) {
      throw new IllegalArgumentException(
          loss + ": expected yPred of rank >= 1 with classes on the last axis and at least one"
              + " row, received yPred " + Shapes.format(yPred.shape()) + " and yTrue "
              + Shapes.format(yTrue.shape()));
    }
    return yPred.dim(-1);
  }

  /**
   * Requires every target to be a probability, in {@code [0, 1]} (hard or soft labels): a
   * cross-entropy of other targets has no meaning and can be negative.
   */
  static void probabilityTargets(String loss, Tensor yTrue) {
    double[] y = yTrue.data();
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] >= 0 && y[i] <= 1)) {
        throw new IllegalArgumentException(loss + ": expected targets in [0, 1], received yTrue "
            + Shapes.format(yTrue.shape()) + " holding " + y[i] + " at flat index " + i);
      }
    }
  }

  /** Requires every target to be finite. */
  static void finiteTargets(String loss, Tensor yTrue) {
    double[] y = yTrue.data();
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException(loss + ": expected finite targets, received yTrue "
            + Shapes.format(yTrue.shape()) + " holding " + y[i] + " at flat index " + i);
      }
    }
  }

  static void notNull(String loss, Tensor yPred, Tensor yTrue) {
    if (yPred == null || yTrue == null) {
      throw new IllegalArgumentException(
          loss + ": yPred and yTrue must not be null, received yPred "
              + (yPred == null ? "null" : Shapes.format(yPred.shape())) + " and yTrue "
              + (yTrue == null ? "null" : Shapes.format(yTrue.shape())));
    }
  }
}
