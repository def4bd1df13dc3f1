package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A differentiable building block of a network: configuration, weights, forward and backward.
 *
 * <h2>Life cycle</h2>
 * A layer stores and validates its configuration when it is constructed (and through its fluent
 * setters), creates its weights in {@link #build} and computes in {@link #forward}. A layer that is
 * not built yet builds itself on its first {@code forward}. Fluent setters must be called before
 * the layer is built; afterwards they throw {@link IllegalStateException}.
 *
 * <h2>Shapes</h2>
 * Shapes are batch first. In {@link #build} and {@link #outputShape}, {@code -1} means "not fixed"
 * (Keras {@code None}), normally the batch size.
 *
 * <h2>Backward</h2>
 * {@link #backward} returns the gradient of the loss with respect to the input of the last
 * {@code forward} call, given the gradient with respect to its output, and stores the gradients of
 * the weights, which {@link #getGradients} then returns in the order of {@link #getWeights}. Each
 * forward keeps exactly what its backward needs.
 *
 * <h2>Errors</h2>
 * A wrong input shape or configuration throws {@link IllegalArgumentException} whose message names
 * the layer, what was expected and what was received; {@code backward} before any
 * {@code forward}, or a setter after {@code build}, throws {@link IllegalStateException}.
 *
 * <h2>Non-finite values</h2>
 * A finite input gives a finite output and finite gradients whenever the true result is
 * representable: softmax subtracts the row maximum, sigmoid never evaluates {@code exp} of a large
 * positive number, and the losses work on logits in fused, stable forms (logits of +-1000 are
 * fine). The one place non-finite values travel is the data itself: a NaN or infinite input (or
 * weight) propagates through the arithmetic layers by IEEE rules, as in Keras and PyTorch, and
 * nothing checks for it on the hot path. Dropout and its family are the exception on purpose: a
 * dropped unit is written as an exact 0, so a dropped infinity gives 0, never NaN. Optimizers
 * likewise pass a non-finite gradient into the parameters unchanged.
 *
 * <h2>Thread safety</h2>
 * Unless a layer says otherwise: inference ({@code forward(x, false)}) on a built layer may run
 * from many threads at once and gives the same results as on one thread; training (a forward with
 * {@code training = true}, backward, weight updates) is confined to one thread at a time.
 */
public interface Layer {

  /**
   * Creates the weights for inputs of the given full shape (batch included, may be -1).
   *
   * @param inputShape the full input shape, batch first; {@code -1} for an axis that is not fixed
   * @throws IllegalArgumentException if the shape does not suit this layer
   */
  void build(int... inputShape);

  /**
   * The output shape for the given input shape, without computing anything; -1 entries stay -1.
   *
   * @param inputShape the full input shape, batch first; {@code -1} for an axis that is not fixed
   * @return a new array with the full output shape, batch first
   * @throws IllegalArgumentException if the shape does not suit this layer
   */
  int[] outputShape(int... inputShape);

  /**
   * Computes the output. With {@code training == true} training-only behaviour (dropout, noise)
   * is on, whatever else is going on: calling it at prediction time is Monte Carlo dropout.
   *
   * @param input the input, batch first; not modified
   * @param training whether training-only behaviour (dropout, noise) is on
   * @return the output, of shape {@link #outputShape} of the input's shape: a new tensor, or the
   *     input itself where the layer is the identity (dropout at inference, rate 0)
   * @throws IllegalArgumentException if the input shape does not suit this layer
   */
  Tensor forward(Tensor input, boolean training);

  /**
   * Inference: {@code forward(input, false)}.
   *
   * @param input the input, batch first; not modified
   * @return the output, as {@link #forward(Tensor, boolean)} returns it
   */
  default Tensor forward(Tensor input) {
    return forward(input, false);
  }

  /**
   * The gradient with respect to the input of the last forward, given the gradient with respect
   * to its output; also computes the weight gradients.
   *
   * @param gradOutput the gradient of the loss with respect to the last output; not modified
   * @return the gradient with respect to the last input, of the input's shape: a new tensor, or
   *     {@code gradOutput} itself where the layer is the identity
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  Tensor backward(Tensor gradOutput);

  /**
   * {@link #backward} for a layer whose input gradient nobody reads, such as the first layer of
   * a model in training (its input is the data, as an input tensor without {@code requires_grad}
   * in PyTorch): computes the same weight gradients, and may skip the input gradient, for a
   * dense or convolution layer a matrix product as large as its weight gradient. The default
   * runs {@link #backward} and drops the result.
   *
   * @param gradOutput the gradient of the loss with respect to the last output; not modified
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  default void backwardWeightsOnly(Tensor gradOutput) {
    backward(gradOutput);
  }

  /**
   * Copies of the weights, in the order and Keras layouts of the API; empty if none.
   *
   * The default copies {@link #parameters()}, which suits a layer without weights.
   *
   * @return a list of copies; changing them does not change the layer
   */
  default List<Tensor> getWeights() {
    List<Tensor> copies = new ArrayList<>();
    for (Tensor w : parameters()) {
      copies.add(w.copy());
    }
    return copies;
  }

  /**
   * Copies the given weights in.
   *
   * @param weights the weights in the order and shapes of {@link #getWeights}; not modified and
   *     not kept
   * @throws IllegalArgumentException on a wrong count or shape
   * @throws IllegalStateException if the layer has weights but is not built
   */
  default void setWeights(List<Tensor> weights) {
    Checks.copyWeights(getClass().getSimpleName(), weights, parameters());
  }

  /**
   * The weight gradients of the last backward, in the order of {@link #getWeights}.
   *
   * The default copies {@link #gradients()}.
   *
   * @return the gradients, one per weight tensor; empty if the layer has no weights
   */
  default List<Tensor> getGradients() {
    List<Tensor> copies = new ArrayList<>();
    for (Tensor g : gradients()) {
      copies.add(g.copy());
    }
    return copies;
  }

  /**
   * The live weight tensors (not copies), in the order of {@link #getWeights}; an optimizer
   * updates them in place. Empty if the layer has no weights.
   *
   * @return the live weight tensors
   */
  default List<Tensor> parameters() {
    return List.of();
  }

  /**
   * The live gradient tensors (not copies) matching {@link #parameters()}, filled by backward.
   *
   * @return the live gradient tensors, one per entry of {@link #parameters()}
   */
  default List<Tensor> gradients() {
    return List.of();
  }

  /**
   * The number of scalar weights.
   *
   * @return the total size of the tensors in {@link #parameters()}
   */
  default int paramCount() {
    int n = 0;
    for (Tensor w : parameters()) {
      n += w.size();
    }
    return n;
  }
}
