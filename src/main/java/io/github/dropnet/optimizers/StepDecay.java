package io.github.dropnet.optimizers;

/**
 * The arguments of the step-based decays ({@link ExponentialDecay}, {@link InverseTimeDecay}),
 * checked, and their progress: {@code step / decaySteps}, rounded down to an integer when
 * {@code staircase} is true. Each decay applies its own formula to the progress.
 *
 * <p>Thread safety: immutable.
 */
record StepDecay(
    String owner, double initialLearningRate, long decaySteps, double decayRate,
    boolean staircase) {

  /**
   * Checks the arguments; every message names the owner and the argument.
   *
   * @throws IllegalArgumentException if {@code initialLearningRate} or {@code decayRate} is not a
   *     finite number {@code >= 0}, or {@code decaySteps <= 0}
   */
  StepDecay {
    Args.nonNegative(owner, "initialLearningRate", initialLearningRate);
    Args.positive(owner, "decaySteps", decaySteps);
    Args.nonNegative(owner, "decayRate", decayRate);
  }

  /** {@code step / decaySteps}, rounded down when {@code staircase} is true. */
  double progress(long step) {
    double p = (double) step / decaySteps;
    if (staircase) {
      p = Math.floor(p);
    }
    return p;
  }

  /** E.g. {@code ExponentialDecay[initialLearningRate=0.1, decaySteps=1000, ...]}. */
  @Override
  public String toString() {
    return owner + "[initialLearningRate=" + initialLearningRate + ", decaySteps=" + decaySteps
        + ", decayRate=" + decayRate + ", staircase=" + staircase + "]";
  }
}
