package io.github.dropnet.layers;

import io.github.dropnet.Dropnet;
import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Conv2dKernels;
import io.github.dropnet.kernels.ConvGeometry;
import io.github.dropnet.kernels.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution layer (Keras {@code Conv2D}): slides {@code filters} kernels over an image and
 * adds a bias, then applies an activation.
 *
 * <h2>Formula</h2>
 * Cross-correlation, no kernel flip (shown for channels last):
 * <pre>
 * out[n, i, j, o] = act(bias[o]
 *     + sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] * kernel[a, b, c, o])
 * </pre>
 * where {@code xpad} is the input padded with zeros as {@link Padding} says (SAME follows
 * TensorFlow: the extra row / column of an odd total goes at the bottom / right).
 * {@link Activation#SOFTMAX} is taken over the last axis of the output, as Keras does (the
 * filters for channels last, the width for channels first).
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code filters}, {@code kernelH}, {@code kernelW}: positive (even kernels are fine).
 *   <li>{@link #strides(int, int)}: default (1, 1). {@link #dilation(int, int)}: default (1, 1);
 *       as in Keras, a stride above 1 cannot be combined with a dilation above 1.
 *   <li>{@link #padding(Padding)}: default {@link Padding#VALID} (Keras' default).
 *   <li>{@link #dataFormat(DataFormat)}: default {@link DataFormat#CHANNELS_LAST}.
 *   <li>{@link #activation(Activation)}: default {@link Activation#LINEAR}.
 *   <li>{@link #useBias(boolean)}: default true.
 *   <li>{@link #seed(long)}: makes the initial kernel reproducible; unseeded layers draw a fresh
 *       seed when they are built.
 * </ul>
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>Channels last: input {@code (N, H, W, C)}, output {@code (N, H', W', filters)}.
 *   <li>Channels first: input {@code (N, C, H, W)}, output {@code (N, filters, H', W')}.
 *   <li>Per spatial axis, with {@code ek = (k - 1) * dilation + 1}: VALID gives
 *       {@code floor((in - ek) / stride) + 1}; SAME gives {@code ceil(in / stride)}.
 * </ul>
 * The channel count is fixed when the layer is built; the batch and spatial sizes may change
 * between calls (-1 in {@link #build} and {@link #outputShape} leaves them open).
 *
 * <h2>Weights</h2>
 * {@code kernel (kh, kw, C, filters)}, then {@code bias (filters)} if {@code useBias}. As in Keras
 * the kernel starts glorot-uniform in {@code [-limit, limit]}, {@code limit = sqrt(6 / (fanIn +
 * fanOut))}, {@code fanIn = kh * kw * C}, {@code fanOut = kh * kw * filters}; the bias starts at 0.
 * {@link #kernelInitializer} chooses another of Keras' kernel initialisers with the same fans.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Conv2D conv = new Conv2D(64, 11, 2).dataFormat(DataFormat.CHANNELS_FIRST).seed(7);
 * conv.outputShape(-1, 1, 100, 2);                  // (-1, 64, 90, 1)
 * Tensor y = conv.forward(Tensor.zeros(3, 1, 100, 2)); // shape (3, 64, 90, 1)
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for a non-positive size, a null enum, a stride above 1 with a
 * dilation above 1, an input that is not of rank 4, a channel count other than the built one
 * (the message shows both shapes), a window larger than the input with VALID padding, an output
 * of more elements than one array holds, a gradient of the wrong shape, or weights of the wrong
 * count or shape. {@link IllegalStateException} for a
 * setter after the layer is built, {@link #setWeights} before it, or {@link #backward} before any
 * forward.
 *
 * <h2>Thread safety</h2>
 * Inference ({@code forward(x, false)}) on a built layer may run from many threads at once: each
 * call allocates its own output and workspace and only reads the weights. Training (forward,
 * backward, weight updates) is confined to one thread; {@link #backward} uses the last forward,
 * whose input and output it keeps by reference, so neither may be modified in between. With
 * more than one library thread, training forwards also keep a scratch array of the output's size
 * (up to 32 MiB) in the layer, reused from call to call.
 */
public final class Conv2D implements Layer {
  private static final String NAME = "Conv2D";

  private final int filters;
  private final int kernelH;
  private final int kernelW;
  private int strideH = 1;
  private int strideW = 1;
  private int dilationH = 1;
  private int dilationW = 1;
  private Padding padding = Padding.VALID;
  private DataFormat dataFormat = DataFormat.CHANNELS_LAST;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private KernelInitializer kernelInitializer = KernelInitializer.GLOROT_UNIFORM;
  private boolean seeded;
  private long seed;

  /** The input shape the layer was built for (null before build); its channel count is fixed. */
  private int[] builtShape;
  private Tensor kernel;
  private Tensor bias;
  private Tensor kernelGrad;
  private Tensor biasGrad;

  /** What the last forward leaves for backward; written once, at the end of forward. */
  private Cache cache;

  private record Cache(Tensor input, double[] output, int[] outputShape, ConvGeometry geometry) {}

  /** The largest output (in doubles, 32 MiB) that training forwards stage, see {@link #stage}. */
  private static final int MAX_STAGE = 1 << 22;

  /**
   * Scratch of the output's size for training forwards with several threads: images computed
   * while the JVM zeroes the new output array go here first ({@code Conv2dKernels.forwardFresh}).
   * Never handed out; kept for the next training forward of the same size.
   */
  private double[] stage;

  /**
   * A convolution with {@code filters} output channels and a {@code kernelH x kernelW} kernel.
   *
   * @param filters the number of output channels, {@code > 0}
   * @param kernelH the kernel height, {@code > 0}
   * @param kernelW the kernel width, {@code > 0}
   * @throws IllegalArgumentException if a size is not positive
   */
  public Conv2D(int filters, int kernelH, int kernelW) {
    this.filters = Checks.positive(NAME, "filters", filters);
    this.kernelH = Checks.positive(NAME, "kernel height", kernelH);
    this.kernelW = Checks.positive(NAME, "kernel width", kernelW);
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Sets the strides (default (1, 1)).
   *
   * @param sh the vertical step between windows, {@code > 0}
   * @param sw the horizontal step between windows, {@code > 0}
   * @return this layer
   * @throws IllegalArgumentException if one is not positive, or one is above 1 while a dilation
   *     is above 1
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D strides(int sh, int sw) {
    Checks.notBuilt(NAME, builtShape != null, "strides");
    Checks.positive(NAME, "stride height", sh);
    Checks.positive(NAME, "stride width", sw);
    stridesWithDilation(sh, sw, dilationH, dilationW);
    strideH = sh;
    strideW = sw;
    return this;
  }

  /**
   * Sets the dilation rates (default (1, 1)).
   *
   * @param dh the vertical spacing between kernel taps, {@code > 0}
   * @param dw the horizontal spacing between kernel taps, {@code > 0}
   * @return this layer
   * @throws IllegalArgumentException if one is not positive, or one is above 1 while a stride is
   *     above 1
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D dilation(int dh, int dw) {
    Checks.notBuilt(NAME, builtShape != null, "dilation");
    Checks.positive(NAME, "dilation height", dh);
    Checks.positive(NAME, "dilation width", dw);
    stridesWithDilation(strideH, strideW, dh, dw);
    dilationH = dh;
    dilationW = dw;
    return this;
  }

  private static void stridesWithDilation(int sh, int sw, int dh, int dw) {
    if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
      throw new IllegalArgumentException(
          NAME + ": strides above 1 cannot be combined with a dilation above 1, received strides "
              + ImageShapes.pair(sh, sw) + " and dilation " + ImageShapes.pair(dh, dw));
    }
  }

  /**
   * Sets the padding (default {@link Padding#VALID}).
   *
   * @param p how the border is treated
   * @return this layer
   * @throws IllegalArgumentException if null
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D padding(Padding p) {
    Checks.notBuilt(NAME, builtShape != null, "padding");
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
  public Conv2D dataFormat(DataFormat f) {
    Checks.notBuilt(NAME, builtShape != null, "dataFormat");
    dataFormat = Checks.notNull(NAME, "dataFormat", f);
    return this;
  }

  /**
   * Sets the activation (default {@link Activation#LINEAR}).
   *
   * @param a the function applied to the convolution plus bias
   * @return this layer
   * @throws IllegalArgumentException if null
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D activation(Activation a) {
    Checks.notBuilt(NAME, builtShape != null, "activation");
    activation = Checks.notNull(NAME, "activation", a);
    return this;
  }

  /**
   * Whether to add a bias (default true).
   *
   * @param b true to add one bias per filter
   * @return this layer
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D useBias(boolean b) {
    Checks.notBuilt(NAME, builtShape != null, "useBias");
    useBias = b;
    return this;
  }

  /**
   * Chooses the kernel initialiser (default {@link KernelInitializer#GLOROT_UNIFORM}, as Keras).
   *
   * @param initializer the initialiser of the kernel
   * @return this layer
   * @throws IllegalArgumentException if {@code initializer} is null
   * @throws IllegalStateException if the layer is already built
   */
  public Conv2D kernelInitializer(KernelInitializer initializer) {
    Checks.notBuilt(NAME, builtShape != null, "kernelInitializer");
    this.kernelInitializer = Checks.notNull(NAME, "kernel initializer", initializer);
    return this;
  }

  /** {@return the kernel initialiser} */
  public KernelInitializer kernelInitializer() {
    return kernelInitializer;
  }

  /**
   * Seeds the initial kernel: {@code new SplittableRandom(seed)} fills it in row-major order.
   *
   * @param seed the seed of the kernel initialiser
   * @return this layer
   * @throws IllegalStateException if the layer is built
   */
  public Conv2D seed(long seed) {
    Checks.notBuilt(NAME, builtShape != null, "seed");
    this.seed = seed;
    this.seeded = true;
    return this;
  }

  /** {@return the number of output channels} */
  public int filters() {
    return filters;
  }

  /** {@return the kernel size {@code {kh, kw}} (a copy)} */
  public int[] kernelSize() {
    return new int[] {kernelH, kernelW};
  }

  /** {@return the strides {@code {sh, sw}} (a copy)} */
  public int[] strides() {
    return new int[] {strideH, strideW};
  }

  /** {@return the dilation rates {@code {dh, dw}} (a copy)} */
  public int[] dilation() {
    return new int[] {dilationH, dilationW};
  }

  /** {@return the padding} */
  public Padding padding() {
    return padding;
  }

  /** {@return the data format} */
  public DataFormat dataFormat() {
    return dataFormat;
  }

  /** {@return the activation} */
  public Activation activation() {
    return activation;
  }

  /** {@return whether the layer adds a bias} */
  public boolean useBias() {
    return useBias;
  }

  /** {@return the initialisation seed given to {@link #seed(long)}, empty if the layer is unseeded} */
  public OptionalLong seed() {
    return seeded ? OptionalLong.of(seed) : OptionalLong.empty();
  }

  // ---------------------------------------------------------------- build

  /**
   * Creates the kernel (and bias) for inputs of this shape; the channel axis must be known.
   * Building a built layer again only checks the shape against the built one.
   *
   * @throws IllegalArgumentException if the shape does not suit the layer
   */
  @Override
  public void build(int... inputShape) {
    checkInput(inputShape, false);
    if (builtShape != null) {
      return;
    }
    int cin = inputShape[ImageShapes.channelAxis(dataFormat)];
    kernel = Tensor.zeros(kernelH, kernelW, cin, filters);
    kernelGrad = Tensor.zeros(kernelH, kernelW, cin, filters);
    if (useBias) {
      bias = Tensor.zeros(filters);
      biasGrad = Tensor.zeros(filters);
    }
    resetParameters(new SplittableRandom(seeded ? seed : Rng.freshSeed()));
    builtShape = inputShape.clone();
    builtShape[0] = -1;
  }

  /** The chosen kernel initialiser (Glorot-uniform by default) with Keras' fans, zero bias. */
  private void resetParameters(RandomGenerator rng) {
    int area = kernelH * kernelW;
    int cin = kernel.dim(2);
    kernelInitializer.fill(kernel.data(), area * cin, area * filters, rng);
    if (bias != null) {
      Arrays.fill(bias.data(), 0.0);
    }
  }

  /**
   * The output shape, (N, H', W', filters) or (N, filters, H', W'); -1 entries stay -1.
   *
   * @throws IllegalArgumentException if the shape does not suit the layer
   */
  @Override
  public int[] outputShape(int... inputShape) {
    checkInput(inputShape, true);
    return ImageShapes.outputShape(
        inputShape, dataFormat, filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
        padding);
  }

  private void checkInput(int[] shape, boolean channelsMayBeUnknown) {
    Checks.notNull(NAME, "input shape", shape);
    ImageShapes.check(
        NAME, shape, dataFormat, channelsMayBeUnknown, "kernel",
        kernelH, kernelW, dilationH, dilationW, padding);
    int axis = ImageShapes.channelAxis(dataFormat);
    if (builtShape != null && shape[axis] != builtShape[axis] && shape[axis] != -1) {
      throw new IllegalArgumentException(
          NAME + ": expected an input with " + builtShape[axis] + " channels on axis " + axis
              + " as built for shape " + Shapes.format(builtShape) + ", received shape "
              + Shapes.format(shape));
    }
  }

  // ---------------------------------------------------------------- forward

  /**
   * The convolution of {@code input}; builds the layer on first use. {@code training} changes
   * nothing for this layer.
   *
   * @throws IllegalArgumentException if the input shape does not suit the layer
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] shape = Checks.notNull(NAME, "input", input).shape();
    if (builtShape == null) {
      build(shape);
    } else {
      checkInput(shape, false);
    }
    ConvGeometry g = ImageShapes.geometry(
        shape, dataFormat, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding);
    int[] outShape = ImageShapes.outputShape(
        shape, dataFormat, filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
        padding);
    int outSize = Checks.arraySize(NAME, shape, "an output", outShape);
    boolean relu = activation == Activation.RELU;
    double[] out = Conv2dKernels.forwardFresh(
        input.data(), kernel.data(), useBias ? bias.data() : null, g, filters, channelsFirst(),
        relu, training ? stage(g, outSize) : null);
    if (!relu) {
      int last = outShape[3];
      activation.apply(out, out.length / last, last);
    }
    cache = new Cache(input, out, outShape, g);
    return Tensor.wrap(out, outShape);
  }

  /**
   * {@link #stage} for an output of {@code size} doubles, or null when staging is off: inference
   * (which may run from many threads at once, so it leaves the layer's buffers alone), one
   * thread, a large output, or a geometry whose forward does not stage (strides above 1).
   */
  private double[] stage(ConvGeometry g, int size) {
    if (Dropnet.threads() < 2 || size > MAX_STAGE || !Conv2dKernels.stagesOutput(g)) {
      stage = null;
      return null;
    }
    if (stage == null || stage.length != size) {
      stage = new double[size];
    }
    return stage;
  }

  private boolean channelsFirst() {
    return dataFormat == DataFormat.CHANNELS_FIRST;
  }

  // ---------------------------------------------------------------- backward

  /**
   * The gradient with respect to the input of the last forward; also sets the kernel and bias
   * gradients.
   *
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache c = Checks.forwardDone(NAME, cache);
    double[] dx = new double[c.input().size()];
    gradients(c, gradOutput, dx);
    return Tensor.wrap(dx, c.input().shape());
  }

  /**
   * The kernel and bias gradients as {@link #backward} computes them, without the input gradient
   * (the transposed convolution of the gradient with the kernel).
   *
   * @throws IllegalStateException if there was no forward yet
   * @throws IllegalArgumentException if {@code gradOutput} does not have the output's shape
   */
  @Override
  public void backwardWeightsOnly(Tensor gradOutput) {
    gradients(Checks.forwardDone(NAME, cache), gradOutput, null);
  }

  /** Fills the kernel and bias gradients, and {@code dx} unless it is null. */
  private void gradients(Cache c, Tensor gradOutput, double[] dx) {
    Checks.gradShape(NAME, c.outputShape(), gradOutput);
    double[] dy;
    double[] mask = null;
    if (activation == Activation.RELU) {
      dy = gradOutput.data();
      mask = c.output();
    } else if (activation == Activation.LINEAR) {
      dy = gradOutput.data();
    } else {
      dy = gradOutput.toArray();
      int last = c.outputShape()[3];
      activation.backward(c.output(), dy, dy.length / last, last);
    }
    Conv2dKernels.backward(
        c.input().data(), dy, mask, kernel.data(), c.geometry(), filters, channelsFirst(), dx,
        kernelGrad.data(), useBias ? biasGrad.data() : null);
  }

  // ---------------------------------------------------------------- weights

  /**
   * Copies of {@code kernel (kh, kw, C, filters)} and {@code bias (filters)}; empty before build.
   */
  @Override
  public List<Tensor> getWeights() {
    return copies(parameters());
  }

  /**
   * Copies in {@code kernel (kh, kw, C, filters)} and, with a bias, {@code bias (filters)}.
   *
   * @throws IllegalStateException if the layer is not built
   * @throws IllegalArgumentException on a wrong count or shape
   */
  @Override
  public void setWeights(List<Tensor> weights) {
    if (builtShape == null) {
      throw new IllegalStateException(
          NAME + ": setWeights needs a built layer; call build(inputShape) first");
    }
    Checks.copyWeights(NAME, weights, parameters());
  }

  /**
   * Copies of the kernel and bias gradients of the last backward (zeros before any); empty before
   * build.
   */
  @Override
  public List<Tensor> getGradients() {
    return copies(gradients());
  }

  /** The live kernel and bias; empty before build. */
  @Override
  public List<Tensor> parameters() {
    if (builtShape == null) {
      return List.of();
    }
    return useBias ? List.of(kernel, bias) : List.of(kernel);
  }

  /** The live kernel and bias gradients; empty before build. */
  @Override
  public List<Tensor> gradients() {
    if (builtShape == null) {
      return List.of();
    }
    return useBias ? List.of(kernelGrad, biasGrad) : List.of(kernelGrad);
  }

  private static List<Tensor> copies(List<Tensor> tensors) {
    return tensors.stream().map(Tensor::copy).toList();
  }

  /**
   * {@code Conv2D[filters=32, kernel=(3, 3), strides=(1, 1), padding=SAME, dilation=(1, 1),
   * dataFormat=CHANNELS_LAST, activation=RELU, useBias=true]}.
   */
  @Override
  public String toString() {
    return NAME + "[filters=" + filters
        + ", kernel=" + ImageShapes.pair(kernelH, kernelW)
        + ", strides=" + ImageShapes.pair(strideH, strideW)
        + ", padding=" + padding
        + ", dilation=" + ImageShapes.pair(dilationH, dilationW)
        + ", dataFormat=" + dataFormat
        + ", activation=" + activation
        + ", useBias=" + useBias + "]";
  }
}
