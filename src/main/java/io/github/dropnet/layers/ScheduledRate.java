package io.github.dropnet.layers;

import java.util.Optional;

/**
 * A dropout rate that may follow a {@link RateSchedule}: the value a layer reads on each forward,
 * checked as a rate in [0, 1] (or [0, 1) for a layer whose formula breaks down at 1), and the
 * schedule that moves it.
 *
 * <p>Every message names the layer and the argument, as the layer's own checks do.
 *
 * <p>Thread safety: none; set by the training thread between steps.
 */
final class ScheduledRate {
  private final String layer;
  private final String name;
  /** Why 1 is not a rate of this layer, or {@code null} if 1 is allowed. */
  private final String whyNotOne;
  private double value;
  /** The schedule that sets {@link #value} on each update, or null for a fixed rate. */
  private RateSchedule schedule;

  private ScheduledRate(String layer, String name, String whyNotOne, double value) {
    this.layer = layer;
    this.name = name;
    this.whyNotOne = whyNotOne;
    set(value);
  }

  /**
   * A rate in [0, 1].
   *
   * @throws IllegalArgumentException if {@code value} is outside [0, 1] or NaN
   */
  static ScheduledRate closed(String layer, String name, double value) {
    return new ScheduledRate(layer, name, null, value);
  }

  /**
   * A rate in [0, 1); {@code whyNotOne} is appended to the message that rejects 1.
   *
   * @throws IllegalArgumentException if {@code value} is outside [0, 1) or NaN
   */
  static ScheduledRate belowOne(String layer, String name, double value, String whyNotOne) {
    return new ScheduledRate(layer, name, whyNotOne, value);
  }

  /** The current rate: the one set last, or the schedule's value at the last update. */
  double value() {
    return value;
  }

  /**
   * Sets the rate; a schedule, if any, stays and sets it again at the next update.
   *
   * @throws IllegalArgumentException if {@code value} is not a rate of this kind
   */
  void set(double value) {
    this.value = whyNotOne == null
        ? Checks.rate(layer, name, value)
        : Checks.rateBelowOne(layer, name, value, whyNotOne);
  }

  /**
   * Follows {@code schedule} from now on: the rate becomes its value at (0, 0) at once.
   *
   * @param schedule the schedule, not null (the layer checks it, naming its own argument)
   * @throws IllegalArgumentException if the schedule's value at (0, 0) is not a rate of this
   *     kind (nothing is then changed)
   */
  void follow(RateSchedule schedule) {
    this.value = valueAt(schedule, 0, 0);
    this.schedule = schedule;
  }

  /** The schedule, or empty for a fixed rate. */
  Optional<RateSchedule> schedule() {
    return Optional.ofNullable(schedule);
  }

  /**
   * The rate at {@code (epoch, step)}: the schedule's value, checked, or the current rate without
   * a schedule (a negative {@code epoch} or {@code step} refused either way). Changes nothing, so a layer with several rates can check them all first.
   *
   * @throws IllegalArgumentException if the schedule's value is not a rate of this kind, or
   *     {@code epoch} or {@code step} is negative
   */
  double valueAt(int epoch, long step) {
    RateSchedules.checkProgress(layer, epoch, step);
    return schedule == null ? value : valueAt(schedule, epoch, step);
  }

  /**
   * Moves the rate to the schedule's value at {@code (epoch, step)}; nothing without a schedule
   * (but a negative {@code epoch} or {@code step} is refused either way).
   *
   * @throws IllegalArgumentException as {@link #valueAt(int, long)} (the rate is then unchanged)
   */
  void onSchedule(int epoch, long step) {
    value = valueAt(epoch, step);
  }

  private double valueAt(RateSchedule schedule, int epoch, long step) {
    return RateSchedules.rateAt(layer, name, schedule, epoch, step, whyNotOne != null);
  }
}
