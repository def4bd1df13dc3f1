package io.github.dropnet.losses;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;

/**
 * Cross-entropy between binary (or soft) targets and predicted probabilities, averaged over all
 * elements (Keras {@code BinaryCrossentropy}).
 *
 * <h2>Semantics</h2>
 * Every element is an independent yes/no prediction; the loss is the mean over all {@code n}
 * elements.
 * <ul>
 *   <li>{@code fromLogits == false}: {@code yPred} holds probabilities, clipped to
 *       {@code [1e-7, 1 - 1e-7]} as Keras does, and
 *       {@code loss = -(1/n) sum (y log(p) + (1 - y) log(1 - p))} on the clipped {@code p};
 *       {@code d loss / d p = -(y / p - (1 - y) / (1 - p)) / n}, zero where the clip is active.
 *       (Keras' TensorFlow backend also adds {@code 1e-7} inside each log; this plain formula
 *       does not, so its gradient is the exact derivative.)
 *   <li>{@code fromLogits == true}: {@code yPred} holds logits {@code z} and the sigmoid is fused
 *       into the loss in the stable form
 *       {@code loss = (1/n) sum (max(z, 0) - z y + log1p(exp(-|z|)))}, with
 *       {@code d loss / d z = (sigmoid(z) - y) / n}. Logits of +-1000 give finite results.
 * </ul>
 *
 * <h2>Shapes</h2>
 * {@code yPred} and {@code yTrue} have the same shape, any rank, at least one element; otherwise
 * {@link IllegalArgumentException} naming both shapes. Targets lie in {@code [0, 1]}; any other
 * (NaN included) is an {@link IllegalArgumentException} naming it.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Loss bce = new BinaryCrossentropy();      // after a Dense(1).activation(SIGMOID)
 * double l = bce.compute(probabilities, labels);   // both (N, 1)
 * }</pre>
 *
 * <p>Thread safety: immutable, may be shared.
 */
public final class BinaryCrossentropy implements Loss {
  private static final String NAME = "BinaryCrossentropy";

  private final boolean fromLogits;

  /** On probabilities ({@code fromLogits == false}), the Keras default. */
  public BinaryCrossentropy() {
    this(false);
  }

  /**
   * The loss on logits or on probabilities.
   *
   * @param fromLogits true if {@code yPred} holds logits (the sigmoid is then applied inside the
   *     loss), false if it holds probabilities
   */
  public BinaryCrossentropy(boolean fromLogits) {
    this.fromLogits = fromLogits;
  }

  /** {@return true if {@code yPred} is read as logits, false if as probabilities} */
  public boolean fromLogits() {
    return fromLogits;
  }

  @Override
  public double compute(Tensor yPred, Tensor yTrue) {
    LossChecks.sameShape(NAME, yPred, yTrue);
    LossChecks.probabilityTargets(NAME, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    double sum = 0;
    if (fromLogits) {
      for (int i = 0; i < p.length; i++) {
        double z = p[i];
        sum += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
      }
    } else {
      for (int i = 0; i < p.length; i++) {
        double q = LossChecks.clip(p[i]);
        sum -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
      }
    }
    return sum / p.length;
  }

  @Override
  public Tensor gradient(Tensor yPred, Tensor yTrue) {
    LossChecks.sameShape(NAME, yPred, yTrue);
    LossChecks.probabilityTargets(NAME, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    int n = p.length;
    double[] g = new double[n];
    if (fromLogits) {
      for (int i = 0; i < n; i++) {
        g[i] = (Activation.sigmoid(p[i]) - y[i]) / n;
      }
    } else {
      for (int i = 0; i < n; i++) {
        g[i] = LossChecks.clipped(p[i]) ? 0.0 : -(y[i] / p[i] - (1 - y[i]) / (1 - p[i])) / n;
      }
    }
    return Tensor.wrap(g, yPred.shape());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryCrossentropy && ((BinaryCrossentropy) o).fromLogits == fromLogits;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(fromLogits) + 31 * BinaryCrossentropy.class.hashCode();
  }

  @Override
  public String toString() {
    return NAME + "[fromLogits=" + fromLogits + "]";
  }
}
