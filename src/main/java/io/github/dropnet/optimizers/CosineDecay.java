package io.github.dropnet.optimizers;

/**
 * A learning rate that follows half a cosine from its initial value down to a floor, optionally
 * after a linear warm-up (Keras {@code CosineDecay}; Loshchilov and Hutter, SGDR, without
 * restarts).
 *
 * <h2>Semantics</h2>
 * Without warm-up, with {@code s = min(step, decaySteps)}:
 * {@code rate(step) = initialLearningRate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decaySteps))
 * + alpha)}, so it falls from {@code initialLearningRate} to {@code alpha * initialLearningRate}
 * and stays there.
 *
 * <p>With warm-up ({@code warmupSteps > 0}), the rate first rises linearly from
 * {@code initialLearningRate} to {@code warmupTarget} over {@code warmupSteps} steps, then decays
 * from {@code warmupTarget} as above over the next {@code decaySteps} steps. Given a
 * {@code warmupTarget} but no warm-up steps, the decay starts from {@code warmupTarget} at once,
 * as Keras does once {@code warmup_target} is set.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * new CosineDecay(0.1, 1000, 0.0);                // 0.1 -> 0 over 1000 steps
 * new CosineDecay(0.0, 1000, 0.0, 0.1, 100);      // 0 -> 0.1 over 100 steps, then down to 0
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class CosineDecay implements LearningRateSchedule {
  private static final String NAME = "CosineDecay";

  private final double initialLearningRate;
  private final long decaySteps;
  private final double alpha;
  private final double warmupTarget;
  private final long warmupSteps;

  /**
   * A cosine decay without warm-up.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the length of the decay, {@code > 0}
   * @param alpha the final rate as a fraction of the initial one, in {@code [0, 1]}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
    this(initialLearningRate, decaySteps, alpha, initialLearningRate, 0);
  }

  /**
   * A linear warm-up to {@code warmupTarget}, then a cosine decay from it.
   *
   * @param initialLearningRate the rate at step 0, finite and {@code >= 0}
   * @param decaySteps the length of the decay, after the warm-up, {@code > 0}
   * @param alpha the final rate as a fraction of {@code warmupTarget}, in {@code [0, 1]}
   * @param warmupTarget the rate reached at the end of the warm-up, finite and {@code >= 0}
   * @param warmupSteps the length of the warm-up, {@code >= 0} (0: no warm-up)
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public CosineDecay(
      double initialLearningRate, long decaySteps, double alpha, double warmupTarget,
      long warmupSteps) {
    this.initialLearningRate =
        Args.nonNegative(NAME, "initialLearningRate", initialLearningRate);
    this.decaySteps = Args.positive(NAME, "decaySteps", decaySteps);
    this.alpha = Args.fraction(NAME, "alpha", alpha);
    this.warmupTarget = Args.nonNegative(NAME, "warmupTarget", warmupTarget);
    if (warmupSteps < 0) {
      throw new IllegalArgumentException(
          NAME + ": warmupSteps must be >= 0, received " + warmupSteps);
    }
    this.warmupSteps = warmupSteps;
  }

  @Override
  public double rate(long step) {
    long s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) {
      return (warmupTarget - initialLearningRate) * ((double) s / warmupSteps)
          + initialLearningRate;
    }
    return decay(s - warmupSteps, warmupTarget);
  }

  private double decay(long s, double from) {
    double cosine = 0.5 * (1 + Math.cos(Math.PI * ((double) s / decaySteps)));
    return from * ((1 - alpha) * cosine + alpha);
  }

  @Override
  public String toString() {
    return NAME + "[initialLearningRate=" + initialLearningRate + ", decaySteps=" + decaySteps
        + ", alpha=" + alpha
        + (warmupSteps > 0 || warmupTarget != initialLearningRate
            ? ", warmupTarget=" + warmupTarget + ", warmupSteps=" + warmupSteps : "")
        + "]";
  }
}
