package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.NormalDraws;

/**
 * Adds zero-mean Gaussian noise to its input during training; the identity at inference (Keras
 * {@code GaussianNoise}): a regulariser, or random data augmentation for real-valued inputs.
 *
 * <h2>Semantics</h2>
 * In training {@code y = x + n} with {@code n ~ N(0, stddev^2)} drawn independently for every
 * element; at inference {@code y = x}. The noise does not depend on {@code x}, so the gradient is
 * the identity in both modes: {@code dx = dy}.
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code stddev}: any finite value {@code >= 0}, as in Keras 2 and {@code tf.keras} (Keras 3
 *       additionally caps it at 1; this layer does not, since the scale of the input is the
 *       user's). {@code stddev == 0} is exactly the identity and draws nothing.
 *   <li>{@link #seed(long)}: makes the noise repeatable.
 * </ul>
 *
 * <h2>Determinism</h2>
 * The {@code k}-th training forward that draws noise uses the key {@code Rng.key(seed, k)};
 * element {@code i} (row-major) gets {@code x[i] + stddev * NormalDraws.normal(key, i)}. Seeded
 * layers repeat from run to run, successive calls differ, {@link #reseed} restarts the stream,
 * inference and {@code stddev == 0} forwards do not advance it; unseeded layers take a fresh
 * seed.
 *
 * <h2>Monte Carlo</h2>
 * {@code forward(x, true)} draws new noise on every call, also at prediction time.
 *
 * <h2>Memory and backward</h2>
 * Nothing is kept for backward besides the output's shape: backward returns {@code gradOutput}
 * itself and may be called any number of times after a forward.
 *
 * <h2>Thread safety</h2>
 * Inference on a built layer is safe from many threads at once. Training forwards,
 * {@link #reseed} and the setters are confined to one thread at a time.
 *
 * <h2>Shapes</h2>
 * Input: any shape. Output: the input's shape. No weights.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException}: a stddev that is negative, infinite or NaN (named with the
 * value), a gradient whose shape is not the last output's. {@link IllegalStateException}: a setter
 * after build, backward before any forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GaussianNoise noise = new GaussianNoise(0.1).seed(7);
 * Tensor y = noise.forward(x, true);    // x + N(0, 0.01) noise
 * noise.forward(x, false);              // returns x itself
 * }</pre>
 */
public final class GaussianNoise extends RandomLayer<GaussianNoise> {
  private static final String NAME = "GaussianNoise";

  private final double stddev;

  /** The shape of the last forward's output, for backward; {@code null} before any forward. */
  private volatile int[] lastShape;

  /**
   * Additive Gaussian noise of standard deviation {@code stddev}.
   *
   * @param stddev the standard deviation of the noise, finite and {@code >= 0}
   * @throws IllegalArgumentException if {@code stddev} is negative, infinite or NaN
   */
  public GaussianNoise(double stddev) {
    super(NAME);
    this.stddev = Checks.nonNegative(NAME, "stddev", stddev);
  }

  /** {@return the noise's standard deviation} */
  public double stddev() {
    return stddev;
  }

  /**
   * {@code x + noise} in training (Monte Carlo included); {@code x} itself at inference or when
   * {@code stddev == 0}. Never modifies {@code input}.
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    Checks.notNull(NAME, "input", input);
    int[] shape = input.shape();
    if (!built) {
      build(shape);
    }
    lastShape = shape;
    if (!training || stddev == 0) {
      return input;
    }
    double[] x = input.data();
    double[] out = new double[x.length];
    NormalDraws.fill(stream.nextKey(), out, out.length, 0.0, stddev);
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i] + out[i];
    }
    return Tensor.wrap(out, shape);
  }

  /**
   * {@code gradOutput} itself: the noise is additive.
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    int[] shape = Checks.forwardDone(NAME, lastShape);
    Checks.notNull(NAME, "gradOutput", gradOutput);
    Checks.gradShape(NAME, shape, gradOutput);
    return gradOutput;
  }

  /** E.g. {@code GaussianNoise[stddev=0.1, seed=7]}. */
  @Override
  public String toString() {
    return NAME + "[stddev=" + stddev + stream.describe() + "]";
  }
}
