package io.github.dropnet.losses;

import io.github.dropnet.Tensor;

/**
 * A differentiable loss: a scalar measure of how far predictions are from targets.
 *
 * <p>Shapes depend on the loss (see each class); a mismatch throws
 * {@link IllegalArgumentException} naming the loss and both shapes.
 *
 * <p>Thread safety: the losses of this package are stateless and may be shared.
 */
public interface Loss {
  /** The loss of predictions {@code yPred} against targets {@code yTrue}. */
  double compute(Tensor yPred, Tensor yTrue);

  /** {@code d loss / d yPred}, of the shape of {@code yPred}. */
  Tensor gradient(Tensor yPred, Tensor yTrue);
}
