package io.github.dropnet.losses;

import io.github.dropnet.Tensor;

/**
 * Mean squared error, averaged over all elements (Keras {@code MeanSquaredError}).
 *
 * <h2>Semantics</h2>
 * {@code loss = sum((yPred - yTrue)^2) / n} over all {@code n} elements, and
 * {@code d loss / d yPred = 2 * (yPred - yTrue) / n}.
 *
 * <h2>Shapes</h2>
 * {@code yPred} and {@code yTrue} have the same shape, any rank, at least one element; otherwise
 * {@link IllegalArgumentException} naming both shapes. No broadcasting. A NaN or infinite target
 * is an {@link IllegalArgumentException} naming it.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Loss mse = new MeanSquaredError();
 * double l = mse.compute(Tensor.of(new double[] {1, 2}, 2), Tensor.of(new double[] {0, 2}, 2)); // 0.5
 * }</pre>
 *
 * <p>Thread safety: stateless, may be shared.
 */
public final class MeanSquaredError implements Loss {
  private static final String NAME = "MeanSquaredError";

  /** Mean squared error; it has no configuration. */
  public MeanSquaredError() {}

  @Override
  public double compute(Tensor yPred, Tensor yTrue) {
    LossChecks.sameShape(NAME, yPred, yTrue);
    LossChecks.finiteTargets(NAME, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double d = p[i] - y[i];
      sum += d * d;
    }
    return sum / p.length;
  }

  @Override
  public Tensor gradient(Tensor yPred, Tensor yTrue) {
    LossChecks.sameShape(NAME, yPred, yTrue);
    LossChecks.finiteTargets(NAME, yTrue);
    double[] p = yPred.data();
    double[] y = yTrue.data();
    double[] g = new double[p.length];
    double scale = 2.0 / p.length;
    for (int i = 0; i < p.length; i++) {
      g[i] = scale * (p[i] - y[i]);
    }
    return Tensor.wrap(g, yPred.shape());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeanSquaredError;
  }

  @Override
  public int hashCode() {
    return MeanSquaredError.class.hashCode();
  }

  @Override
  public String toString() {
    return NAME + "[]";
  }
}
