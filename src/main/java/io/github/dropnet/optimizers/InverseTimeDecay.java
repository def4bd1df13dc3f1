package io.github.dropnet.optimizers;

/**
 * A learning rate that decays as the inverse of time (Keras {@code InverseTimeDecay}).
 *
 * <h2>Semantics</h2>
 * {@code rate(step) = initialLearningRate / (1 + decayRate * step / decaySteps)}, where
 * {@code step / decaySteps} is rounded down to an integer when {@code staircase} is true.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * new InverseTimeDecay(0.1, 100, 1.0, false);   // 0.1 at step 0, 0.05 at step 100, ...
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class InverseTimeDecay implements LearningRateSchedule {
  private static final String NAME = "InverseTimeDecay";

  private final StepDecay decay;

  /**
   * Continuous decay ({@code staircase == false}), the Keras default.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the time unit of the decay, {@code > 0}
   * @param decayRate how fast the rate falls, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  /**
   * A decay, continuous or in steps.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the time unit of the decay, {@code > 0}
   * @param decayRate how fast the rate falls, finite and {@code >= 0}
   * @param staircase true to decay in discrete jumps every {@code decaySteps} steps
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public InverseTimeDecay(
      double initialLearningRate, long decaySteps, double decayRate, boolean staircase) {
    this.decay = new StepDecay(NAME, initialLearningRate, decaySteps, decayRate, staircase);
  }

  @Override
  public double rate(long step) {
    return decay.initialLearningRate() / (1 + decay.decayRate() * decay.progress(step));
  }

  @Override
  public String toString() {
    return decay.toString();
  }
}
