package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DenseKernels;
import io.github.dropnet.kernels.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer: {@code y = activation(x . kernel + bias)}, applied to the last axis.
 *
 * <p>As in Keras, an input of any rank {@code >= 2} is accepted: the kernel acts on the last axis
 * and every other axis is kept, so {@code (N, T, in)} gives {@code (N, T, units)}.
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code units}: the size of the output's last axis, {@code > 0}.
 *   <li>{@link #activation(Activation)}: applied to {@code x . kernel + bias}; default
 *       {@link Activation#LINEAR}. {@link Activation#SOFTMAX} is taken over the last axis, with
 *       the maximum subtracted first, so logits of +-1000 give no overflow and no NaN.
 *   <li>{@link #useBias(boolean)}: whether to add a bias; default {@code true}.
 *   <li>{@link #seed(long)}: makes the initial kernel deterministic; unseeded layers draw a fresh
 *       seed.
 * </ul>
 *
 * <h2>Shapes</h2>
 * Input {@code (..., in)} of rank {@code >= 2}; output {@code (..., units)}. Weights, in the order
 * of {@link #getWeights()}: {@code kernel (in, units)} and, with a bias, {@code bias (units)}.
 * The input size {@code in} is fixed by {@link #build} (or the first {@link #forward}); later
 * inputs must have the same last axis.
 *
 * <h2>Initialisation</h2>
 * As Keras: the kernel is Glorot-uniform, uniform in {@code [-limit, limit]} with
 * {@code limit = sqrt(6 / (in + units))}; the bias is zero. {@link #kernelInitializer} chooses
 * another of Keras' kernel initialisers, e.g. {@link KernelInitializer#LECUN_NORMAL} for a SELU
 * network.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Dense dense = new Dense(3).seed(42);            // linear; .activation(Activation.RELU) etc.
 * Tensor y = dense.forward(Tensor.ones(2, 4));   // shape (2, 3); kernel (4, 3), bias (3,)
 * Tensor dx = dense.backward(Tensor.ones(2, 3)); // shape (2, 4); getGradients() now filled
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for {@code units <= 0}, a null activation, an input of rank
 * {@code < 2}, a last axis that is not fixed and positive at build time or differs from the built
 * one, an output of more elements than one array holds, a gradient of the wrong shape, or
 * weights of the wrong count or shape.
 * {@link IllegalStateException} for a setter after build, {@link #setWeights} before build (as
 * Keras: the input size is not known yet), and backward before forward.
 *
 * <h2>Thread safety</h2>
 * Once built, inference ({@code forward(x, false)}) may run from many threads at once: each call
 * allocates its output and shares nothing mutable. Building, training (forward then backward),
 * {@link #setWeights} and weight updates are confined to one thread at a time. Forward keeps
 * references to its input and output (not copies) for backward: do not modify them in between.
 */
public final class Dense implements Layer {
  private static final String NAME = "Dense";

  // configuration
  private final int units;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private KernelInitializer kernelInitializer = KernelInitializer.GLOROT_UNIFORM;
  private Long seed;

  // weights, created by build: live tensors, updated in place by optimizers
  private int inputDim = -1;
  private Tensor kernel;
  private Tensor bias;
  private Tensor kernelGrad;
  private Tensor biasGrad;

  /** What backward needs from the last forward, written once at the end of forward. */
  private Cache cache;

  private record Cache(Tensor input, Tensor output, int rows) {}

  /**
   * A dense layer with {@code units} outputs, linear activation and a bias.
   *
   * @param units the size of the output's last axis, {@code > 0}
   * @throws IllegalArgumentException if {@code units <= 0}
   */
  public Dense(int units) {
    this.units = Checks.positive(NAME, "units", units);
  }

  /**
   * Sets the activation (default {@link Activation#LINEAR}).
   *
   * @param activation the function applied to {@code x . kernel + bias}
   * @return this layer
   * @throws IllegalArgumentException if {@code activation} is null
   * @throws IllegalStateException if the layer is already built
   */
  public Dense activation(Activation activation) {
    Checks.notBuilt(NAME, isBuilt(), "activation");
    this.activation = Checks.notNull(NAME, "activation", activation);
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
  public Dense kernelInitializer(KernelInitializer initializer) {
    Checks.notBuilt(NAME, isBuilt(), "kernelInitializer");
    this.kernelInitializer = Checks.notNull(NAME, "kernel initializer", initializer);
    return this;
  }

  /** {@return the kernel initialiser} */
  public KernelInitializer kernelInitializer() {
    return kernelInitializer;
  }

  /**
   * Whether to add a bias (default {@code true}, as Keras).
   *
   * @param useBias true to add a bias vector, false for {@code x . kernel} alone
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public Dense useBias(boolean useBias) {
    Checks.notBuilt(NAME, isBuilt(), "useBias");
    this.useBias = useBias;
    return this;
  }

  /**
   * Makes the initial weights deterministic: the same seed gives the same kernel.
   *
   * @param seed the seed of the kernel initialiser
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public Dense seed(long seed) {
    Checks.notBuilt(NAME, isBuilt(), "seed");
    this.seed = seed;
    return this;
  }

  /** {@return the number of output units} */
  public int units() {
    return units;
  }

  /** {@return the activation} */
  public Activation activation() {
    return activation;
  }

  /** {@return whether the layer adds a bias} */
  public boolean useBias() {
    return useBias;
  }

  /** {@return the initialisation seed, empty if the layer is unseeded} */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** {@return whether the weights exist (after {@link #build} or the first {@link #forward})} */
  public boolean isBuilt() {
    return kernel != null;
  }

  /**
   * Creates the kernel and bias for inputs of shape {@code (..., in)}. Building again with the same
   * last axis keeps the weights.
   *
   * @throws IllegalArgumentException if the rank is below 2, the last axis is not a fixed positive
   *     size, or the layer is built for another last axis
   */
  @Override
  public void build(int... inputShape) {
    checkShape(inputShape);
    int in = inputShape[inputShape.length - 1];
    if (isBuilt()) {
      if (in != inputDim) {
        throw shapeError(inputShape);
      }
      return;
    }
    if (in <= 0) {
      throw new IllegalArgumentException(
          NAME + ": the last axis of the input must be a fixed positive size, received shape "
              + Shapes.format(inputShape));
    }
    inputDim = in;
    kernel = Tensor.zeros(in, units);
    kernelGrad = Tensor.zeros(in, units);
    if (useBias) {
      bias = Tensor.zeros(units);
      biasGrad = Tensor.zeros(units);
    }
    resetParameters(new SplittableRandom(seed != null ? seed : Rng.freshSeed()));
  }

  /**
   * Keras' initialisation, in one place: kernel Glorot-uniform in {@code [-sqrt(6 / (in +
   * units)), +sqrt(6 / (in + units))]} unless another {@link KernelInitializer} was chosen, bias
   * zero.
   */
  private void resetParameters(RandomGenerator rng) {
    kernelInitializer.fill(kernel.data(), inputDim, units, rng);
    if (bias != null) {
      Arrays.fill(bias.data(), 0.0);
    }
  }

  /**
   * {@code (..., in)} gives {@code (..., units)}; -1 entries stay -1.
   *
   * @throws IllegalArgumentException if the rank is below 2 or the last axis differs from the
   *     built one
   */
  @Override
  public int[] outputShape(int... inputShape) {
    checkShape(inputShape);
    int in = inputShape[inputShape.length - 1];
    if (isBuilt() && in != -1 && in != inputDim) {
      throw shapeError(inputShape);
    }
    int[] out = inputShape.clone();
    out[out.length - 1] = units;
    return out;
  }

  private void checkShape(int[] shape) {
    Checks.notNull(NAME, "input shape", shape);
    boolean ok = shape.length >= 2;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = shape[i] >= -1;
    }
    if (!ok) {
      throw shapeError(shape);
    }
  }

  private IllegalArgumentException shapeError(int[] shape) {
    String expected = isBuilt()
        ? "rank >= 2 with last axis " + inputDim + " (as built)"
        : "rank >= 2 with sizes >= 0 (or -1 where not fixed)";
    return new IllegalArgumentException(
        NAME + ": expected an input of " + expected + ", received shape " + Shapes.format(shape));
  }

  /**
   * {@code activation(x . kernel + bias)} over the last axis; builds the layer on first use. The
   * flag {@code training} changes nothing here.
   *
   * @throws IllegalArgumentException if the rank is below 2 or the last axis differs from the
   *     built one
   */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    int[] shape = Checks.notNull(NAME, "input", input).shape();
    if (!isBuilt()) {
      build(shape);
    }
    if (shape.length < 2 || shape[shape.length - 1] != inputDim) {
      throw shapeError(shape);
    }
    int rows = input.size() / inputDim;
    int[] outShape = shape.clone();
    outShape[outShape.length - 1] = units;
    double[] z = new double[Checks.arraySize(NAME, shape, "an output", outShape)];
    DenseKernels.forward(
        input.data(), kernel.data(), useBias ? bias.data() : null, rows, inputDim, units, z);
    activation.apply(z, rows, units);
    Tensor output = Tensor.wrap(z, outShape);
    cache = new Cache(input, output, rows);
    return output;
  }

  /**
   * The gradient with respect to the last forward's input; also fills the kernel and bias
   * gradients ({@code dKernel = x^T . dz}, {@code dBias = sum of dz over all but the last axis},
   * where {@code dz} is the gradient before the activation).
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache c = Checks.forwardDone(NAME, cache);
    double[] dz = weightGradients(c, gradOutput);
    double[] dx = new double[c.rows() * inputDim];
    DenseKernels.backwardInput(dz, kernel.data(), c.rows(), inputDim, units, dx);
    return Tensor.wrap(dx, c.input().shape());
  }

  /**
   * The kernel and bias gradients as {@link #backward} computes them, without the input gradient
   * (the product {@code dz . kernel^T}).
   *
   * @throws IllegalStateException before any forward
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public void backwardWeightsOnly(Tensor gradOutput) {
    weightGradients(Checks.forwardDone(NAME, cache), gradOutput);
  }

  /** Fills the kernel and bias gradients; returns {@code dz}, the gradient before the activation. */
  private double[] weightGradients(Cache c, Tensor gradOutput) {
    Checks.gradShape(NAME, c.output().shape(), gradOutput);
    int rows = c.rows();
    double[] dz = gradOutput.toArray();
    activation.backward(c.output().data(), dz, rows, units);
    DenseKernels.backwardWeights(
        c.input().data(), dz, rows, inputDim, units,
        kernelGrad.data(), useBias ? biasGrad.data() : null);
    return dz;
  }

  /** Copies of the kernel {@code (in, units)} and bias {@code (units)}; empty before build. */
  @Override
  public List<Tensor> getWeights() {
    return copies(parameters());
  }

  /**
   * Copies {@code [kernel (in, units), bias (units)]} (or only the kernel without a bias) into the
   * layer. As in Keras, the layer must be built first.
   *
   * @throws IllegalStateException if the layer is not built
   * @throws IllegalArgumentException on a wrong count or shape
   */
  @Override
  public void setWeights(List<Tensor> weights) {
    if (!isBuilt()) {
      throw new IllegalStateException(
          NAME + ": setWeights needs a built layer (the input size is not known yet): call "
              + "build(inputShape) or forward first");
    }
    Checks.copyWeights(NAME, weights, parameters());
  }

  /**
   * Copies of the kernel and bias gradients of the last backward (zeros before any backward);
   * empty before build.
   */
  @Override
  public List<Tensor> getGradients() {
    return copies(gradients());
  }

  /** The live kernel and bias (not copies); empty before build. */
  @Override
  public List<Tensor> parameters() {
    if (!isBuilt()) {
      return List.of();
    }
    return useBias ? List.of(kernel, bias) : List.of(kernel);
  }

  /** The live kernel and bias gradients (not copies), filled by backward; empty before build. */
  @Override
  public List<Tensor> gradients() {
    if (!isBuilt()) {
      return List.of();
    }
    return useBias ? List.of(kernelGrad, biasGrad) : List.of(kernelGrad);
  }

  private static List<Tensor> copies(List<Tensor> tensors) {
    Tensor[] out = new Tensor[tensors.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tensors.get(i).copy();
    }
    return List.of(out);
  }

  /** {@code Dense[units=128, activation=RELU]}, plus {@code , useBias=false} without a bias. */
  @Override
  public String toString() {
    return NAME + "[units=" + units + ", activation=" + activation
        + (useBias ? "" : ", useBias=false") + "]";
  }
}
