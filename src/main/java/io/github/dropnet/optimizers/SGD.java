package io.github.dropnet.optimizers;

/**
 * Stochastic gradient descent, with optional (Nesterov) momentum, following PyTorch's
 * {@code torch.optim.SGD} (no dampening, no weight decay).
 *
 * <h2>Update rule</h2>
 * For each parameter {@code p} with gradient {@code g_t} at step {@code t}:
 * <pre>
 *   momentum == 0:  p -= lr * g_t
 *   otherwise:      b_t = momentum * b_(t-1) + g_t      (b_1 = g_1)
 *                   d   = nesterov ? g_t + momentum * b_t : b_t
 *                   p  -= lr * d
 * </pre>
 * For a constant learning rate this gives the same parameters as Keras' {@code v = m*v - lr*g;
 * p += v} (Nesterov: {@code p += m*v - lr*g}). With a learning rate that changes over time they
 * differ: here the rate multiplies the whole momentum buffer at each step, while Keras folds each
 * step's rate into its velocity. {@code nesterov} with {@code momentum == 0} is plain SGD (Keras
 * accepts it; PyTorch rejects it).
 *
 * <h2>Arguments</h2>
 * {@code lr} (a constant, finite and {@code >= 0}, or a {@link LearningRateSchedule}),
 * {@code momentum} (finite, {@code >= 0}; Keras' default 0), {@code nesterov} (default false).
 * Out-of-range values throw {@link IllegalArgumentException} naming the argument. Clipping and
 * the step contract are those of {@link BaseOptimizer}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SGD sgd = new SGD(0.01, 0.9, true).clipNorm(1.0);
 * sgd.step(layer.parameters(), layer.gradients());
 * }</pre>
 *
 * <p>Thread safety: not thread-safe (one optimizer per training loop).
 */
public final class SGD extends BaseOptimizer<SGD> {
  private static final String NAME = "SGD";

  private final double momentum;
  private final boolean nesterov;
  private double[][] buffers;

  /**
   * Plain SGD: {@code p -= lr * g}.
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @throws IllegalArgumentException if {@code lr} is out of range
   */
  public SGD(double lr) {
    this(lr, 0.0, false);
  }

  /**
   * SGD with momentum (Nesterov's if {@code nesterov}).
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @param momentum the momentum factor, finite and {@code >= 0} (0: none)
   * @param nesterov true for Nesterov momentum, false for classical momentum
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public SGD(double lr, double momentum, boolean nesterov) {
    this(constantRate(NAME, lr), momentum, nesterov);
  }

  /**
   * Plain SGD with a learning rate schedule.
   *
   * @param lr the learning rate schedule, not null
   * @throws IllegalArgumentException if {@code lr} is null
   */
  public SGD(LearningRateSchedule lr) {
    this(lr, 0.0, false);
  }

  /**
   * SGD with momentum and a learning rate schedule.
   *
   * @param lr the learning rate schedule, not null
   * @param momentum the momentum factor, finite and {@code >= 0} (0: none)
   * @param nesterov true for Nesterov momentum, false for classical momentum
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public SGD(LearningRateSchedule lr, double momentum, boolean nesterov) {
    super(lr);
    this.momentum = Args.nonNegative(NAME, "momentum", momentum);
    this.nesterov = nesterov;
  }

  /** {@return the momentum factor (0: none)} */
  public double momentum() {
    return momentum;
  }

  /** {@return true for Nesterov momentum, false for classical momentum} */
  public boolean nesterov() {
    return nesterov;
  }

  @Override
  protected void allocate(int[] sizes) {
    buffers = null;
    if (momentum != 0) {
      buffers = new double[sizes.length][];
      for (int i = 0; i < sizes.length; i++) {
        buffers[i] = new double[sizes[i]];
      }
    }
  }

  @Override
  protected void update(int index, double[] p, double[] g, double lr, long t) {
    if (momentum == 0) {
      for (int j = 0; j < p.length; j++) {
        p[j] -= lr * g[j];
      }
      return;
    }
    double[] b = buffers[index];
    for (int j = 0; j < p.length; j++) {
      b[j] = t == 1 ? g[j] : momentum * b[j] + g[j];
      p[j] -= lr * (nesterov ? g[j] + momentum * b[j] : b[j]);
    }
  }

  @Override
  protected String config() {
    return "momentum=" + momentum + ", nesterov=" + nesterov;
  }
}
