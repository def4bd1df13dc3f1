package io.github.dropnet.optimizers;

import io.github.dropnet.kernels.RmsPropKernels;

/**
 * RMSprop (Tieleman and Hinton, 2012), following PyTorch's {@code torch.optim.RMSprop}
 * (not centred, no weight decay).
 *
 * <h2>Update rule</h2>
 * For each parameter {@code p} with gradient {@code g}, with {@code v} and {@code b} starting at
 * zero:
 * <pre>
 *   v = rho * v + (1 - rho) * g^2
 *   s = g / (sqrt(v) + epsilon)
 *   momentum > 0:  b = momentum * b + s;  p -= lr * b
 *   otherwise:     p -= lr * s
 * </pre>
 *
 * <h2>Difference from Keras</h2>
 * Keras' own RMSprop puts epsilon inside the square root, {@code g / sqrt(v + epsilon)}, and folds
 * the learning rate into its momentum buffer ({@code b = momentum * b + lr * s}); the results
 * differ when epsilon is not negligible next to {@code v}, or when the rate changes over time.
 * Keras' defaults are kept: rho 0.9, momentum 0, epsilon 1e-7 (PyTorch: 0.99, 0, 1e-8).
 *
 * <h2>Zero gradients</h2>
 * With {@code epsilon == 0} and {@code v == 0} (all gradients so far zero), {@code s} is taken as
 * 0 rather than PyTorch's {@code 0 / 0 = NaN}.
 *
 * <h2>Arguments</h2>
 * {@code lr} (finite, {@code >= 0}, or a {@link LearningRateSchedule}), {@code rho} in
 * {@code [0, 1)}, {@code momentum} and {@code epsilon} finite and {@code >= 0}; anything else
 * throws {@link IllegalArgumentException} naming the argument. Clipping and the step contract are
 * those of {@link BaseOptimizer}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * RMSprop rms = new RMSprop(1e-3).clipValue(0.5);
 * }</pre>
 *
 * <p>Thread safety: not thread-safe (one optimizer per training loop).
 */
public final class RMSprop extends BaseOptimizer<RMSprop> {
  private static final String NAME = "RMSprop";

  private final double rho;
  private final double momentum;
  private final double epsilon;
  private double[][] v;
  private double[][] buffers;

  /**
   * RMSprop with Keras' defaults: rho 0.9, momentum 0, epsilon 1e-7.
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @throws IllegalArgumentException if {@code lr} is out of range
   */
  public RMSprop(double lr) {
    this(lr, 0.9, 0.0, 1e-7);
  }

  /**
   * RMSprop with explicit hyper-parameters.
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @param rho the decay rate of the mean square, in {@code [0, 1)}
   * @param momentum the momentum factor, finite and {@code >= 0} (0: none)
   * @param epsilon the constant added to {@code sqrt(v)}, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public RMSprop(double lr, double rho, double momentum, double epsilon) {
    this(constantRate(NAME, lr), rho, momentum, epsilon);
  }

  /**
   * RMSprop with a learning rate schedule and Keras' defaults for the rest.
   *
   * @param lr the learning rate schedule, not null
   * @throws IllegalArgumentException if {@code lr} is null
   */
  public RMSprop(LearningRateSchedule lr) {
    this(lr, 0.9, 0.0, 1e-7);
  }

  /**
   * RMSprop with a learning rate schedule and explicit hyper-parameters.
   *
   * @param lr the learning rate schedule, not null
   * @param rho the decay rate of the mean square, in {@code [0, 1)}
   * @param momentum the momentum factor, finite and {@code >= 0} (0: none)
   * @param epsilon the constant added to {@code sqrt(v)}, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public RMSprop(LearningRateSchedule lr, double rho, double momentum, double epsilon) {
    super(lr);
    this.rho = Args.unitInterval(NAME, "rho", rho);
    this.momentum = Args.nonNegative(NAME, "momentum", momentum);
    this.epsilon = Args.nonNegative(NAME, "epsilon", epsilon);
  }

  /** {@return the decay rate of the mean square, {@code rho}} */
  public double rho() {
    return rho;
  }

  /** {@return the momentum factor (0: none)} */
  public double momentum() {
    return momentum;
  }

  /** {@return the constant added to {@code sqrt(v)}} */
  public double epsilon() {
    return epsilon;
  }

  @Override
  protected void allocate(int[] sizes) {
    v = new double[sizes.length][];
    buffers = momentum > 0 ? new double[sizes.length][] : null;
    for (int i = 0; i < sizes.length; i++) {
      v[i] = new double[sizes[i]];
      if (buffers != null) {
        buffers[i] = new double[sizes[i]];
      }
    }
  }

  @Override
  protected void update(int index, double[] p, double[] g, double lr, long t) {
    double[] b = buffers == null ? null : buffers[index];
    RmsPropKernels.step(p, g, v[index], b, rho, momentum, epsilon, lr);
  }

  @Override
  protected String config() {
    return "rho=" + rho + ", momentum=" + momentum + ", epsilon=" + epsilon;
  }
}
