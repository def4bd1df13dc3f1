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
  /**
   * The loss of predictions {@code yPred} against targets {@code yTrue}.
   *
   * @param yPred the predictions; not modified
   * @param yTrue the targets, in the shape the loss expects for {@code yPred}; not modified
   * @return the loss as one scalar, a mean (over elements or rows: see each class)
   * @throws IllegalArgumentException if the shapes do not suit the loss
   */
  double compute(Tensor yPred, Tensor yTrue);

  /**
   * {@code d loss / d yPred}, of the shape of {@code yPred}.
   *
   * @param yPred the predictions; not modified
   * @param yTrue the targets, in the shape the loss expects for {@code yPred}; not modified
   * @return a new tensor with the gradient of {@link #compute} with respect to {@code yPred}
   * @throws IllegalArgumentException if the shapes do not suit the loss
   */
  Tensor gradient(Tensor yPred, Tensor yTrue);
}
