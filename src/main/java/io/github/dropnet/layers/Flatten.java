package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/**
 * Flattens every axis but the batch: {@code (N, d1, ..., dk)} becomes
 * {@code (N, d1 * ... * dk)}.
 *
 * <p>The elements keep their memory (row-major) order: output element {@code (n, j)} is input
 * element {@code n * (d1*...*dk) + j} of the flat data. No axis is moved, so a channels-first
 * tensor {@code (N, C, H, W)} flattens in C, H, W order (Keras' {@code Flatten} with its default
 * data format). Backward reshapes the gradient back to the input's shape.
 *
 * <h2>Shapes</h2>
 * Input of rank {@code >= 2}: a batch axis and at least one more. Output {@code (N, d1*...*dk)};
 * in {@link #outputShape} a batch of -1 stays -1, and the flattened size is -1 if any non-batch
 * axis is -1. A rank-1 input {@code (N,)} is rejected: Keras 3 would silently turn it into
 * {@code (N, 1)}, but here such an input is far more often a mistake (labels, a forgotten batch
 * axis); write {@code x.reshape(-1, 1)} to mean it. The layer has no weights and does not fix its
 * input shape when built.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Layer flatten = new Flatten();
 * Tensor y = flatten.forward(Tensor.zeros(2, 3, 4, 5));   // shape (2, 60)
 * int[] s = flatten.outputShape(-1, 3, 4, 5);             // (-1, 60)
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for an input of rank {@code < 2}, a size below -1, a gradient
 * of the wrong shape, or a non-empty weight list; {@link IllegalStateException} for backward
 * before forward.
 *
 * <h2>Thread safety</h2>
 * Stateless configuration: inference ({@code forward(x, false)}) may run from many threads at
 * once; each call returns a new tensor (a copy, never a view of the input). Training (forward then
 * backward) is confined to one thread at a time.
 */
public final class Flatten implements Layer {
  private static final String NAME = "Flatten";

  /** What backward needs from the last forward, written once at the end of forward. */
  private Cache cache;

  private record Cache(int[] inputShape, int[] outputShape) {}

  /** A flatten layer. */
  public Flatten() {}

  /**
   * Checks the shape; there are no weights to create.
   *
   * @throws IllegalArgumentException if the rank is below 2 or an entry is below -1
   */
  @Override
  public void build(int... inputShape) {
    checkShape(inputShape);
  }

  /**
   * {@code (N, d1, ..., dk)} gives {@code (N, d1*...*dk)}; -1 for the second entry if any
   * {@code di} is -1.
   *
   * @throws IllegalArgumentException if the rank is below 2 or an entry is below -1
   */
  @Override
  public int[] outputShape(int... inputShape) {
    checkShape(inputShape);
    long flat = 1;
    for (int i = 1; i < inputShape.length; i++) {
      if (inputShape[i] == -1) {
        return new int[] {inputShape[0], -1};
      }
      flat *= inputShape[i];
    }
    if (flat > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          NAME + ": the flattened size of shape " + Shapes.format(inputShape)
              + " exceeds " + Integer.MAX_VALUE);
    }
    return new int[] {inputShape[0], (int) flat};
  }

  private static void checkShape(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    boolean ok = shape.length >= 2;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = shape[i] >= -1;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          NAME + ": expected an input of rank >= 2 (a batch axis and at least one more) with sizes"
              + " >= 0 (or -1 where not fixed), received shape " + Shapes.format(shape));
    }
  }

  /**
   * A copy of the input in shape {@code (N, d1*...*dk)}. The flag {@code training} changes
   * nothing here.
   *
   * @throws IllegalArgumentException if the input's rank is below 2
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] inShape = Checks.notNull(NAME, "input", input).shape();
    int[] outShape = outputShape(inShape);
    Tensor output = Tensor.of(input.data(), outShape);
    cache = new Cache(inShape, outShape);
    return output;
  }

  /**
   * The gradient reshaped (copied) back to the last forward's input shape.
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache c = Checks.forwardDone(NAME, cache);
    Checks.gradShape(NAME, c.outputShape(), gradOutput);
    return Tensor.of(gradOutput.data(), c.inputShape());
  }

  /** {@code Flatten[]}. */
  @Override
  public String toString() {
    return NAME + "[]";
  }
}
