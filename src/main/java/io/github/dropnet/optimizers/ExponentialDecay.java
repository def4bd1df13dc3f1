package io.github.dropnet.optimizers;

/**
 * A learning rate that decays exponentially with the step (Keras {@code ExponentialDecay}).
 *
 * <h2>Semantics</h2>
 * {@code rate(step) = initialLearningRate * decayRate^(step / decaySteps)}, where the exponent
 * is rounded down to an integer when {@code staircase} is true (the rate then drops every
 * {@code decaySteps} steps).
 *
 * <h2>Example</h2>
 * <pre>{@code
 * new ExponentialDecay(0.1, 1000, 0.5, true);   // 0.1 for steps 0..999, 0.05 from 1000, ...
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class ExponentialDecay implements LearningRateSchedule {
  private static final String NAME = "ExponentialDecay";

  private final StepDecay decay;

  /**
   * Continuous decay ({@code staircase == false}), the Keras default.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the number of steps over which the rate is multiplied by
   *     {@code decayRate}, {@code > 0}
   * @param decayRate the factor per {@code decaySteps} steps, finite and {@code >= 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  /**
   * A decay, continuous or in steps.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the number of steps over which the rate is multiplied by
   *     {@code decayRate}, {@code > 0}
   * @param decayRate the factor per {@code decaySteps} steps, finite and {@code >= 0}
   * @param staircase true to decay in discrete jumps every {@code decaySteps} steps
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public ExponentialDecay(
      double initialLearningRate, long decaySteps, double decayRate, boolean staircase) {
    this.decay = new StepDecay(NAME, initialLearningRate, decaySteps, decayRate, staircase);
  }

  @Override
  public double rate(long step) {
    return decay.initialLearningRate() * Math.pow(decay.decayRate(), decay.progress(step));
  }

  @Override
  public String toString() {
    return decay.toString();
  }
}
