package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutKernels;
import io.github.dropnet.kernels.NoiseKernels;
import io.github.dropnet.kernels.NormalDraws;

/**
 * Multiplies its input by Gaussian noise of mean 1 during training; the identity at inference
 * (Keras {@code GaussianDropout}, Srivastava et al., 2014, section 10).
 *
 * <h2>Semantics</h2>
 * In training, {@code y = x * e} with {@code e ~ N(1, sigma^2)} drawn independently for each
 * element of the noise shape and broadcast over the input, where
 * <pre>
 * sigma = sqrt(rate / (1 - rate))
 * </pre>
 * the standard deviation Keras uses: the noise has the mean and the variance of inverted dropout's
 * multiplier {@code m / (1 - rate)}, so {@code rate} means what it means for {@link Dropout}.
 * {@code E[y] = x}. At inference {@code y = x}. Backward: {@code dx = dy * e} with the noise of the
 * last training forward (at inference {@code dx = dy}).
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code rate}: in [0, 1). Rate 0 is exactly the identity and draws nothing; rate 1 is
 *       rejected, since the noise variance {@code rate / (1 - rate)} would be infinite.
 *   <li>{@code noiseShape} (optional, not in Keras): as {@link Dropout}'s: each entry -1 (the
 *       input's size), 1 (one noise value shared along that axis) or the input's size.
 *   <li>{@link #seed(long)}: makes the noise repeatable; {@link #rateSchedule(RateSchedule)}:
 *       a rate that changes during training (see {@link Scheduled}).
 * </ul>
 *
 * <h2>Determinism</h2>
 * The {@code k}-th training forward ({@code k = 0, 1, ...}) that draws noise uses the key
 * {@code Rng.key(seed, k)}; noise element {@code i} (row-major in the resolved noise shape) is
 * {@code 1 + sigma * z_i} with {@code z_i = NormalDraws.normal(key, i)}, a Box-Muller transform of
 * two counter-based uniforms: a pure function of (seed, call, index). A seeded layer repeats its
 * noise from run to run, successive calls differ, {@link #reseed} restarts the stream, and
 * inference or rate-0 forwards do not advance it. Unseeded layers take a fresh seed.
 *
 * <h2>Monte Carlo</h2>
 * {@code forward(x, true)} draws new noise on every call, at prediction time too: averaging such
 * predictions estimates the predictive distribution, as with Monte Carlo dropout.
 *
 * <h2>Memory</h2>
 * The noise is kept at the noise shape (one double per noise element), only from a training
 * forward to its backward; backward releases it, so a second backward after one training forward
 * throws {@link IllegalStateException}.
 *
 * <h2>Thread safety</h2>
 * Inference on a built layer is safe from many threads at once. Training forwards (Monte Carlo
 * ones included), backward, {@link #reseed}, {@link #onSchedule} and the setters are confined to
 * one thread at a time.
 *
 * <h2>Shapes</h2>
 * Input: any shape (of the noise shape's rank if one is given). Output: the input's shape. No
 * weights.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} naming the layer and the value: a rate outside [0, 1) or NaN;
 * a noise shape of the wrong rank or not fitting the input (both shapes named, at build);
 * a gradient whose shape is not the last output's; a schedule value outside [0, 1).
 * {@link IllegalStateException}: a setter after build; backward before any forward or twice after
 * one training forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GaussianDropout noise = new GaussianDropout(0.2).seed(42);   // sigma = 0.5
 * Tensor y = noise.forward(Tensor.ones(20, 500), true);       // mean about 1, std about 0.5
 * Tensor dx = noise.backward(Tensor.ones(20, 500));           // equals y: dy * e
 * }</pre>
 */
public final class GaussianDropout extends DropoutLayer<GaussianDropout> {
  private static final String NAME = "GaussianDropout";
  private static final String WHY_NOT_ONE =
      "rate 1 would give the noise an infinite variance, rate / (1 - rate)";

  private final NoiseShape noiseShape;

  /** What the last forward left for backward. */
  private final LastPass<Pass> last = new LastPass<>(NAME, "noise");

  /** Immutable, so inference threads can publish it. noise is null unless training drew it. */
  private record Pass(int[] shape, double[] noise, DropoutKernels.Plan plan) {}

  /**
   * Gaussian dropout of the given rate, with noise over the input's full shape.
   *
   * @param rate in [0, 1): the noise has standard deviation {@code sqrt(rate / (1 - rate))}
   * @throws IllegalArgumentException if the rate is outside [0, 1) or NaN
   */
  public GaussianDropout(double rate) {
    this(rate, (int[]) null);
  }

  /**
   * Gaussian dropout whose noise is drawn at {@code noiseShape} and broadcast over the input.
   *
   * @param rate in [0, 1)
   * @param noiseShape of the input's rank: each entry -1, 1 or the input's size; {@code null}
   *     for the input's full shape
   * @throws IllegalArgumentException if the rate is outside [0, 1) or NaN (the noise shape is
   *     checked at build, against the input shape)
   */
  public GaussianDropout(double rate, int... noiseShape) {
    super(NAME, ScheduledRate.belowOne(NAME, "rate", rate, WHY_NOT_ONE));
    this.noiseShape = new NoiseShape(NAME, noiseShape);
  }

  /** {@return the noise's standard deviation, {@code sqrt(rate / (1 - rate))}} */
  public double stddev() {
    return stddev(rate.value());
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
   * {@code x * e} in training (Monte Carlo included), {@code x} itself at inference or rate 0.
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
      last.keep(new Pass(shape, null, null), training);
      return input;
    }
    DropoutKernels.Plan p = noiseShape.plan(shape, noise);
    double[] e = new double[p.noiseSize()];
    NormalDraws.fill(stream.nextKey(), e, e.length, 1.0, stddev(rate));
    double[] out = new double[p.size()];
    NoiseKernels.multiply(input.data(), out, e, p);
    last.keep(new Pass(shape, e, p), true);
    return Tensor.wrap(out, shape);
  }

  /**
   * {@code dy * e} with the noise of the last training forward, which it releases; {@code dy}
   * itself after an inference or rate-0 forward. After a training forward exactly one backward
   * may follow.
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
    if (pass.noise() == null) {
      return gradOutput; // inference or rate 0
    }
    double[] dx = new double[pass.plan().size()];
    NoiseKernels.multiply(gradOutput.data(), dx, pass.noise(), pass.plan());
    return Tensor.wrap(dx, pass.shape());
  }

  /** E.g. {@code GaussianDropout[rate=0.2, noiseShape=(-1, 1, 4), seed=42]}. */
  @Override
  public String toString() {
    return NAME + "[rate=" + rate.value() + noiseShape.describe() + stream.describe() + "]";
  }

  /** The live noise of the last training forward, or null (for tests). */
  double[] noise() {
    Pass pass = last.peek();
    return pass == null ? null : pass.noise();
  }

  /** The noise's standard deviation at a rate, {@code sqrt(rate / (1 - rate))}. */
  private static double stddev(double rate) {
    return Math.sqrt(rate / (1.0 - rate));
  }
}
