package io.github.dropnet.layers;

/** The factories' schedules behind {@link RateSchedule}, and the check a scheduled layer runs. */
final class RateSchedules {
  private RateSchedules() {}

  record Constant(double value) implements RateSchedule {
    @Override
    public double valueAt(int epoch, long step) {
      return value;
    }

    @Override
    public String toString() {
      return "RateSchedule.constant(" + value + ")";
    }
  }

  /** Linear from {@code from} to {@code to} over {@code length} epochs, or steps if byStep. */
  record Linear(double from, double to, long length, boolean byStep) implements RateSchedule {
    @Override
    public double valueAt(int epoch, long step) {
      long t = Math.min(byStep ? step : epoch, length);
      return t >= length ? to : from + (to - from) * ((double) t / length);
    }

    @Override
    public String toString() {
      return "RateSchedule." + (byStep ? "linearSteps(" : "linear(") + from + ", " + to + ", "
          + length + ")";
    }
  }

  record Step(double initial, double factor, int every) implements RateSchedule {
    @Override
    public double valueAt(int epoch, long step) {
      return initial * Math.pow(factor, Math.floorDiv(epoch, every));
    }

    @Override
    public String toString() {
      return "RateSchedule.step(" + initial + ", " + factor + ", " + every + ")";
    }
  }

  record Exponential(double initial, double decay) implements RateSchedule {
    @Override
    public double valueAt(int epoch, long step) {
      return initial * Math.pow(decay, epoch);
    }

    @Override
    public String toString() {
      return "RateSchedule.exponential(" + initial + ", " + decay + ")";
    }
  }

  static double finite(String factory, String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "RateSchedule." + factory + ": " + name + " must be finite, received " + value);
    }
    return value;
  }

  static long positive(String factory, String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "RateSchedule." + factory + ": " + name + " must be positive, received " + value);
    }
    return value;
  }

  static int positive(String factory, String name, int value) {
    return (int) positive(factory, name, (long) value);
  }

  /** Requires a training position: {@code epoch >= 0} and {@code step >= 0}. */
  static void checkProgress(String layer, int epoch, long step) {
    if (epoch < 0 || step < 0) {
      throw new IllegalArgumentException(
          layer + ": schedule updates need epoch >= 0 and step >= 0, received epoch " + epoch
              + ", step " + step);
    }
  }

  /**
   * The schedule's value at (epoch, step), checked as a rate in [0, 1] (or [0, 1) when
   * {@code belowOne}); the message names the layer, the argument, the value, epoch and step.
   */
  static double rateAt(
      String layer, String name, RateSchedule schedule, int epoch, long step, boolean belowOne) {
    checkProgress(layer, epoch, step);
    double v = schedule.valueAt(epoch, step);
    boolean ok = v >= 0 && (belowOne ? v < 1 : v <= 1);
    if (!ok) {
      throw new IllegalArgumentException(
          layer + ": the " + name + " schedule gave " + v + " at epoch " + epoch + ", step " + step
              + "; " + name + " must be in [0, 1" + (belowOne ? ")" : "]"));
    }
    return v;
  }
}
