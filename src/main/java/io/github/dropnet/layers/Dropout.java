package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutKernels;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.FreshArrays;

/**
 * Randomly zeroes a fraction {@code rate} of its input's units during training and scales the
 * others so the expected value is unchanged; the identity at inference (Keras {@code Dropout},
 * Srivastava et al., 2014).
 *
 * <h2>Semantics</h2>
 * {@code rate} is the fraction of units <em>dropped</em> (not kept), {@code 0 <= rate <= 1}. In
 * training a fresh mask {@code m}, with {@code m = 0} (drop) with probability {@code rate} and
 * {@code m = 1} (keep) otherwise, independently for each element of the noise shape, multiplies
 * the input:
 * <table>
 *   <caption>Output and input gradient by scaling and mode</caption>
 *   <tr><th>{@link Scaling}</th><th>training</th><th>inference</th></tr>
 *   <tr><td>{@link Scaling#INVERTED INVERTED} (default)</td>
 *       <td>{@code y = x * m / (1 - rate)}, {@code dx = dy * m / (1 - rate)}</td>
 *       <td>{@code y = x}, {@code dx = dy}</td></tr>
 *   <tr><td>{@link Scaling#AT_INFERENCE AT_INFERENCE}</td>
 *       <td>{@code y = x * m}, {@code dx = dy * m}</td>
 *       <td>{@code y = x * (1 - rate)}, {@code dx = dy * (1 - rate)}</td></tr>
 * </table>
 * A kept element is {@code x * (1 / (1 - rate))}, the scale rounded once as TensorFlow computes
 * it (for rate 0.5 the scale is exactly 2). A dropped element is written as {@code 0.0}, never
 * computed as {@code x * 0}, so an infinite or NaN input at a dropped position gives 0 (Keras'
 * {@code where(keep, x * scale, 0)}).
 *
 * <h2>Noise shape</h2>
 * By default every element gets its own mask value. A noise shape, of the input's rank, draws the
 * mask at a smaller shape and broadcasts it (NumPy rules) over the input: each entry is
 * {@code -1} (one mask value per index of that axis: take the input's size, as Keras'
 * {@code None}), {@code 1} (one mask value shared along the whole axis) or the input's size on
 * that axis. For an input of shape {@code (batch, timesteps, features) = (2, 3, 4)}, noise shape
 * {@code (2, 1, 4)} (or {@code (-1, 1, -1)}, which also fits any batch size and feature count)
 * draws one mask value per (sample, feature) and shares it across the three timesteps:
 * <pre>{@code
 * mask drawn at (2, 1, 4):   [[[1, 1, 1, 0]],     broadcast to (2, 3, 4):   [[[1, 1, 1, 0],
 *                             [[1, 0, 0, 1]]]                                 [1, 1, 1, 0],
 *                                                                             [1, 1, 1, 0]],
 *                                                                            [[1, 0, 0, 1],
 *                                                                             [1, 0, 0, 1],
 *                                                                             [1, 0, 0, 1]]]
 * }</pre>
 * so a feature is either kept at every timestep of a sample or dropped at every one. Spatial
 * dropout ({@link #spatial1D(double, DataFormat) spatial1D}, {@link #spatial2D(double, DataFormat)
 * spatial2D}, {@link #spatial3D(double, DataFormat) spatial3D}) is this with a noise shape that
 * keeps the batch and channel axes and is 1 on the others: whole feature maps are dropped.
 *
 * <p>The mask is kept at the noise shape, never at the input's shape, at one bit per noise
 * element, and only from a training forward to its backward.
 *
 * <h2>Scaling</h2>
 * {@link Scaling#INVERTED} (Keras, PyTorch, the default) scales during training so inference is
 * free; {@link Scaling#AT_INFERENCE} is the original form of Hinton et al. (2012) and Srivastava
 * et al. (2014): training only masks, inference multiplies by the keep probability. Both give a
 * layer whose expected training output equals its inference output.
 *
 * <h2>Limits</h2>
 * {@code rate == 1} gives exact zeros (even for infinite inputs) and a zero gradient in training,
 * with either scaling, and at inference with {@link Scaling#AT_INFERENCE AT_INFERENCE} (with
 * {@link Scaling#INVERTED INVERTED}, inference is the identity whatever the rate).
 * {@code rate == 0} is exactly the identity in every mode: the input itself is returned, and no
 * random numbers are drawn (the stream does not advance).
 *
 * <h2>Backward</h2>
 * {@link #backward backward} uses the mask of the last forward. Backward releases that mask,
 * so after a training forward exactly one backward may follow; a second one throws
 * {@link IllegalStateException} (as PyTorch without {@code retain_graph}) rather than silently
 * reusing or inventing a mask. After an inference forward, which needs no mask, backward may be
 * called any number of times.
 *
 * <h2>Determinism</h2>
 * A layer's masks form one stream: the {@code k}-th training forward ({@code k = 0, 1, ...})
 * that draws a mask uses a counter-based key derived from {@code (seed, k)}, and the bit of
 * noise element {@code i} (in row-major order of the resolved noise shape) is a pure function of
 * that key and {@code i}: a 32-bit draw, bit-sliced from SplitMix64 hashes of the key and the
 * element's word (as the kernels' {@code DropoutMask} defines it), compared with
 * {@code rate * 2^32}, so {@code P(drop)} is the rate to within {@code 2^-33}. So a seeded layer
 * gives the same sequence of masks in every run, on any machine and whatever the thread count,
 * while successive calls give new masks. An unseeded layer takes a fresh seed when constructed,
 * so two unseeded layers, or two runs, differ.
 * {@link #reseed} restarts the stream as if the layer had been created with {@code .seed(seed)}.
 * Inference forwards, and training forwards at rate 0 or 1, do not advance the stream.
 *
 * <h2>Monte Carlo dropout</h2>
 * {@code forward(x, true)} keeps dropout on whatever else is going on, including at prediction
 * time. Averaging several such predictions estimates the predictive mean and its spread (Gal and
 * Ghahramani, 2016), which Keras users get with a permanently-on dropout layer
 * ({@code Lambda(lambda x: K.dropout(x, level=rate))}) or {@code model(x, training=True)}:
 * <pre>{@code
 * Dropout drop = new Dropout(0.3).seed(7);
 * Tensor sum = Tensor.zeros(x.shape());
 * for (int t = 0; t < 100; t++) {
 *   sum = sum.add(drop.forward(x, true));  // a new mask on every call
 * }
 * Tensor mean = sum.mul(1.0 / 100);          // about x: the scaling keeps the mean
 * }</pre>
 * {@code Sequential.predict(x, true)} does the same for a whole model; {@link #reseed} makes a
 * Monte Carlo run repeatable.
 *
 * <h2>Thread safety</h2>
 * Inference ({@code forward(x, false)}) on a built layer is safe from many threads at once and
 * changes nothing the output depends on. Training forwards (Monte Carlo ones included), backward,
 * {@link #reseed} and the setters are confined to one thread at a time: a training forward
 * advances the stream and keeps the mask for backward. For Monte Carlo predictions on several
 * threads, give each thread its own layer with its own seed.
 *
 * <h2>Shapes</h2>
 * Input: any shape (as Keras' Dropout, the layer has no input spec); with a noise shape, of the
 * noise shape's rank and fitting it. Output: the input's shape. No weights.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException}, naming the layer and the value received: a rate outside
 * [0, 1] or NaN; a noise shape whose rank differs from the input's or whose entry is neither -1,
 * 1 nor the input's size, 0 and entries below -1 included (naming both shapes; at
 * {@link #build build} for those and against the input's fixed sizes, at {@link #forward forward}
 * against the sizes known only then); a
 * gradient whose shape is not the last output's. {@link IllegalStateException}: a setter after
 * the layer is built; backward before any forward, or a second backward after one training
 * forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Dropout drop = new Dropout(0.5, -1, 1, -1).seed(42);   // one mask per (sample, feature)
 * Tensor x = Tensor.ones(2, 3, 4);
 * Tensor y = drop.forward(x, true);     // each y[b, :, f] is all 2.0 or all 0.0
 * Tensor dx = drop.backward(Tensor.ones(2, 3, 4));   // the same mask, scaled by 2
 * drop.forward(x, false);               // returns x itself
 * }</pre>
 */
public final class Dropout extends DropoutLayer<Dropout> {

  /** When dropout rescales: during training (the default) or at inference. */
  public enum Scaling {
    /**
     * Inverted dropout (Keras, PyTorch): training {@code y = x * m / (1 - rate)}, inference
     * {@code y = x}.
     */
    INVERTED,
    /**
     * The original form: training {@code y = x * m}, inference {@code y = x * (1 - rate)}, the
     * expected training output.
     */
    AT_INFERENCE
  }

  private static final String NAME = "Dropout";

  private final NoiseShape noiseShape;
  private Scaling scaling = Scaling.INVERTED;

  /** What the last forward left for backward. */
  private final LastPass<Pass> last = new LastPass<>(NAME, "mask");
  /**
   * Whether backward follows training forwards, as in training: then a large training forward
   * allocates the backward's gradient array beside its output (see {@link FreshArrays}). Monte
   * Carlo predictions, which never call backward, do not.
   */
  private final BackwardForecast forecast = new BackwardForecast();

  /** Tensors from this many elements (16 MiB) get their backward's array at forward time. */
  private static final int PREPARE_GRADIENT_FROM = 1 << 21;

  /**
   * What one forward leaves for backward; immutable, so inference threads can publish it.
   *
   * @param rate the rate of that forward: a schedule may change the layer's rate before backward
   * @param mask the mask of a training forward at 0 &lt; rate &lt; 1, at the noise shape; else null
   * @param gradient a fresh array for backward's result, allocated with the output; or null
   */
  private record Pass(double rate, int[] shape, boolean training, long[] mask,
      DropoutKernels.Plan plan, double[] gradient) {}

  /**
   * Dropout of rate 0.5, with a mask over the input's full shape: the default of PyTorch's
   * {@code nn.Dropout()} and of the classic textbook layer (Keras asks for the rate).
   */
  public Dropout() {
    this(0.5);
  }

  /**
   * Dropout of the given rate, with a mask over the input's full shape.
   *
   * @param rate the fraction of units dropped, in [0, 1]
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN
   */
  public Dropout(double rate) {
    this(rate, (int[]) null);
  }

  /**
   * Dropout of the given rate whose mask is drawn at {@code noiseShape} and broadcast over the
   * input (see the class documentation).
   *
   * @param rate the fraction of units dropped, in [0, 1]
   * @param noiseShape the mask's shape, of the input's rank: each entry -1 (the input's size), 1
   *     (shared along that axis) or the input's size; {@code null} means the input's full shape,
   *     as {@link #Dropout(double)}
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN (the noise shape is
   *     checked at {@link #build build}, against the input shape)
   */
  public Dropout(double rate, int... noiseShape) {
    super(NAME, ScheduledRate.closed(NAME, "rate", rate));
    this.noiseShape = new NoiseShape(NAME, noiseShape);
  }

  /**
   * Spatial dropout for 1-D data, Keras' {@code SpatialDropout1D}: drops whole channels. Noise
   * shape {@code (-1, 1, -1)} for {@code (N, steps, C)} ({@code CHANNELS_LAST}) or
   * {@code (-1, -1, 1)} for {@code (N, C, steps)} ({@code CHANNELS_FIRST}).
   *
   * @param rate the fraction of channels dropped, in [0, 1]
   * @param format where the channel axis is
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN, or the format is null
   */
  public static Dropout spatial1D(double rate, DataFormat format) {
    return new Dropout(rate, spatialNoise(3, format));
  }

  /**
   * {@link #spatial1D(double, DataFormat)} for channels-last data, {@code (N, steps, C)}.
   *
   * @param rate the fraction of channels dropped, in [0, 1]
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN
   */
  public static Dropout spatial1D(double rate) {
    return spatial1D(rate, DataFormat.CHANNELS_LAST);
  }

  /**
   * Spatial dropout for images, Keras' {@code SpatialDropout2D}: drops whole feature maps. Noise
   * shape {@code (-1, 1, 1, -1)} for {@code (N, H, W, C)} ({@code CHANNELS_LAST}) or
   * {@code (-1, -1, 1, 1)} for {@code (N, C, H, W)} ({@code CHANNELS_FIRST}).
   *
   * @param rate the fraction of feature maps dropped, in [0, 1]
   * @param format where the channel axis is
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN, or the format is null
   */
  public static Dropout spatial2D(double rate, DataFormat format) {
    return new Dropout(rate, spatialNoise(4, format));
  }

  /**
   * {@link #spatial2D(double, DataFormat)} for channels-last images, {@code (N, H, W, C)}.
   *
   * @param rate the fraction of feature maps dropped, in [0, 1]
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN
   */
  public static Dropout spatial2D(double rate) {
    return spatial2D(rate, DataFormat.CHANNELS_LAST);
  }

  /**
   * Spatial dropout for volumes, Keras' {@code SpatialDropout3D}: drops whole feature volumes.
   * Noise shape {@code (-1, 1, 1, 1, -1)} for {@code (N, D, H, W, C)} ({@code CHANNELS_LAST}) or
   * {@code (-1, -1, 1, 1, 1)} for {@code (N, C, D, H, W)} ({@code CHANNELS_FIRST}).
   *
   * @param rate the fraction of feature volumes dropped, in [0, 1]
   * @param format where the channel axis is
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN, or the format is null
   */
  public static Dropout spatial3D(double rate, DataFormat format) {
    return new Dropout(rate, spatialNoise(5, format));
  }

  /**
   * {@link #spatial3D(double, DataFormat)} for channels-last volumes, {@code (N, D, H, W, C)}.
   *
   * @param rate the fraction of feature volumes dropped, in [0, 1]
   * @return a new, unbuilt layer
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN
   */
  public static Dropout spatial3D(double rate) {
    return spatial3D(rate, DataFormat.CHANNELS_LAST);
  }

  private static int[] spatialNoise(int rank, DataFormat format) {
    Checks.notNull(NAME, "data format", format);
    int[] noise = new int[rank];
    java.util.Arrays.fill(noise, 1);
    noise[0] = -1;
    noise[format == DataFormat.CHANNELS_LAST ? rank - 1 : 1] = -1;
    return noise;
  }

  /**
   * Chooses when the layer rescales; {@link Scaling#INVERTED} by default.
   *
   * @param scaling whether kept units are scaled up in training or all units scaled down at
   *     inference
   * @return this layer
   * @throws IllegalArgumentException if {@code scaling} is null
   * @throws IllegalStateException if the layer is already built
   */
  public Dropout scaling(Scaling scaling) {
    Checks.notBuilt(NAME, built, "scaling");
    this.scaling = Checks.notNull(NAME, "scaling", scaling);
    return this;
  }

  /**
   * A copy of the noise shape as given (with its -1 entries), or {@code null} when the mask has
   * the input's full shape (Keras' {@code noise_shape=None}); {@code new Dropout(d.rate(),
   * d.noiseShape())} has the same configuration.
   *
   * @return a copy of the noise shape, or {@code null} for the input's full shape
   */
  public int[] noiseShape() {
    return noiseShape.given();
  }

  /** {@return when the layer rescales} */
  public Scaling scaling() {
    return scaling;
  }

  /** Checks the noise shape against the input shape's fixed entries. */
  @Override
  void checkInputShape(int[] inputShape) {
    noiseShape.resolve(inputShape);
  }

  /**
   * Applies dropout ({@code training == true}, also for Monte Carlo predictions) or its inference
   * form. Never modifies {@code input}; returns {@code input} itself when the result is the
   * identity (inference with {@code INVERTED} scaling, or rate 0) and a new tensor otherwise.
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
    if (!training) {
      last.keep(new Pass(rate, shape, false, null, null, null), false);
      return scaling == Scaling.INVERTED ? input : times(input, 1 - rate);
    }
    if (rate == 0 || rate == 1) {
      last.keep(new Pass(rate, shape, true, null, null, null), true);
      return rate == 0 ? input : Tensor.zeros(shape);
    }
    DropoutKernels.Plan p = noiseShape.plan(shape, noise);
    long key = stream.nextKey();
    long threshold = DropoutMask.threshold(rate);
    long[] mask = new long[DropoutMask.words(p.noiseSize())];
    double[] out;
    double[] gradient = null;
    if (forecast.trainingForward() && p.size() >= PREPARE_GRADIENT_FROM) {
      double[][] both = FreshArrays.doubles(p.size(), p.size());
      out = both[0];
      gradient = both[1];
    } else {
      out = new double[p.size()];
    }
    if (p.full()) {
      DropoutKernels.forwardFull(
          key, threshold, input.data(), out, mask, p.size(), trainScale(rate));
    } else {
      DropoutMask.fill(key, threshold, mask, p.noiseSize());
      DropoutKernels.apply(input.data(), out, mask, p, trainScale(rate));
    }
    last.keep(new Pass(rate, shape, true, mask, p, gradient), true);
    return Tensor.wrap(out, shape);
  }

  /**
   * The gradient with respect to the input of the last forward: {@code gradOutput} masked and
   * scaled as that forward was (see the class documentation). Returns {@code gradOutput} itself
   * when the gradient is the identity. Releases the mask of a training forward.
   *
   * @throws IllegalStateException before any forward, or on a second backward after one
   *     training forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Pass pass = last.forBackward();
    Checks.notNull(NAME, "gradOutput", gradOutput);
    Checks.gradShape(NAME, pass.shape(), gradOutput);
    if (!pass.training()) {
      return scaling == Scaling.INVERTED ? gradOutput : times(gradOutput, 1 - pass.rate());
    }
    last.release();
    forecast.backward();
    if (pass.rate() == 0 || pass.rate() == 1) {
      return pass.rate() == 0 ? gradOutput : Tensor.zeros(pass.shape());
    }
    double[] dx = pass.gradient() != null ? pass.gradient() : new double[pass.plan().size()];
    DropoutKernels.apply(
        gradOutput.data(), dx, pass.mask(), pass.plan(), trainScale(pass.rate()));
    return Tensor.wrap(dx, pass.shape());
  }

  /**
   * The configuration, e.g. {@code Dropout[rate=0.5, noiseShape=(-1, 1, 4), scaling=INVERTED]};
   * the noise shape appears only when one was given, the seed only when one was set.
   */
  @Override
  public String toString() {
    return NAME + "[rate=" + rate.value() + noiseShape.describe() + ", scaling=" + scaling
        + stream.describe() + "]";
  }

  /** The live mask of the last training forward, or null once released (for tests). */
  long[] maskBits() {
    Pass pass = last.peek();
    return pass == null ? null : pass.mask();
  }

  /** The scale of a kept element in training at the given rate. */
  private double trainScale(double rate) {
    return scaling == Scaling.INVERTED ? 1.0 / (1.0 - rate) : 1.0;
  }

  /** {@code t * factor} as a new tensor; exact zeros for a factor of 0, {@code t} for 1. */
  private static Tensor times(Tensor t, double factor) {
    if (factor == 1) {
      return t;
    }
    if (factor == 0) {
      return Tensor.zeros(t.shape());
    }
    return t.mul(factor);
  }
}
