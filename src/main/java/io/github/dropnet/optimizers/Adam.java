package io.github.dropnet.optimizers;

import io.github.dropnet.kernels.AdamKernels;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, following PyTorch's {@code torch.optim.Adam}
 * (no weight decay, no AMSGrad).
 *
 * <h2>Update rule</h2>
 * For each parameter {@code p} with gradient {@code g} at step {@code t} (from 1), with
 * {@code m} and {@code v} starting at zero:
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   m_hat = m / (1 - beta1^t)
 *   v_hat = v / (1 - beta2^t)
 *   p -= lr * m_hat / (sqrt(v_hat) + epsilon)
 * </pre>
 * computed as PyTorch does: {@code p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t)
 * + epsilon)}.
 *
 * <h2>Difference from Keras</h2>
 * Keras' own Adam adds epsilon to the uncorrected {@code sqrt(v)}:
 * {@code p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)}. The two agree
 * when epsilon is negligible next to {@code sqrt(v)} and differ otherwise (for instance in the
 * first steps with a large epsilon). Keras' defaults are kept: beta1 0.9, beta2 0.999,
 * epsilon 1e-7 (PyTorch's default epsilon is 1e-8).
 *
 * <h2>Zero gradients</h2>
 * A zero gradient still moves the parameter while {@code m} is non-zero (momentum), as in both
 * frameworks. With {@code epsilon == 0} and a parameter whose gradients have all been zero
 * ({@code v == 0}), the update is 0 rather than PyTorch's {@code 0 / 0 = NaN}.
 *
 * <h2>Arguments</h2>
 * {@code lr} (finite, {@code >= 0}, or a {@link LearningRateSchedule}), {@code beta1} and
 * {@code beta2} in {@code [0, 1)}, {@code epsilon} finite and {@code >= 0}; anything else throws
 * {@link IllegalArgumentException} naming the argument. Clipping and the step contract are those
 * of {@link BaseOptimizer}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Adam adam = new Adam(1e-3).globalClipNorm(5.0);
 * }</pre>
 *
 * <p>Thread safety: not thread-safe (one optimizer per training loop).
 */
public final class Adam extends BaseOptimizer<Adam> {
  private static final String NAME = "Adam";

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private double[][] m;
  private double[][] v;

  /**
   * Adam with Keras' defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @throws IllegalArgumentException if {@code lr} is out of range
   */
  public Adam(double lr) {
    this(lr, 0.9, 0.999, 1e-7);
  }

  /**
   * Adam with explicit hyper-parameters.
   *
   * @param lr the constant learning rate, finite and {@code >= 0}
   * @param beta1 the decay rate of the first moment estimate, in {@code [0, 1)}
   * @param beta2 the decay rate of the second moment estimate, in {@code [0, 1)}
   * @param epsilon the constant added to {@code sqrt(v_hat)}, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public Adam(double lr, double beta1, double beta2, double epsilon) {
    this(constantRate(NAME, lr), beta1, beta2, epsilon);
  }

  /**
   * Adam with a learning rate schedule and Keras' defaults for the rest.
   *
   * @param lr the learning rate schedule, not null
   * @throws IllegalArgumentException if {@code lr} is null
   */
  public Adam(LearningRateSchedule lr) {
    this(lr, 0.9, 0.999, 1e-7);
  }

  /**
   * Adam with a learning rate schedule and explicit hyper-parameters.
   *
   * @param lr the learning rate schedule, not null
   * @param beta1 the decay rate of the first moment estimate, in {@code [0, 1)}
   * @param beta2 the decay rate of the second moment estimate, in {@code [0, 1)}
   * @param epsilon the constant added to {@code sqrt(v_hat)}, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public Adam(LearningRateSchedule lr, double beta1, double beta2, double epsilon) {
    super(lr);
    this.beta1 = Args.unitInterval(NAME, "beta1", beta1);
    this.beta2 = Args.unitInterval(NAME, "beta2", beta2);
    this.epsilon = Args.nonNegative(NAME, "epsilon", epsilon);
  }

  /** {@return the decay rate of the first moment estimate, {@code beta1}} */
  public double beta1() {
    return beta1;
  }

  /** {@return the decay rate of the second moment estimate, {@code beta2}} */
  public double beta2() {
    return beta2;
  }

  /** {@return the constant added to {@code sqrt(v_hat)}} */
  public double epsilon() {
    return epsilon;
  }

  @Override
  protected void allocate(int[] sizes) {
    m = new double[sizes.length][];
    v = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      m[i] = new double[sizes[i]];
      v[i] = new double[sizes[i]];
    }
  }

  @Override
  protected void update(int index, double[] p, double[] g, double lr, long t) {
    double stepSize = lr / (1 - Math.pow(beta1, t));
    double correction2 = Math.sqrt(1 - Math.pow(beta2, t));
    AdamKernels.step(p, g, m[index], v[index], beta1, beta2, epsilon, stepSize, correction2);
  }

  @Override
  protected String config() {
    return "beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon;
  }
}
