package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.ConvGeometry;
import io.github.dropnet.kernels.Pool2dKernels;

/**
 * 2-D max pooling layer (Keras {@code MaxPooling2D}): the maximum of each window, per channel.
 *
 * <h2>Formula</h2>
 * Shown for channels last:
 * <pre>
 * out[n, i, j, c] = max_{a &lt; poolH, b &lt; poolW} x[n, i*sh + a - padTop, j*sw + b - padLeft, c]
 * </pre>
 * over the window positions inside the input. With {@link Padding#SAME} (TensorFlow's rule, the
 * extra row / column of an odd total at the bottom / right) the padding cells count as negative
 * infinity: they never win, and every window holds at least one real element.
 *
 * <p><b>Gradient.</b> Each output's gradient goes to the element that was its maximum; when
 * windows overlap ({@code stride < pool}) an element that is the maximum of several windows
 * receives the sum. <b>Ties:</b> the first maximum in window order (row by row, left to right)
 * wins and receives the whole gradient (Keras / TensorFlow leave the choice unspecified).
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code poolH}, {@code poolW}: positive.
 *   <li>{@link #strides(int, int)}: default the pool size (non-overlapping windows).
 *   <li>{@link #padding(Padding)}: default {@link Padding#VALID}.
 *   <li>{@link #dataFormat(DataFormat)}: default {@link DataFormat#CHANNELS_LAST}.
 * </ul>
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>Channels last: input {@code (N, H, W, C)}, output {@code (N, H', W', C)}.
 *   <li>Channels first: input {@code (N, C, H, W)}, output {@code (N, C, H', W')}.
 *   <li>Per spatial axis: VALID gives {@code floor((in - pool) / stride) + 1}, SAME gives
 *       {@code ceil(in / stride)}.
 * </ul>
 * The layer has no weights.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * MaxPool2D pool = new MaxPool2D(2, 1).dataFormat(DataFormat.CHANNELS_FIRST);
 * pool.outputShape(-1, 64, 90, 1);                     // (-1, 64, 45, 1)
 * Tensor y = pool.forward(Tensor.zeros(3, 64, 90, 1)); // shape (3, 64, 45, 1)
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for a non-positive size, a null enum, an input that is not of
 * rank 4, a pool larger than the input with VALID padding, a gradient of the wrong shape, or a
 * non-empty weight list. {@link IllegalStateException} for a setter after the layer is built or
 * {@link #backward} before any forward.
 *
 * <h2>Thread safety</h2>
 * Inference ({@code forward(x, false)}) may run from many threads at once: each call allocates its
 * own output and index arrays. Training (forward then backward) is confined to one thread;
 * {@link #backward} uses the positions of the maxima found by the last forward.
 */
public final class MaxPool2D implements Layer {
  private static final String NAME = "MaxPool2D";

  private final int poolH;
  private final int poolW;
  private int strideH;
  private int strideW;
  private Padding padding = Padding.VALID;
  private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
  private boolean built;

  /** What the last forward leaves for backward; written once, at the end of forward. */
  private Cache cache;
  /**
   * Whether backward follows training forwards, as in training: then a large training forward
   * allocates the backward's gradient array (which the JVM zeroes on one thread) on one thread
   * while the others pool, instead of leaving backward to zero it alone.
   */
  private final BackwardForecast forecast = new BackwardForecast();

  /**
   * The positions of the maxima for training forwards, reused from one to the next (training is
   * confined to one thread, and only the last forward's positions are ever read); inference
   * forwards allocate their own.
   */
  private int[] argmaxWorkspace = new int[0];

  /** Inputs from this many elements (8 MiB) get their backward's array at forward time. */
  private static final int PREPARE_GRADIENT_FROM = 1 << 20;

  /**
   * @param gradient a fresh array for the first backward's result, allocated in forward; or null
   */
  private record Cache(int[] inputShape, int[] outputShape, int[] argmax, double[] gradient) {}

  /**
   * Max pooling over {@code poolH x poolW} windows, with strides equal to the pool size.
   *
   * @param poolH the window height, {@code > 0}
   * @param poolW the window width, {@code > 0}
   * @throws IllegalArgumentException if a size is not positive
   */
  public MaxPool2D(int poolH, int poolW) {
    this.poolH = Checks.positive(NAME, "pool height", poolH);
    this.poolW = Checks.positive(NAME, "pool width", poolW);
    this.strideH = poolH;
    this.strideW = poolW;
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Sets the strides (default: the pool size).
   *
   * @param sh the vertical step between windows, {@code > 0}
   * @param sw the horizontal step between windows, {@code > 0}
   * @return this layer
   * @throws IllegalArgumentException if one is not positive
   * @throws IllegalStateException if the layer is built
   */
  public MaxPool2D strides(int sh, int sw) {
    Checks.notBuilt(NAME, built, "strides");
    strideH = Checks.positive(NAME, "stride height", sh);
    strideW = Checks.positive(NAME, "stride width", sw);
    return this;
  }

  /**
   * Sets the padding (default {@link Padding#VALID}).
   *
   * @param p how the border is treated
   * @return this layer
   * @throws IllegalArgumentException if null
   * @throws IllegalStateException if the layer is built
   */
  public MaxPool2D padding(Padding p) {
    Checks.notBuilt(NAME, built, "padding");
    padding = Checks.notNull(NAME, "padding", p);
    return this;
  }

  /**
   * Sets the data format (default {@link DataFormat#CHANNELS_LAST}).
   *
   * @param f where the channel axis of the input and output is
   * @return this layer
   * @throws IllegalArgumentException if null
   * @throws IllegalStateException if the layer is built
   */
  public MaxPool2D dataFormat(DataFormat f) {
    Checks.notBuilt(NAME, built, "dataFormat");
    dataFormat = Checks.notNull(NAME, "dataFormat", f);
    return this;
  }

  /** {@return the pool size {@code {poolH, poolW}} (a copy)} */
  public int[] poolSize() {
    return new int[] {poolH, poolW};
  }

  /** {@return the strides {@code {sh, sw}} (a copy); the pool size unless set} */
  public int[] strides() {
    return new int[] {strideH, strideW};
  }

  /** {@return the padding} */
  public Padding padding() {
    return padding;
  }

  /** {@return the data format} */
  public DataFormat dataFormat() {
    return dataFormat;
  }

  // ---------------------------------------------------------------- build

  /**
   * Checks the input shape and fixes the configuration (there are no weights).
   *
   * @throws IllegalArgumentException if the shape does not suit the layer
   */
  @Override
  public void build(int... inputShape) {
    checkInput(inputShape);
    built = true;
  }

  /**
   * The output shape, (N, H', W', C) or (N, C, H', W'); -1 entries stay -1.
   *
   * @throws IllegalArgumentException if the shape does not suit the layer
   */
  @Override
  public int[] outputShape(int... inputShape) {
    checkInput(inputShape);
    return ImageShapes.outputShape(
        inputShape, dataFormat, inputShape[ImageShapes.channelAxis(dataFormat)],
        poolH, poolW, strideH, strideW, 1, 1, padding);
  }

  private void checkInput(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    ImageShapes.check(NAME, shape, dataFormat, true, "pool", poolH, poolW, 1, 1, padding);
  }

  // ---------------------------------------------------------------- forward

  /**
   * The window maxima of {@code input}; builds the layer on first use. {@code training} changes
   * nothing for this layer.
   *
   * @throws IllegalArgumentException if the input shape does not suit the layer
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] shape = Checks.notNull(NAME, "input", input).shape();
    if (!built) {
      build(shape);
    }
    int[] outShape = outputShape(shape);
    ConvGeometry g = ImageShapes.geometry(
        shape, dataFormat, poolH, poolW, strideH, strideW, 1, 1, padding);
    boolean backwardExpected = training && forecast.trainingForward();
    int outSize = Shapes.size(outShape);
    int[] argmax = training ? trainingArgmax(outSize) : new int[outSize];
    int inSize = Shapes.size(shape);
    double[][] gradient = new double[1][];
    Runnable prepareGradient = backwardExpected && inSize >= PREPARE_GRADIENT_FROM
        ? () -> gradient[0] = new double[inSize] : null;
    double[] out = Pool2dKernels.maxForwardFresh(input.data(), g,
        dataFormat == DataFormat.CHANNELS_FIRST, outSize, argmax, prepareGradient);
    cache = new Cache(shape, outShape, argmax, gradient[0]);
    return Tensor.wrap(out, outShape);
  }

  private int[] trainingArgmax(int length) {
    if (argmaxWorkspace.length != length) {
      argmaxWorkspace = new int[length];
    }
    return argmaxWorkspace;
  }

  // ---------------------------------------------------------------- backward

  /**
   * The gradient with respect to the input of the last forward: each output gradient routed to
   * its window's maximum, summed where windows overlap.
   *
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache c = Checks.forwardDone(NAME, cache);
    Checks.gradShape(NAME, c.outputShape(), gradOutput);
    double[] dx = c.gradient();
    if (dx != null) {
      cache = new Cache(c.inputShape(), c.outputShape(), c.argmax(), null); // used once
    } else {
      dx = new double[Shapes.size(c.inputShape())];
    }
    forecast.backward();
    Pool2dKernels.maxBackward(gradOutput.data(), c.argmax(), c.inputShape()[0], dx, true);
    return Tensor.wrap(dx, c.inputShape());
  }

  // ---------------------------------------------------------------- weights

  /**
   * {@code MaxPool2D[pool=(2, 2), strides=(2, 2), padding=VALID, dataFormat=CHANNELS_LAST]}.
   */
  @Override
  public String toString() {
    return NAME + "[pool=" + ImageShapes.pair(poolH, poolW)
        + ", strides=" + ImageShapes.pair(strideH, strideW)
        + ", padding=" + padding
        + ", dataFormat=" + dataFormat + "]";
  }
}
