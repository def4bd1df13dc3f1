package io.github.dropnet.optimizers;

/**
 * A learning rate that falls polynomially to an end value (Keras {@code PolynomialDecay}).
 *
 * <h2>Semantics</h2>
 * Without cycling, with {@code s = min(step, decaySteps)}:
 * {@code rate(step) = (initialLearningRate - endLearningRate) * (1 - s / decaySteps)^power
 * + endLearningRate}; it stays at {@code endLearningRate} after {@code decaySteps}.
 *
 * <p>With {@code cycle == true} the decay restarts with a longer horizon instead:
 * {@code decaySteps} is replaced by {@code decaySteps * ceil(step / decaySteps)} (1 at step 0)
 * and {@code s = step}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * new PolynomialDecay(0.1, 1000, 0.001, 1.0, false);   // linear from 0.1 to 0.001
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class PolynomialDecay implements LearningRateSchedule {
  private static final String NAME = "PolynomialDecay";

  private final double initialLearningRate;
  private final long decaySteps;
  private final double endLearningRate;
  private final double power;
  private final boolean cycle;

  /**
   * A linear decay to {@code 1e-4} without cycling, the Keras defaults.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the length of the decay, {@code > 0}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public PolynomialDecay(double initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 1e-4, 1.0, false);
  }

  /**
   * A decay to {@code endLearningRate}, with or without cycling.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the length of the decay, {@code > 0}
   * @param endLearningRate the final rate, finite and {@code >= 0}
   * @param power the exponent of the polynomial, finite and {@code >= 0}
   * @param cycle true to restart the decay beyond {@code decaySteps}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public PolynomialDecay(
      double initialLearningRate, long decaySteps, double endLearningRate, double power,
      boolean cycle) {
    this.initialLearningRate =
        Args.nonNegative(NAME, "initialLearningRate", initialLearningRate);
    this.decaySteps = Args.positive(NAME, "decaySteps", decaySteps);
    this.endLearningRate = Args.nonNegative(NAME, "endLearningRate", endLearningRate);
    this.power = Args.nonNegative(NAME, "power", power);
    this.cycle = cycle;
  }

  @Override
  public double rate(long step) {
    double horizon = decaySteps;
    double s = step;
    if (cycle) {
      horizon *= step == 0 ? 1.0 : Math.ceil(s / decaySteps);
    } else {
      s = Math.min(s, horizon);
    }
    return (initialLearningRate - endLearningRate) * Math.pow(1 - s / horizon, power)
        + endLearningRate;
  }

  @Override
  public String toString() {
    return NAME + "[initialLearningRate=" + initialLearningRate + ", decaySteps=" + decaySteps
        + ", endLearningRate=" + endLearningRate + ", power=" + power + ", cycle=" + cycle + "]";
  }
}
