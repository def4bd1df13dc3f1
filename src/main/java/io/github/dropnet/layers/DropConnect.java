package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutKernels;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.Rng;
import java.util.List;

/**
 * Drops weights instead of activations during training (DropConnect, Wan et al., 2013): wraps a
 * {@link Dense} or {@link Conv2D} layer and, on every training forward, runs it with a fresh
 * random subset of its kernel (and optionally its bias) set to zero and the rest scaled by
 * {@code 1 / (1 - rate)}. The weights themselves are never changed; at inference the wrapped
 * layer runs with its weights as they are.
 *
 * <h2>Semantics</h2>
 * With {@code W} a dropped parameter (the kernel; the bias too with {@link #dropBias(boolean)
 * dropBias(true)}) and {@code M} a mask of its shape, 0 with probability {@code rate} and 1
 * otherwise, drawn anew for every training forward:
 * <pre>
 * training:  y = inner(x; W * M / (1 - rate))        inference:  y = inner(x; W)
 * backward:  dx = inner'(dy; W * M / (1 - rate)),    dW = dW_masked * M / (1 - rate)
 * </pre>
 * where {@code dW_masked} is the gradient the wrapped layer computes for the masked weights, so
 * {@code dW} is the gradient with respect to the true weights that the optimizer updates. The
 * scaling is inverted, as {@link Dropout}'s: the expected masked weight is {@code W}, which is
 * what inference uses (Deeplearning4j's DropConnect and PyTorch's weight-drop do the same; Wan et
 * al.'s moment-matching inference is not implemented). Masked weights take only the values
 * {@code 0} and {@code w / (1 - rate)}; a dropped weight is written as exactly {@code 0.0}.
 * One mask serves the whole batch of a forward (as in Deeplearning4j and PyTorch), not one per
 * sample as in the paper.
 *
 * <h2>How it works</h2>
 * A training forward saves the wrapped layer's live parameters ({@link Layer#parameters()}),
 * overwrites them with the masked values, runs the wrapped layer, and restores them in a
 * {@code finally} block, so the weights are left exactly as they were even when the forward
 * throws. Backward does the same around the wrapped layer's backward (whose input gradient needs
 * the masked weights) and then maps the weight gradients through the mask, in place. The masks
 * are kept, one bit per weight, from the forward to its backward.
 *
 * <h2>Which layers</h2>
 * Only {@link Dense} and {@link Conv2D}: their parameters are, in order, the kernel and an
 * optional bias, and their forward and backward read those live tensors, which is what the swap
 * relies on. Any other layer is rejected with an {@link IllegalArgumentException} naming it, rather
 * than guessed at (an LSTM, for instance, would need per-sequence masks on the recurrent kernel
 * only, a different regulariser).
 *
 * <h2>As a layer</h2>
 * The wrapper is its wrapped layer for everything but the masking: {@link #build},
 * {@link #outputShape}, the weights, gradients and {@link #parameters()} are the wrapped layer's,
 * so a model's optimizer updates the true weights, and {@code summary()} counts them once.
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code inner}: the Dense or Conv2D layer whose weights are dropped.
 *   <li>{@code rate}: the fraction of weights dropped, in [0, 1]. Rate 0 runs the wrapped layer
 *       unchanged and draws nothing; rate 1 drops every weight (zero kernel, zero gradients).
 *   <li>{@link #dropBias(boolean)}: also drop bias entries (default false).
 *   <li>{@link #seed(long)}; {@link #rateSchedule(RateSchedule)} (see {@link Scheduled}).
 * </ul>
 *
 * <h2>Determinism</h2>
 * The {@code k}-th training forward that draws masks uses {@code key = Rng.key(seed, k)}; the
 * mask of parameter {@code p} (0 the kernel, 1 the bias) is the dropout mask of key
 * {@code Rng.bits(key, p)} at the rate, over the parameter's elements in row-major order (as
 * {@link Dropout} documents its masks). Seeded wrappers repeat, successive training forwards draw
 * new masks, {@link #reseed} restarts the stream; inference and rate-0 forwards do not advance
 * it.
 *
 * <h2>Monte Carlo</h2>
 * {@code forward(x, true)} draws new weight masks on every call, also at prediction time (Monte
 * Carlo DropConnect, Mobiny et al., 2019).
 *
 * <h2>Thread safety</h2>
 * A training forward and a backward temporarily overwrite the wrapped layer's weights: they are
 * confined to one thread and must not overlap any other use of the wrapped layer, inference
 * included. Inference alone ({@code forward(x, false)}) reads the weights and is as thread-safe as
 * the wrapped layer.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException}: a null or unsupported inner layer (named), a rate outside
 * [0, 1] or NaN, a schedule value outside [0, 1], and whatever the wrapped layer rejects (its
 * message names it). {@link IllegalStateException}: a setter after build; backward before any
 * forward, or twice after one training forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Sequential model = new Sequential(
 *     new DropConnect(new Dense(128).activation(Activation.RELU), 0.5).seed(1),
 *     new Dense(10));
 * }</pre>
 */
public final class DropConnect extends DropoutLayer<DropConnect> {
  private static final String NAME = "DropConnect";

  private final Layer inner;
  private boolean dropBias;

  /** What the last forward left for backward. */
  private final LastPass<Pass> last = new LastPass<>(NAME, "masks");

  /**
   * Immutable. masks holds one mask per dropped parameter, or is null when the forward ran the
   * wrapped layer unmasked; scale is that forward's {@code 1 / (1 - rate)}.
   */
  private record Pass(long[][] masks, double scale) {}

  /**
   * Drops a fraction {@code rate} of {@code inner}'s kernel in training.
   *
   * @param inner a {@link Dense} or {@link Conv2D} layer, built or not
   * @param rate the fraction of weights dropped, in [0, 1]
   * @throws IllegalArgumentException if {@code inner} is null or neither Dense nor Conv2D, or the
   *     rate is outside [0, 1] or NaN
   */
  public DropConnect(Layer inner, double rate) {
    // the inner layer is checked before the rate, as its argument comes first
    this(supported(inner), ScheduledRate.closed(NAME, "rate", rate));
  }

  private DropConnect(Layer inner, ScheduledRate rate) {
    super(NAME, rate);
    this.inner = inner;
  }

  private static Layer supported(Layer inner) {
    Checks.notNull(NAME, "inner layer", inner);
    if (!(inner instanceof Dense || inner instanceof Conv2D)) {
      throw new IllegalArgumentException(
          NAME + ": supports Dense and Conv2D layers, received " + inner.getClass().getSimpleName()
              + " (" + inner + ")");
    }
    return inner;
  }

  /**
   * Whether bias entries are dropped too (default false, as Wan et al. and Deeplearning4j's
   * default). No effect on a wrapped layer without a bias.
   *
   * @param dropBias true to drop bias entries as well as kernel entries
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public DropConnect dropBias(boolean dropBias) {
    Checks.notBuilt(NAME, built, "dropBias");
    this.dropBias = dropBias;
    return this;
  }

  /** {@return the wrapped layer} */
  public Layer inner() {
    return inner;
  }

  /** {@return whether bias entries are dropped too} */
  public boolean dropBias() {
    return dropBias;
  }

  /** Builds the wrapped layer. */
  @Override
  public void build(int... inputShape) {
    inner.build(inputShape);
    built = true;
  }

  /** The wrapped layer's output shape. */
  @Override
  public int[] outputShape(int... inputShape) {
    return inner.outputShape(inputShape);
  }

  /**
   * The wrapped layer's forward with masked weights (training, Monte Carlo included) or with its
   * weights as they are (inference, rate 0). The weights are restored before this returns or
   * throws.
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    Checks.notNull(NAME, "input", input);
    if (!built || inner.parameters().isEmpty()) {
      build(input.shape());
    }
    double rate = this.rate.value();
    if (!training || rate == 0) {
      Tensor out = inner.forward(input, training);
      last.keep(new Pass(null, 1), training);
      return out;
    }
    List<Tensor> params = inner.parameters();
    int dropped = dropBias ? params.size() : 1;
    long key = stream.nextKey();
    long threshold = DropoutMask.threshold(rate);
    long[][] masks = new long[dropped][];
    for (int p = 0; p < dropped; p++) {
      masks[p] = DropoutMask.create(Rng.bits(key, p), threshold, params.get(p).size());
    }
    double scale = 1.0 / (1.0 - rate);
    Tensor out = withMaskedWeights(params, masks, scale, () -> inner.forward(input, true));
    last.keep(new Pass(masks, scale), true);
    return out;
  }

  /**
   * The wrapped layer's backward with the masked weights of the last training forward; its
   * weight gradients are then mapped to the true weights, {@code dW = dW_masked * M / (1 - rate)}.
   * A rejected gradient leaves the masks for a corrected call.
   *
   * @throws IllegalStateException before any forward, or on a second backward after one training
   *     forward
   * @throws IllegalArgumentException if the wrapped layer rejects {@code gradOutput}
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Pass pass = last.forBackward();
    Checks.notNull(NAME, "gradOutput", gradOutput);
    if (pass.masks() == null) {
      Tensor dx = inner.backward(gradOutput);
      last.release();
      return dx;
    }
    List<Tensor> params = inner.parameters();
    long[][] masks = pass.masks();
    Tensor dx = withMaskedWeights(params, masks, pass.scale(), () -> inner.backward(gradOutput));
    List<Tensor> grads = inner.gradients();
    for (int p = 0; p < masks.length; p++) {
      Tensor g = grads.get(p);
      DropoutKernels.apply(g.data(), g.data(), masks[p], fullPlan(g), pass.scale());
    }
    last.release();
    return dx;
  }

  /**
   * Runs {@code body} with the first {@code masks.length} parameters replaced, in place, by
   * {@code w * m * scale} (0.0 where dropped), and restores them afterwards, also on an
   * exception.
   */
  private static Tensor withMaskedWeights(
      List<Tensor> params, long[][] masks, double scale, java.util.function.Supplier<Tensor> body) {
    double[][] saved = new double[masks.length][];
    try {
      for (int p = 0; p < masks.length; p++) {
        Tensor w = params.get(p);
        saved[p] = w.data().clone();
        DropoutKernels.apply(w.data(), w.data(), masks[p], fullPlan(w), scale);
      }
      return body.get();
    } finally {
      for (int p = 0; p < masks.length; p++) {
        if (saved[p] != null) {
          System.arraycopy(saved[p], 0, params.get(p).data(), 0, saved[p].length);
        }
      }
    }
  }

  private static DropoutKernels.Plan fullPlan(Tensor t) {
    int[] shape = t.shape();
    return DropoutKernels.Plan.of(shape, shape);
  }

  /** The wrapped layer's weights (copies). */
  @Override
  public List<Tensor> getWeights() {
    return inner.getWeights();
  }

  /** Sets the wrapped layer's weights. */
  @Override
  public void setWeights(List<Tensor> weights) {
    inner.setWeights(weights);
  }

  /** The gradients of the true weights from the last backward (copies). */
  @Override
  public List<Tensor> getGradients() {
    return inner.getGradients();
  }

  /** The wrapped layer's live weights, which the masking never leaves modified. */
  @Override
  public List<Tensor> parameters() {
    return inner.parameters();
  }

  /** The wrapped layer's live gradients: after backward, those of the true weights. */
  @Override
  public List<Tensor> gradients() {
    return inner.gradients();
  }

  /** E.g. {@code DropConnect[rate=0.5, dropBias=false, inner=Dense[units=3, activation=RELU]]}. */
  @Override
  public String toString() {
    return NAME + "[rate=" + rate.value() + ", dropBias=" + dropBias + stream.describe()
        + ", inner=" + inner + "]";
  }

  /** The masks of the last training forward, or null (for tests). */
  long[][] masks() {
    Pass pass = last.peek();
    return pass == null ? null : pass.masks();
  }
}
