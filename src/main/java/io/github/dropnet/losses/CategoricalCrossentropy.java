package io.github.dropnet.losses;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import java.util.Arrays;

/**
 * Cross-entropy between one-hot (or soft) targets and predicted class probabilities, averaged over
 * the batch (Keras {@code CategoricalCrossentropy}).
 *
 * <h2>Semantics</h2>
 * Classes lie on the last axis, of size {@code K}; every other position is a "row" and the loss is
 * the mean over the {@code R} rows ({@code R = N} for the usual {@code (N, K)} input).
 * <ul>
 *   <li>{@code fromLogits == false}: {@code yPred} holds probabilities, clipped to
 *       {@code [1e-7, 1 - 1e-7]} as Keras does, and
 *       {@code loss = -(1/R) sum_rows sum_k y_k log(clip(p_k))},
 *       {@code d loss / d p_k = -y_k / (R p_k)}, zero where the clip is active. Unlike Keras, the
 *       probabilities are <em>not</em> rescaled to sum to 1 first: for softmax outputs that leaves
 *       the loss unchanged, but Keras' rescaling would add {@code sum_k y_k / R} to every entry of
 *       the gradient, which is not the derivative of the formula above.
 *   <li>{@code fromLogits == true}: {@code yPred} holds logits {@code z}, and the softmax is fused
 *       into the loss for stability: {@code lse = m + log(sum_k exp(z_k - m))} with {@code m = max
 *       z}, {@code loss = (1/R) sum_rows sum_k y_k (lse - z_k)} and
 *       {@code d loss / d z_k = (softmax(z)_k sum_j y_j - y_k) / R}, i.e.
 *       {@code (softmax(z) - y) / R} for targets that sum to 1. Logits of +-1000 give finite
 *       results.
 * </ul>
 *
 * <h2>Shapes</h2>
 * {@code yPred} and {@code yTrue} have the same shape, rank >= 1, usually {@code (N, K)};
 * otherwise {@link IllegalArgumentException} naming both shapes. Targets lie in {@code [0, 1]};
 * any other (NaN included) is an {@link IllegalArgumentException} naming it.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Loss cce = new CategoricalCrossentropy(true);            // on the raw output of a Dense layer
 * double l = cce.compute(logits, oneHot);                  // (N, K) each
 * Tensor dz = cce.gradient(logits, oneHot);                // (softmax(logits) - oneHot) / N
 * }</pre>
 *
 * <p>Thread safety: immutable, may be shared.
 */
public final class CategoricalCrossentropy implements Loss {
  private static final String NAME = "CategoricalCrossentropy";

  private final boolean fromLogits;

  /** On probabilities ({@code fromLogits == false}), the Keras default. */
  public CategoricalCrossentropy() {
    this(false);
  }

  /**
   * The loss on logits or on probabilities.
   *
   * @param fromLogits true if {@code yPred} holds logits (the softmax is then applied inside the
   *     loss), false if it holds probabilities
   */
  public CategoricalCrossentropy(boolean fromLogits) {
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
    int rows = p.length / k;
    double sum = 0;
    for (int off = 0; off < p.length; off += k) {
      if (fromLogits) {
        double lse = logSumExp(p, off, k);
        for (int j = off; j < off + k; j++) {
          if (y[j] != 0) {
            sum += y[j] * (lse - p[j]);
          }
        }
      } else {
        for (int j = off; j < off + k; j++) {
          if (y[j] != 0) {
            sum -= y[j] * Math.log(LossChecks.clip(p[j]));
          }
        }
      }
    }
    return sum / rows;
  }

  @Override
  public Tensor gradient(Tensor yPred, Tensor yTrue) {
    int k = check(yPred, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int rows = p.length / k;
    double[] g = new double[p.length];
    if (fromLogits) {
      System.arraycopy(p, 0, g, 0, p.length);
      for (int off = 0; off < p.length; off += k) {
        Activation.softmaxRow(g, off, k);
        double mass = 0;
        for (int j = off; j < off + k; j++) {
          mass += y[j];
        }
        for (int j = off; j < off + k; j++) {
          g[j] = (g[j] * mass - y[j]) / rows;
        }
      }
    } else {
      for (int j = 0; j < p.length; j++) {
        g[j] = LossChecks.clipped(p[j]) ? 0.0 : -y[j] / (rows * p[j]);
      }
    }
    return Tensor.wrap(g, yPred.shape());
  }

  /** {@code log(sum exp(a[off .. off+len)))}, with the maximum subtracted first. */
  static double logSumExp(double[] a, int off, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = off; j < off + len; j++) {
      max = Math.max(max, a[j]);
    }
    double sum = 0;
    for (int j = off; j < off + len; j++) {
      sum += Math.exp(a[j] - max);
    }
    return max + Math.log(sum);
  }

  private static int check(Tensor yPred, Tensor yTrue) {
    LossChecks.notNull(NAME, yPred, yTrue);
    if (!Shapes.same(yPred.shape(), yTrue.shape())) {
      // class indices, (N) against (N, K), are the usual mistake: say what takes them
      boolean indices = yTrue.rank() == yPred.rank() - 1 && Shapes.same(yTrue.shape(),
          Arrays.copyOf(yPred.shape(), yTrue.rank()));
      throw new IllegalArgumentException(
          NAME + ": yPred and yTrue must have the same shape (one-hot targets), received yPred "
              + Shapes.format(yPred.shape()) + " and yTrue " + Shapes.format(yTrue.shape())
              + (indices ? "; for class indices use SparseCategoricalCrossentropy, or one-hot"
                  + " them with Labels.oneHot" : ""));
    }
    int classes = LossChecks.classes(NAME, yPred, yTrue);
    LossChecks.probabilityTargets(NAME, yTrue);
    return classes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CategoricalCrossentropy
        && ((CategoricalCrossentropy) o).fromLogits == fromLogits;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(fromLogits) + 31 * CategoricalCrossentropy.class.hashCode();
  }

  @Override
  public String toString() {
    return NAME + "[fromLogits=" + fromLogits + "]";
  }
}
