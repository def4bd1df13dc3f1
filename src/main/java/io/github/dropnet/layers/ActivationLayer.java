package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/**
 * Applies an activation function to its input: {@code y = activation(x)} (Keras'
 * {@code Activation} layer).
 *
 * <p>{@link Activation#RELU}, {@link Activation#SIGMOID}, {@link Activation#TANH} and
 * {@link Activation#LINEAR} act element-wise; {@link Activation#SOFTMAX} is taken over the last
 * axis, {@code exp(x - max) / sum(exp(x - max))}, so logits of +-1000 give no overflow and no NaN.
 * Backward uses only the cached output: {@code dx = dy * f'(x)} expressed through {@code y}
 * (for softmax {@code dx = y * (dy - sum(dy * y))} per row).
 *
 * <h2>Arguments</h2>
 * {@code activation}: the function, not null. The layer has no weights.
 *
 * <h2>Shapes</h2>
 * Input: any shape (rank {@code >= 1} for softmax, which needs a last axis). Output: the same
 * shape. Unlike {@link Dense}, the layer does not fix its input shape when built.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Layer softmax = new ActivationLayer(Activation.SOFTMAX);
 * Tensor p = softmax.forward(Tensor.of(new double[] {1000, 0, -1000}, 1, 3));  // rows sum to 1
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for a null activation, a rank-0 input to softmax, a gradient
 * of the wrong shape, or a non-empty weight list; {@link IllegalStateException} for backward
 * before forward.
 *
 * <h2>Thread safety</h2>
 * Immutable configuration: inference ({@code forward(x, false)}) may run from many threads at
 * once, each call allocating its output. Training (forward then backward) is confined to one
 * thread at a time. Forward keeps a reference to its output (not a copy) for backward: do not
 * modify it in between.
 */
public final class ActivationLayer implements Layer {
  private static final String NAME = "ActivationLayer";

  private final Activation activation;

  /** What backward needs from the last forward, written once at the end of forward. */
  private Cache cache;

  private record Cache(Tensor output, int rows, int cols) {}

  /**
   * A layer applying {@code activation}.
   *
   * @param activation the function applied element-wise (or over the last axis for softmax)
   * @throws IllegalArgumentException if {@code activation} is null
   */
  public ActivationLayer(Activation activation) {
    this.activation = Checks.notNull(NAME, "activation", activation);
  }

  /**
   * The activation.
   *
   * @return the function this layer applies
   */
  public Activation activation() {
    return activation;
  }

  /**
   * Checks the shape; there are no weights to create.
   *
   * @throws IllegalArgumentException if an entry is below -1, or the shape has rank 0 for softmax
   */
  @Override
  public void build(int... inputShape) {
    checkShape(inputShape);
  }

  /**
   * The input shape itself.
   *
   * @throws IllegalArgumentException as {@link #build}
   */
  @Override
  public int[] outputShape(int... inputShape) {
    checkShape(inputShape);
    return inputShape.clone();
  }

  private void checkShape(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    boolean ok = activation != Activation.SOFTMAX || shape.length >= 1;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = shape[i] >= -1;
    }
    if (!ok) {
      String expected = activation == Activation.SOFTMAX
          ? "rank >= 1 (softmax is taken over the last axis)"
          : "any rank";
      throw new IllegalArgumentException(
          NAME + ": expected an input of " + expected
              + " with sizes >= 0 (or -1 where not fixed), received shape "
              + Shapes.format(shape));
    }
  }

  /**
   * {@code activation(input)}, in a new tensor. The flag {@code training} changes nothing here.
   *
   * @throws IllegalArgumentException for a rank-0 input to softmax
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] shape = Checks.notNull(NAME, "input", input).shape();
    checkShape(shape);
    int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
    int rows = cols == 0 ? 0 : input.size() / cols;
    double[] y = input.toArray();
    activation.apply(y, rows, cols);
    Tensor output = Tensor.wrap(y, shape);
    cache = new Cache(output, rows, cols);
    return output;
  }

  /**
   * The gradient with respect to the last forward's input, computed from its output.
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache c = Checks.forwardDone(NAME, cache);
    Checks.gradShape(NAME, c.output().shape(), gradOutput);
    double[] dx = gradOutput.toArray();
    activation.backward(c.output().data(), dx, c.rows(), c.cols());
    return Tensor.wrap(dx, gradOutput.shape());
  }

  /** {@code ActivationLayer[activation=RELU]}. */
  @Override
  public String toString() {
    return NAME + "[activation=" + activation + "]";
  }
}
