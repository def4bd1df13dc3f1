package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.LstmKernels;
import io.github.dropnet.kernels.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Long short-term memory layer (Hochreiter and Schmidhuber 1997), as Keras 3's {@code LSTM}: tanh
 * activation, sigmoid recurrent activation, zero initial state, one bias vector, with optional
 * variational dropout on the inputs and on the recurrent state.
 *
 * <h2>Semantics</h2>
 * For an input {@code x} of shape {@code (N, T, in)} and {@code h_0 = c_0 = 0}, for each step
 * {@code t = 1..T}:
 * <pre>
 * z_t = (x_t * dpMask) . kernel + (h_{t-1} * recDpMask) . recurrentKernel + bias     (N, 4u)
 * i = sigmoid(z[:, 0:u])      f = sigmoid(z[:, u:2u])
 * g = tanh(z[:, 2u:3u])       o = sigmoid(z[:, 3u:4u])
 * c_t = f * c_{t-1} + i * g
 * h_t = o * tanh(c_t)
 * </pre>
 * The masks are all ones at inference and when the rates are 0 (see below).
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code units} ({@code u}): the size of the state, a positive integer.
 *   <li>{@link #returnSequences(boolean)}: return every {@code h_t} instead of the last one
 *       (default false).
 *   <li>{@link #dropout(double)}: the fraction of input features dropped, in [0, 1] (default 0).
 *   <li>{@link #recurrentDropout(double)}: the fraction of state units dropped from the recurrent
 *       input, in [0, 1] (default 0).
 *   <li>{@link #seed(long)}: makes the initial weights and the dropout masks repeatable.
 * </ul>
 *
 * <h2>Shapes</h2>
 * Input {@code (N, T, in)} with {@code T >= 1}. Output {@code (N, T, u)} (every {@code h_t})
 * when {@code returnSequences} is true, else {@code (N, u)} (the last {@code h_T}). The batch
 * size and {@code T} may change from call to call; {@code in} is fixed when the layer is built.
 *
 * <h2>Weights</h2>
 * {@link #getWeights()} returns copies of {@code kernel (in, 4u)}, {@code recurrent_kernel
 * (u, 4u)} and {@code bias (4u)}, each packed by gate in the order i, f, c (candidate), o, as in
 * Keras; {@link #paramCount()} is {@code 4u(in + u + 1)}. They start as in Keras: a glorot-uniform
 * kernel (fans {@code in} and {@code 4u}), an orthogonal recurrent kernel (orthonormal rows), and a
 * zero bias except for the forget-gate block, which is 1 ({@code unit_forget_bias}).
 *
 * <h2>Variational dropout</h2>
 * In a training forward (and only then) the layer draws, for the whole call, ONE input mask of
 * shape {@code (N, in)} and ONE recurrent mask of shape {@code (N, u)} (Gal and Ghahramani 2016,
 * Keras 3 {@code LSTMCell}). Each entry is 0 with probability {@code rate}, else
 * {@code 1 / (1 - rate)} (inverted dropout, so inference needs no rescaling). The same masks serve
 * every time step and all four gates: {@code x_t * dpMask} feeds the kernel and
 * {@code h_{t-1} * recDpMask} feeds the recurrent kernel. Dropped entries contribute an exact 0.
 * Backward goes through the masks of the last forward. A rate of 0 draws nothing. A rate of 1
 * drops everything (zero contributions, zero gradients, no NaN); Keras instead ignores a rate of
 * 1 entirely, which we find more surprising than helpful.
 *
 * <h2>Determinism</h2>
 * The {@code k}-th training forward (counting from 0 since construction, {@link #seed(long)} or
 * {@link #reseed(long)}) draws its masks from the call key {@code Rng.key(seed, k)}, the input
 * mask and the recurrent mask from two distinct streams under it. A seeded layer therefore gives
 * the same weights and the same sequence of masks in every run, whatever the thread count; an
 * unseeded layer uses a fresh seed and differs from run to run. Inference draws nothing and does
 * not advance the count.
 *
 * <h2>Monte Carlo dropout</h2>
 * {@code forward(x, true)} at prediction time keeps the masks on: each call samples one network
 * from the approximate posterior (with masks shared across the time steps of a sequence, as the
 * variational interpretation requires), and the spread of many such calls estimates the model's
 * uncertainty. {@link #reseed(long)} makes such a series repeatable.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * LSTM lstm = new LSTM(64).dropout(0.2).recurrentDropout(0.2).seed(42);
 * Tensor x = Tensor.zeros(32, 10, 8);        // 32 sequences of 10 steps, 8 features
 * Tensor h = lstm.forward(x, true);          // (32, 64): training, one mask pair for the batch
 * Tensor dx = lstm.backward(Tensor.ones(32, 64));
 * Tensor all = new LSTM(64).returnSequences(true).forward(x);   // (32, 10, 64)
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException}, naming the layer, what was expected and what was received:
 * {@code units <= 0} or above {@link #MAX_UNITS}; a rate outside [0, 1] or NaN; an input that is
 * not of rank 3, has no time step or no feature, or (once built) has a different number of
 * features; kernels or gate pre-activations of more elements than one array holds; weights of a
 * wrong count or shape; a gradient that does not have the shape of the last output.
 * {@link IllegalStateException}: a setter after the layer is built, {@code setWeights} before it
 * is built, {@code backward} before any forward.
 *
 * <h2>Thread safety</h2>
 * Inference ({@code forward(x, false)}) on a built layer may run from many threads at once and
 * gives the same results as on one thread: each call allocates its own output and workspaces, and
 * publishes what backward needs as one object in a single volatile field at its end (so backward
 * refers to the last forward to finish). Build the layer (or run one forward) before sharing it.
 * Training (a forward with {@code training = true}, backward, weight updates, {@code reseed}) is
 * confined to one thread at a time.
 */
public final class LSTM implements Layer, Stochastic, Scheduled {
  /** The most units an LSTM can have: its kernels hold {@code 4 * units} columns in one array. */
  public static final int MAX_UNITS = Integer.MAX_VALUE / 4;

  private static final String NAME = "LSTM";
  /** Separates the initialisation stream from the dropout call keys derived from the same seed. */
  private static final long INIT_STREAM = 0x1A57_0000_0000_0001L;
  private static final long INPUT_MASK_STREAM = 0;
  private static final long RECURRENT_MASK_STREAM = 1;

  // configuration
  private final int units;
  private boolean returnSequences;
  private final ScheduledRate dropout = ScheduledRate.closed(NAME, "dropout", 0);
  private final ScheduledRate recurrentDropout =
      ScheduledRate.closed(NAME, "recurrentDropout", 0);
  /** Seeds the initial weights, and gives one mask key per training forward. */
  private final RandomStream stream = new RandomStream();

  // weights, set by build
  private boolean built;
  private int[] builtShape;
  private int inputDim;
  private Tensor kernel;
  private Tensor recurrentKernel;
  private Tensor bias;
  private Tensor gradKernel;
  private Tensor gradRecurrentKernel;
  private Tensor gradBias;

  // training state
  private volatile Cache cache;

  /** What backward needs from one forward. */
  private record Cache(
      int batch, int steps, double[] x, double[] inputMask, double[] recurrentMask,
      double[] gates, double[] hPrev, double[] c, double[] tanhC, int[] outputShape) {}

  /**
   * An LSTM layer with {@code units} state units, returning the last output, without dropout.
   *
   * @param units the size {@code u} of the hidden and cell states, {@code > 0} and at most
   *     {@link #MAX_UNITS}
   * @throws IllegalArgumentException if {@code units <= 0} or {@code units > MAX_UNITS}
   */
  public LSTM(int units) {
    this.units = Checks.positive(NAME, "units", units);
    if (units > MAX_UNITS) {
      throw new IllegalArgumentException(NAME + ": units must be at most " + MAX_UNITS
          + ", as the kernels hold the four gates' 4 * units columns; received "
          + units);
    }
  }

  /**
   * Whether to return every {@code h_t} {@code (N, T, u)} rather than the last {@code (N, u)}.
   *
   * @param returnSequences true for the whole sequence, false (the default) for the last output
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM returnSequences(boolean returnSequences) {
    Checks.notBuilt(NAME, built, "returnSequences");
    this.returnSequences = returnSequences;
    return this;
  }

  /**
   * The fraction of input features dropped in training, one mask per sequence.
   *
   * @param rate the input dropout rate, in [0, 1] (default 0)
   * @return this layer
   * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or NaN
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM dropout(double rate) {
    Checks.notBuilt(NAME, built, "dropout");
    dropout.set(rate);
    return this;
  }

  /**
   * The fraction of state units dropped from the recurrent input in training, one mask per
   * sequence.
   *
   * @param rate the recurrent dropout rate, in [0, 1] (default 0)
   * @return this layer
   * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or NaN
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM recurrentDropout(double rate) {
    Checks.notBuilt(NAME, built, "recurrentDropout");
    recurrentDropout.set(rate);
    return this;
  }

  /**
   * Makes the input dropout rate follow {@code schedule}: {@code schedule.valueAt(0, 0)} at once,
   * then its value at each {@link #onSchedule}. A forward and its backward share their masks
   * whatever happens to the rate in between.
   *
   * @param schedule the input dropout rate by epoch and step
   * @return this layer
   * @throws IllegalArgumentException if {@code schedule} is null or its value at (0, 0) is not in
   *     [0, 1]
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM dropoutSchedule(RateSchedule schedule) {
    Checks.notBuilt(NAME, built, "dropoutSchedule");
    dropout.follow(Checks.notNull(NAME, "dropout schedule", schedule));
    return this;
  }

  /**
   * Makes the recurrent dropout rate follow {@code schedule}, as {@link #dropoutSchedule}.
   *
   * @param schedule the recurrent dropout rate by epoch and step
   * @return this layer
   * @throws IllegalArgumentException if {@code schedule} is null or its value at (0, 0) is not in
   *     [0, 1]
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM recurrentDropoutSchedule(RateSchedule schedule) {
    Checks.notBuilt(NAME, built, "recurrentDropoutSchedule");
    recurrentDropout.follow(Checks.notNull(NAME, "recurrent dropout schedule", schedule));
    return this;
  }

  /**
   * Sets the scheduled dropout rates to their values at {@code (epoch, step)}; a rate without a
   * schedule keeps its value. Both values are checked before either changes.
   *
   * @throws IllegalArgumentException if {@code epoch} or {@code step} is negative, or a schedule's
   *     value is not a rate the layer accepts (both rates are then unchanged)
   */
  @Override
  public void onSchedule(int epoch, long step) {
    double in = dropout.valueAt(epoch, step);
    double rec = recurrentDropout.valueAt(epoch, step);
    dropout.set(in);
    recurrentDropout.set(rec);
  }

  /**
   * Makes the initial weights and the sequence of dropout masks a function of {@code seed}.
   *
   * @param seed the seed of the initialisers and of the mask stream
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public LSTM seed(long seed) {
    Checks.notBuilt(NAME, built, "seed");
    stream.reseed(seed);
    return this;
  }

  /** Restarts the dropout mask stream as if the layer had been seeded with {@code seed}. */
  @Override
  public void reseed(long seed) {
    stream.reseed(seed);
  }

  /** {@return the number of state units {@code u}} */
  public int units() {
    return units;
  }

  /** {@return whether the output is every {@code h_t} (true) or the last one (false)} */
  public boolean returnSequences() {
    return returnSequences;
  }

  /** {@return the input dropout rate, in [0, 1]} */
  public double dropout() {
    return dropout.value();
  }

  /** {@return the recurrent dropout rate, in [0, 1]} */
  public double recurrentDropout() {
    return recurrentDropout.value();
  }

  /**
   * The seed given to {@link #seed(long)} or {@link #reseed(long)}.
   *
   * @return the seed, or empty for an unseeded layer (which draws from a fresh seed)
   */
  public OptionalLong seed() {
    return stream.seed();
  }

  /**
   * Creates the weights for inputs {@code (N, T, in)}; {@code N} and {@code T} may be -1, {@code in}
   * must be known. On a built layer it only checks the shape.
   */
  @Override
  public void build(int... inputShape) {
    checkShape(inputShape);
    if (built) {
      return;
    }
    if (inputShape[2] == -1) {
      throw new IllegalArgumentException(
          NAME + ": build needs the number of features (last axis), received shape "
              + Shapes.format(inputShape));
    }
    inputDim = inputShape[2];
    int g4 = 4 * units;
    Checks.arraySize(NAME, inputShape, "a kernel", inputDim, g4);
    Checks.arraySize(NAME, inputShape, "a recurrent kernel", units, g4);
    kernel = Tensor.zeros(inputDim, g4);
    recurrentKernel = Tensor.zeros(units, g4);
    bias = Tensor.zeros(g4);
    gradKernel = Tensor.zeros(inputDim, g4);
    gradRecurrentKernel = Tensor.zeros(units, g4);
    gradBias = Tensor.zeros(g4);
    resetParameters(new SplittableRandom(Rng.mix(stream.current() ^ INIT_STREAM)));
    builtShape = inputShape.clone();
    built = true;
  }

  /**
   * Keras' initial weights: kernel glorot-uniform in {@code +-sqrt(6 / (in + 4u))}, recurrent
   * kernel orthogonal with orthonormal rows, bias 0 except 1 on the forget-gate block.
   */
  private void resetParameters(RandomGenerator rng) {
    Initializers.glorotUniform(kernel.data(), inputDim, 4 * units, rng);
    Initializers.orthogonal(recurrentKernel.data(), units, 4 * units, rng);
    double[] b = bias.data();
    Arrays.fill(b, 0.0);
    Arrays.fill(b, units, 2 * units, 1.0);
  }

  @Override
  public int[] outputShape(int... inputShape) {
    checkShape(inputShape);
    return returnSequences
        ? new int[] {inputShape[0], inputShape[1], units}
        : new int[] {inputShape[0], units};
  }

  /** Rank 3, sizes or -1, at least one step and one feature, and the built feature count. */
  private void checkShape(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    Checks.rank(NAME, shape, 3, "(N, T, features)");
    for (int d : shape) {
      if (d < -1) {
        throw new IllegalArgumentException(
            NAME + ": expected sizes or -1 in the input shape, received " + Shapes.format(shape));
      }
    }
    if (shape[1] == 0) {
      throw new IllegalArgumentException(
          NAME + ": expected at least one time step, received shape " + Shapes.format(shape));
    }
    if (shape[2] == 0) {
      throw new IllegalArgumentException(
          NAME + ": expected at least one feature, received shape " + Shapes.format(shape));
    }
    if (built && shape[2] != -1 && shape[2] != inputDim) {
      throw new IllegalArgumentException(
          NAME + ": expected an input with " + inputDim + " features on the last axis, as built"
              + " for shape " + Shapes.format(builtShape) + ", received shape "
              + Shapes.format(shape));
    }
  }

  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] shape = Checks.notNull(NAME, "input", input).shape();
    if (!built) {
      build(shape);
    } else {
      checkShape(shape);
    }
    int n = shape[0];
    int steps = shape[1];
    // the largest array of the pass; every other is as large or smaller
    Checks.arraySize(NAME, shape, "gate pre-activations", n, steps, 4 * units);
    double[] x = input.data();
    double[] inputMask = null;
    double[] recurrentMask = null;
    if (training) {
      long key = stream.nextKey();
      double inputRate = dropout.value();
      double recurrentRate = recurrentDropout.value();
      if (inputRate > 0) {
        inputMask = new double[n * inputDim];
        LstmKernels.dropoutMask(Rng.bits(key, INPUT_MASK_STREAM), inputRate, inputMask);
        double[] masked = new double[x.length];
        LstmKernels.maskSteps(n, steps, inputDim, x, inputMask, masked);
        x = masked;
      }
      if (recurrentRate > 0) {
        recurrentMask = new double[n * units];
        LstmKernels.dropoutMask(
            Rng.bits(key, RECURRENT_MASK_STREAM), recurrentRate, recurrentMask);
      }
    }

    int rows = n * steps;
    double[] gates = new double[rows * 4 * units];
    double[] hPrev = new double[rows * units];
    double[] c = new double[rows * units];
    double[] tanhC = new double[rows * units];
    int[] outShape = returnSequences ? new int[] {n, steps, units} : new int[] {n, units};
    double[] out = new double[Shapes.size(outShape)];
    LstmKernels.forward(n, steps, inputDim, units,
        x, kernel.data(), recurrentKernel.data(), bias.data(), recurrentMask,
        gates, hPrev, c, tanhC, out, returnSequences);
    cache = new Cache(n, steps, x, inputMask, recurrentMask, gates, hPrev, c, tanhC, outShape);
    return Tensor.wrap(out, outShape);
  }

  /**
   * The gradient with respect to the input of the last forward (through its dropout masks, if it
   * was a training forward); fills the weight gradients. The input of that forward must not have
   * been modified since.
   *
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache k = Checks.forwardDone(NAME, cache);
    double[] gradX = new double[k.batch() * k.steps() * inputDim];
    gradients(k, gradOutput, gradX);
    if (k.inputMask() != null) {
      LstmKernels.maskSteps(k.batch(), k.steps(), inputDim, gradX, k.inputMask(), gradX);
    }
    return Tensor.wrap(gradX, k.batch(), k.steps(), inputDim);
  }

  /**
   * The weight gradients as {@link #backward} computes them, without the gradient with respect
   * to the input (its share of each step's product, {@code dz_t . kernel^T}).
   *
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} has the wrong shape
   */
  @Override
  public void backwardWeightsOnly(Tensor gradOutput) {
    gradients(Checks.forwardDone(NAME, cache), gradOutput, null);
  }

  /** Fills the weight gradients, and {@code gradX} (before the input mask) unless it is null. */
  private void gradients(Cache k, Tensor gradOutput, double[] gradX) {
    Checks.gradShape(NAME, k.outputShape(), gradOutput);
    int n = k.batch();
    int rows = n * k.steps();
    double[] gradGates = new double[rows * 4 * units];
    double[] dh = new double[n * units];
    double[] dc = new double[n * units];
    LstmKernels.backward(n, k.steps(), inputDim, units,
        k.x(), kernel.data(), recurrentKernel.data(), k.recurrentMask(),
        k.gates(), k.hPrev(), k.c(), k.tanhC(),
        gradOutput.data(), returnSequences,
        gradGates, dh, dc,
        gradX, gradKernel.data(), gradRecurrentKernel.data(), gradBias.data());
  }

  /** Copies of kernel (in, 4u), recurrent_kernel (u, 4u) and bias (4u); empty before build. */
  @Override
  public List<Tensor> getWeights() {
    return built ? List.of(kernel.copy(), recurrentKernel.copy(), bias.copy()) : List.of();
  }

  /**
   * Copies in kernel (in, 4u), recurrent_kernel (u, 4u) and bias (4u), gates in the order i, f,
   * c, o. The layer must be built first ({@link #build} or a forward), since {@code in} is only
   * known then.
   *
   * @throws IllegalStateException if the layer is not built
   * @throws IllegalArgumentException on a wrong count or shape
   */
  @Override
  public void setWeights(List<Tensor> weights) {
    if (!built) {
      throw new IllegalStateException(
          NAME + ": setWeights needs a built layer; call build(inputShape) or forward first");
    }
    Checks.copyWeights(NAME, weights, parameters());
  }

  /** Copies of the gradients of the last backward (zeros before any), in the weight order. */
  @Override
  public List<Tensor> getGradients() {
    return built
        ? List.of(gradKernel.copy(), gradRecurrentKernel.copy(), gradBias.copy())
        : List.of();
  }

  /** The live kernel, recurrent kernel and bias (an optimizer updates them in place). */
  @Override
  public List<Tensor> parameters() {
    return built ? List.of(kernel, recurrentKernel, bias) : List.of();
  }

  /** The live gradients matching {@link #parameters()}, overwritten by each backward. */
  @Override
  public List<Tensor> gradients() {
    return built ? List.of(gradKernel, gradRecurrentKernel, gradBias) : List.of();
  }

  @Override
  public String toString() {
    return NAME + "[units=" + units + ", returnSequences=" + returnSequences + ", dropout="
        + dropout.value() + ", recurrentDropout=" + recurrentDropout.value() + "]";
  }
}
