package io.github.dropnet.optimizers;

import java.util.Arrays;

/**
 * A learning rate that is constant between step boundaries (Keras
 * {@code PiecewiseConstantDecay}).
 *
 * <h2>Semantics</h2>
 * With boundaries {@code b[0] < b[1] < ... < b[n-1]} and {@code n + 1} values:
 * {@code rate(step) = values[0]} for {@code step <= b[0]}, {@code values[i]} for
 * {@code b[i-1] < step <= b[i]}, and {@code values[n]} for {@code step > b[n-1]}. (Each boundary
 * belongs to the interval before it, as in Keras.)
 *
 * <h2>Example</h2>
 * <pre>{@code
 * // 1.0 for steps 0..100, 0.5 for steps 101..200, 0.1 afterwards
 * new PiecewiseConstantDecay(new int[] {100, 200}, new double[] {1.0, 0.5, 0.1});
 * }</pre>
 *
 * <p>Thread safety: immutable (the arrays are copied).
 */
public final class PiecewiseConstantDecay implements LearningRateSchedule {
  private static final String NAME = "PiecewiseConstantDecay";

  private final int[] boundaries;
  private final double[] values;

  /**
   * Rate {@code values[i]} from just after {@code boundaries[i-1]} through {@code boundaries[i]},
   * and the last value after the last boundary.
   *
   * @param boundaries strictly increasing step boundaries (copied)
   * @param values the rates of the {@code boundaries.length + 1} intervals, each finite and
   *     {@code >= 0} (copied)
   * @throws IllegalArgumentException if the lengths do not match, the boundaries do not
   *     increase, or a value is out of range
   */
  public PiecewiseConstantDecay(int[] boundaries, double[] values) {
    if (boundaries == null || values == null) {
      throw new IllegalArgumentException(NAME + ": boundaries and values must not be null");
    }
    if (values.length != boundaries.length + 1) {
      throw new IllegalArgumentException(
          NAME + ": expected one more value than boundaries, received " + boundaries.length
              + " boundaries " + Arrays.toString(boundaries) + " and " + values.length
              + " values " + Arrays.toString(values));
    }
    for (int i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) {
        throw new IllegalArgumentException(
            NAME + ": boundaries must be strictly increasing, received "
                + Arrays.toString(boundaries));
      }
    }
    for (int i = 0; i < values.length; i++) {
      Args.nonNegative(NAME, "values[" + i + "]", values[i]);
    }
    this.boundaries = boundaries.clone();
    this.values = values.clone();
  }

  @Override
  public double rate(long step) {
    for (int i = 0; i < boundaries.length; i++) {
      if (step <= boundaries[i]) {
        return values[i];
      }
    }
    return values[boundaries.length];
  }

  @Override
  public String toString() {
    return NAME + "[boundaries=" + Arrays.toString(boundaries) + ", values="
        + Arrays.toString(values) + "]";
  }
}
