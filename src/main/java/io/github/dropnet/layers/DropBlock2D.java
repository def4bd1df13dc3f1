package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropBlockMask;
import io.github.dropnet.kernels.DropoutKernels;
import io.github.dropnet.kernels.DropoutMask;

/**
 * Drops contiguous square regions of feature maps during training (DropBlock, Ghiasi, Lin and Le,
 * 2018): structured dropout for convolutional networks, where dropping single units barely
 * regularises because neighbours carry the same information. The identity at inference.
 *
 * <h2>Semantics</h2>
 * For an image batch with maps of {@code H x W}, let {@code s = min(blockSize, H, W)} (a block
 * larger than the map is clipped to it). Independently for every (sample, channel), each of the
 * {@code (H - s + 1) * (W - s + 1)} block positions that fit inside the map (block centres in
 * the valid region) becomes a block with probability
 * <pre>
 * gamma = rate / s^2 * (H * W) / ((H - s + 1) * (W - s + 1))
 * </pre>
 * so that about a fraction {@code rate} of the units is dropped (overlapping blocks make it
 * slightly less). Each block sets an {@code s x s} square of the mask {@code M} to 0 (1
 * elsewhere), and
 * <pre>
 * y = x * M * count(M) / sum(M)
 * </pre>
 * where {@code count(M)} is the number of elements of the whole batch and {@code sum(M)} the number
 * kept: the normalisation keeps the expected activation (the mean of a ones input stays 1). If
 * every unit is dropped ({@code sum(M) = 0}) the output is all zeros. Dropped elements are
 * written as {@code 0.0}, never {@code x * 0}. Backward: {@code dx = dy * M * count(M) / sum(M)}
 * with the mask and factor of the forward. At inference {@code y = x} and {@code dx = dy}.
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code rate}: the target fraction of units dropped, in [0, 1] (the paper's
 *       {@code 1 - keep_prob}). Rate 0 is exactly the identity and draws nothing. The paper
 *       raises the rate linearly from 0 during training: {@link #rateSchedule(RateSchedule)} with
 *       {@link RateSchedule#linear}.
 *   <li>{@code blockSize}: the side of the square blocks, {@code > 0}; 1 is ordinary dropout
 *       (with this layer's normalisation).
 *   <li>{@link #dataFormat(DataFormat)}: default {@link DataFormat#CHANNELS_LAST}.
 *   <li>{@link #seed(long)}.
 * </ul>
 *
 * <h2>Determinism</h2>
 * The {@code k}-th training forward that draws blocks uses the key {@code Rng.key(seed, k)};
 * block position {@code (r, c)} of sample {@code n}, channel {@code k} is numbered
 * {@code ((n * C + k) * (H - s + 1) + r) * (W - s + 1) + c}, whatever the data format, and is a
 * block iff the dropout mask of that key at rate {@code gamma} drops that number (see
 * {@code DropBlockMask}). So a seeded layer repeats, successive calls differ, {@link #reseed}
 * restarts the stream, and the two data formats give the same blocks, transposed. Inference and
 * rate-0 forwards do not advance the stream.
 *
 * <h2>Monte Carlo</h2>
 * {@code forward(x, true)} draws new blocks on every call, at prediction time too.
 *
 * <h2>Memory</h2>
 * The mask is kept at the input's shape, one bit per element (a block pattern has no smaller
 * shape), plus the normalisation factor, from a training forward to its backward, which releases
 * them: a second backward after one training forward throws.
 *
 * <h2>Thread safety</h2>
 * Inference on a built layer is safe from many threads at once; training forwards, backward,
 * {@link #reseed}, {@link #onSchedule} and the setters are confined to one thread at a time.
 *
 * <h2>Shapes</h2>
 * Input: rank 4, {@code (N, H, W, C)} or {@code (N, C, H, W)}. Output: the input's shape. No
 * weights.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} naming the layer and the value: a rate outside [0, 1] or NaN,
 * {@code blockSize <= 0}, a null data format, an input that is not of rank 4 with positive sizes
 * (the shape named), a gradient of the wrong shape, a schedule value outside [0, 1].
 * {@link IllegalStateException}: a setter after build; backward before any forward or twice after
 * one training forward.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * DropBlock2D drop = new DropBlock2D(0.1, 7).seed(1);
 * Tensor y = drop.forward(Tensor.ones(8, 32, 32, 16), true);  // 7x7 holes, mean 1 (to rounding)
 * DropBlock2D ramped = new DropBlock2D(0.1, 7)
 *     .rateSchedule(RateSchedule.linear(0.0, 0.1, 20));     // the paper's ramp, over 20 epochs
 * }</pre>
 */
public final class DropBlock2D extends DropoutLayer<DropBlock2D> {
  private static final String NAME = "DropBlock2D";

  private final int blockSize;
  private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

  /** What the last forward left for backward. */
  private final LastPass<Pass> last = new LastPass<>(NAME, "mask");

  /** Immutable. mask is null unless a training forward drew blocks; scale is its factor. */
  private record Pass(int[] shape, long[] mask, double scale) {}

  /**
   * DropBlock with the given target drop rate and block side.
   *
   * @param rate the target fraction of units dropped in training, in [0, 1]
   * @param blockSize the side of the square blocks, {@code > 0}
   * @throws IllegalArgumentException if the rate is outside [0, 1] or NaN, or
   *     {@code blockSize <= 0}
   */
  public DropBlock2D(double rate, int blockSize) {
    super(NAME, ScheduledRate.closed(NAME, "rate", rate));
    this.blockSize = Checks.positive(NAME, "blockSize", blockSize);
  }

  /**
   * Sets the data format (default {@link DataFormat#CHANNELS_LAST}).
   *
   * @param format where the channels are in the input
   * @return this layer
   * @throws IllegalArgumentException if {@code format} is null
   * @throws IllegalStateException if the layer is already built
   */
  public DropBlock2D dataFormat(DataFormat format) {
    Checks.notBuilt(NAME, built, "dataFormat");
    this.dataFormat = Checks.notNull(NAME, "data format", format);
    return this;
  }

  /** {@return the block side as given (before clipping to the maps)} */
  public int blockSize() {
    return blockSize;
  }

  /** {@return the data format} */
  public DataFormat dataFormat() {
    return dataFormat;
  }

  /**
   * Checks that inputs of this shape are images in the layer's data format: of rank 4 with
   * positive sizes (-1 for an unknown batch or spatial size).
   */
  @Override
  void checkInputShape(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    // a window of 1 with SAME padding: any map size fits, blocks are clipped to the map
    ImageShapes.check(NAME, shape, dataFormat, true, "block", 1, 1, 1, 1, Padding.SAME);
  }

  /**
   * DropBlock in training (Monte Carlo included); {@code x} itself at inference or rate 0. Never
   * modifies {@code input}.
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    Checks.notNull(NAME, "input", input);
    int[] shape = input.shape();
    if (!built) {
      build(shape);
    } else {
      checkInputShape(shape);
    }
    int size = input.size();
    double rate = this.rate.value();
    if (!training || rate == 0 || size == 0) {
      last.keep(new Pass(shape, null, 1), training);
      return input;
    }
    int h = shape[ImageShapes.heightAxis(dataFormat)];
    int w = shape[ImageShapes.widthAxis(dataFormat)];
    int c = shape[ImageShapes.channelAxis(dataFormat)];
    int s = DropBlockMask.blockSize(blockSize, h, w);
    long[] mask = new long[DropoutMask.words(size)];
    long kept = DropBlockMask.fill(stream.nextKey(), DropBlockMask.gamma(rate, s, h, w),
        shape[0], c, h, w, s, dataFormat == DataFormat.CHANNELS_LAST, mask);
    double scale = kept == 0 ? 0.0 : (double) size / kept;
    double[] out = new double[size];
    DropoutKernels.apply(input.data(), out, mask, DropoutKernels.Plan.of(shape, shape), scale);
    last.keep(new Pass(shape, mask, scale), true);
    return Tensor.wrap(out, shape);
  }

  /**
   * {@code dy * M * count(M) / sum(M)} with the mask of the last training forward, which it
   * releases; {@code dy} itself after an inference or rate-0 forward. After a training forward
   * exactly one backward may follow.
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
      return gradOutput; // inference, rate 0 or an empty input
    }
    double[] dx = new double[gradOutput.size()];
    DropoutKernels.apply(gradOutput.data(), dx, pass.mask(),
        DropoutKernels.Plan.of(pass.shape(), pass.shape()), pass.scale());
    return Tensor.wrap(dx, pass.shape());
  }

  /** E.g. {@code DropBlock2D[rate=0.1, blockSize=7, dataFormat=CHANNELS_LAST, seed=1]}. */
  @Override
  public String toString() {
    return NAME + "[rate=" + rate.value() + ", blockSize=" + blockSize + ", dataFormat="
        + dataFormat + stream.describe() + "]";
  }

  /** The live mask of the last training forward, or null (for tests). */
  long[] maskBits() {
    Pass pass = last.peek();
    return pass == null ? null : pass.mask();
  }
}
