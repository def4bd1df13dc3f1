package io.github.dropnet.optimizers;

/**
 * A learning rate that depends on the optimizer's step count, as Keras'
 * {@code LearningRateSchedule}.
 *
 * <h2>Semantics</h2>
 * An optimizer evaluates {@code rate(iterations)} before each update, where {@code iterations}
 * counts the updates already applied: the first update uses {@code rate(0)}, the second
 * {@code rate(1)}, and so on (as Keras). A rate must be finite and {@code >= 0}; an optimizer
 * throws {@link IllegalStateException} when its schedule returns anything else.
 *
 * <p>Implementations in this package: {@link #constant}, {@link ExponentialDecay},
 * {@link PiecewiseConstantDecay}, {@link CosineDecay}, {@link InverseTimeDecay} and
 * {@link PolynomialDecay}. A lambda works too: {@code step -> step < 100 ? 1e-3 : 1e-4}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Optimizer adam = new Adam(new ExponentialDecay(1e-3, 1000, 0.96, true));
 * }</pre>
 *
 * <p>Thread safety: the schedules of this package are immutable and may be shared.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /**
   * The learning rate of the update that follows {@code step} completed updates.
   *
   * @param step the number of updates already applied, from 0
   * @return the learning rate, finite and {@code >= 0}
   */
  double rate(long step);

  /**
   * A rate that never changes.
   *
   * @param lr the learning rate of every step
   * @return an immutable schedule returning {@code lr}
   * @throws IllegalArgumentException unless {@code lr} is finite and {@code >= 0}
   */
  static LearningRateSchedule constant(double lr) {
    return new ConstantLearningRate(Args.nonNegative("LearningRateSchedule.constant", "lr", lr));
  }
}
