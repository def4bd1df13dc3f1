package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutKernels;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.NoiseKernels;

/**
 * Dropout for self-normalising networks (Klambauer et al., 2017): keeps the mean and variance of
 * its input, so a {@link Activation#SELU SELU} network stays normalised (Keras and PyTorch
 * {@code AlphaDropout}). The identity at inference.
 *
 * <h2>Semantics</h2>
 * Instead of zero, a dropped unit takes SELU's negative saturation value
 * {@code alpha' = -lambda * alpha = -1.7580993408473766}; an affine map then restores zero mean
 * and unit variance for inputs that have them. With a keep mask {@code m} (0 with probability
 * {@code rate}, else 1, drawn at the noise shape and broadcast):
 * <pre>
 * a = ((1 - rate) * (1 + rate * alpha'^2))^(-1/2)
 * b = -a * alpha' * rate
 * y = a * (x * m + alpha' * (1 - m)) + b
 * </pre>
 * that is {@code a * x + b} where kept and the constant {@code a * alpha' + b} where dropped. For a
 * ones input at rate 0.5 the output takes exactly two values, {@code a + b = 1.66559882...} and
 * {@code a * alpha' + b = -0.77919393...}, as PyTorch's. A dropped element is written as that
 * constant, never computed from {@code x}, so an infinite or NaN input there does not leak into
 * the output (Keras would give NaN). Backward: {@code dx = dy * a * m}. Inference: {@code y = x},
 * {@code dx = dy}.
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code rate}: the fraction of units dropped, in [0, 1). Rate 0 is exactly the identity and
 *       draws nothing. Rate 1 is rejected: it drops every unit and
 *       {@code a = ((1 - rate) ...)^(-1/2)} is infinite (Keras returns NaN, PyTorch zeros).
 *   <li>{@code noiseShape} (optional): as {@link Dropout}'s, each entry -1, 1 or the input's size.
 *   <li>{@link #seed(long)}; {@link #rateSchedule(RateSchedule)} (see {@link Scheduled}).
 * </ul>
 *
 * <h2>Determinism</h2>
 * As {@link Dropout}: the {@code k}-th training forward that draws a mask uses
 * {@code Rng.key(seed, k)}, and element {@code i} of the noise shape is kept iff
 * {@code DropoutMask.kept(key, threshold(rate), i)} (as Dropout documents), so a Dropout and an
 * AlphaDropout of the same seed and rate drop the same units. {@link #reseed} restarts the stream;
 * inference and rate-0 forwards do not advance it.
 *
 * <h2>Monte Carlo</h2>
 * {@code forward(x, true)} draws a new mask on every call, at prediction time too.
 *
 * <h2>Memory</h2>
 * The mask is kept at the noise shape, one bit per element, from a training forward to its
 * backward, which releases it: a second backward after one training forward throws.
 *
 * <h2>Thread safety</h2>
 * Inference on a built layer is safe from many threads at once; training forwards, backward,
 * {@link #reseed}, {@link #onSchedule} and the setters are confined to one thread at a time.
 *
 * <h2>Shapes</h2>
 * Input: any shape (of the noise shape's rank if one is given). Output: the input's shape. No
 * weights.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} naming the layer and the value: a rate outside [0, 1) or NaN;
 * a noise shape of the wrong rank or not fitting the input (both shapes named, at build);
 * a gradient of the wrong shape; a schedule value outside [0, 1). {@link IllegalStateException}:
 * a setter after build; backward before any forward or twice after one training forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Sequential snn = new Sequential(
 *     new Dense(64).activation(Activation.SELU).kernelInitializer(KernelInitializer.LECUN_NORMAL),
 *     new AlphaDropout(0.1).seed(3),
 *     new Dense(10).kernelInitializer(KernelInitializer.LECUN_NORMAL));
 * }</pre>
 */
public final class AlphaDropout extends DropoutLayer<AlphaDropout> {
  private static final String NAME = "AlphaDropout";
  private static final String WHY_NOT_ONE =
      "rate 1 drops every unit and the scale a = ((1 - rate)(1 + rate * alpha'^2))^(-1/2) is"
          + " infinite";

  /** SELU's negative saturation, {@code -scale * alpha = -1.7580993408473766}. */
  public static final double ALPHA_PRIME = -Activation.SELU_SCALE * Activation.SELU_ALPHA;

  private final NoiseShape noiseShape;

  /** What the last forward left for backward. */
  private final LastPass<Pass> last = new LastPass<>(NAME, "mask");

  /** Immutable. mask is null unless a training forward drew one; a is that forward's scale. */
  private record Pass(int[] shape, long[] mask, DropoutKernels.Plan plan, double a) {}

  /**
   * Alpha dropout of the given rate, with a mask over the input's full shape.
   *
   * @param rate the fraction of units dropped in training, in [0, 1)
   * @throws IllegalArgumentException if the rate is outside [0, 1) or NaN
   */
  public AlphaDropout(double rate) {
    this(rate, (int[]) null);
  }

  /**
   * Alpha dropout whose mask is drawn at {@code noiseShape} and broadcast over the input.
   *
   * @param rate the fraction of units dropped in training, in [0, 1)
   * @param noiseShape of the input's rank: each entry -1, 1 or the input's size; {@code null}
   *     for the input's full shape
   * @throws IllegalArgumentException if the rate is outside [0, 1) or NaN (the noise shape is
   *     checked at build, against the input shape)
   */
  public AlphaDropout(double rate, int... noiseShape) {
    super(NAME, ScheduledRate.belowOne(NAME, "rate", rate, WHY_NOT_ONE));
    this.noiseShape = new NoiseShape(NAME, noiseShape);
  }

  /**
   * The affine scale {@code a = ((1 - rate) * (1 + rate * alpha'^2))^(-1/2)} of a rate.
   *
   * @param rate the drop rate, in [0, 1)
   * @return the scale {@code a}
   * @throws IllegalArgumentException if the rate is outside [0, 1)
   */
  public static double scale(double rate) {
    Checks.rateBelowOne(NAME, "rate", rate, WHY_NOT_ONE);
    return StrictMath.pow((1 - rate) * (1 + rate * ALPHA_PRIME * ALPHA_PRIME), -0.5);
  }

  /**
   * The affine shift {@code b = -a * alpha' * rate} of a rate.
   *
   * @param rate the drop rate, in [0, 1)
   * @return the shift {@code b}
   * @throws IllegalArgumentException if the rate is outside [0, 1)
   */
  public static double shift(double rate) {
    return -scale(rate) * ALPHA_PRIME * rate;
  }

  /** {@return a copy of the noise shape as given, or {@code null} for the input's full shape} */
  public int[] noiseShape() {
    return noiseShape.given();
  }

  /** Checks the noise shape against the input shape's fixed entries. */
  @Override
  void checkInputShape(int[] inputShape) {
    noiseShape.resolve(inputShape);
  }

  /**
   * Alpha dropout in training (Monte Carlo included); {@code x} itself at inference or rate 0.
   * Never modifies {@code input}.
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    Checks.notNull(NAME, "input", input);
    int[] shape = input.shape();
    if (!built) {
      build(shape);
    }
    int[] noise = noiseShape.resolve(shape);
    double rate = this.rate.value();
    if (!training || rate == 0) {
      last.keep(new Pass(shape, null, null, 1), training);
      return input;
    }
    DropoutKernels.Plan p = noiseShape.plan(shape, noise);
    long[] mask =
        DropoutMask.create(stream.nextKey(), DropoutMask.threshold(rate), p.noiseSize());
    double a = scale(rate);
    double b = -a * ALPHA_PRIME * rate;
    double[] out = new double[p.size()];
    NoiseKernels.affineMask(input.data(), out, mask, p, a, b, a * ALPHA_PRIME + b);
    last.keep(new Pass(shape, mask, p, a), true);
    return Tensor.wrap(out, shape);
  }

  /**
   * {@code dy * a * m} with the mask of the last training forward, which it releases;
   * {@code dy} itself after an inference or rate-0 forward. After a training forward exactly one
   * backward may follow.
   *
   * @throws IllegalStateException before any forward, or on a second backward after one training
   *     forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Pass pass = last.forBackward();
    Checks.notNull(NAME, "gradOutput", gradOutput);
    Checks.gradShape(NAME, pass.shape(), gradOutput);
    last.release();
    if (pass.mask() == null) {
      return gradOutput; // inference or rate 0
    }
    double[] dx = new double[pass.plan().size()];
    DropoutKernels.apply(gradOutput.data(), dx, pass.mask(), pass.plan(), pass.a());
    return Tensor.wrap(dx, pass.shape());
  }

  /** E.g. {@code AlphaDropout[rate=0.1, noiseShape=(-1, 1, 4), seed=3]}. */
  @Override
  public String toString() {
    return NAME + "[rate=" + rate.value() + noiseShape.describe() + stream.describe() + "]";
  }

  /** The live mask of the last training forward, or null (for tests). */
  long[] maskBits() {
    Pass pass = last.peek();
    return pass == null ? null : pass.mask();
  }
}
