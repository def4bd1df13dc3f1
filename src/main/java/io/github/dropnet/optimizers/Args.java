package io.github.dropnet.optimizers;

/**
 * Hyper-parameter checks shared by the optimizers and schedules; every message names the owner,
 * the argument, what was expected and what was received.
 */
final class Args {
  private Args() {}

  /** Requires a finite {@code value >= 0} (NaN rejected). */
  static double nonNegative(String owner, String name, double value) {
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be a finite number >= 0, received " + value);
    }
    return value;
  }

  /** Requires a finite {@code value > 0} (NaN rejected). */
  static double positive(String owner, String name, double value) {
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be a finite number > 0, received " + value);
    }
    return value;
  }

  /** Requires {@code value > 0}. */
  static long positive(String owner, String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(owner + ": " + name + " must be > 0, received " + value);
    }
    return value;
  }

  /** Requires {@code 0 <= value < 1} (NaN rejected). */
  static double unitInterval(String owner, String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be in [0, 1), received " + value);
    }
    return value;
  }

  /** Requires {@code 0 <= value <= 1} (NaN rejected). */
  static double fraction(String owner, String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be in [0, 1], received " + value);
    }
    return value;
  }
}
