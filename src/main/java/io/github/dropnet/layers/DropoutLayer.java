package io.github.dropnet.layers;

import java.util.Optional;

/**
 * The part that the layers of the dropout family have in common: a {@link RandomLayer} whose
 * strength is a rate, the fraction of units (or weights, or blocks) it drops in training, and the
 * rate's setters and getters. The rate may follow a {@link RateSchedule} during training (see
 * {@link Scheduled}). Each subclass says what its rate means and which rates it accepts: [0, 1],
 * or [0, 1) for a layer whose formula breaks down at rate 1.
 *
 * <h2>Thread safety</h2>
 * {@link #rateSchedule(RateSchedule)} and {@link #onSchedule} change the configuration: they
 * belong to the training thread and must not run concurrently with any forward of the layer.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException}, naming the layer and the value: a null schedule, or a
 * schedule value that is not a rate the layer accepts. {@link IllegalStateException}: a setter
 * after the layer is built.
 *
 * @param <L> the concrete layer, which the fluent setters return
 */
public abstract class DropoutLayer<L extends DropoutLayer<L>> extends RandomLayer<L>
    implements Scheduled {
  /** The rate that a training forward reads, and the schedule that moves it. */
  final ScheduledRate rate;

  /**
   * A layer of the dropout family with the given, already checked, rate.
   *
   * @param name the layer's name, for messages
   * @param rate the rate, named and bounded as the layer requires
   */
  DropoutLayer(String name, ScheduledRate rate) {
    super(name);
    this.rate = rate;
  }

  /**
   * {@return the layer's rate in training: the constructor's or, with a
   * {@link #rateSchedule(RateSchedule) schedule}, its value at the last update}
   */
  public double rate() {
    return rate.value();
  }

  /**
   * Makes the rate follow {@code schedule}: the rate becomes {@code schedule.valueAt(0, 0)} at
   * once, replacing the constructor's, and {@code schedule.valueAt(epoch, step)} at each
   * {@link #onSchedule} (which {@code io.github.dropnet.models.RateScheduler} calls during a fit).
   * A forward and its backward use the same rate, and the same mask or noise, even if the rate
   * changes in between.
   *
   * @param schedule the rate by epoch and step
   * @return this layer
   * @throws IllegalArgumentException if {@code schedule} is null or its value at (0, 0) is not a
   *     rate the layer accepts
   * @throws IllegalStateException if the layer is already built
   */
  public L rateSchedule(RateSchedule schedule) {
    Checks.notBuilt(name, built, "rateSchedule");
    rate.follow(Checks.notNull(name, "rate schedule", schedule));
    return self();
  }

  /** {@return the rate schedule, or empty for a fixed rate} */
  public Optional<RateSchedule> rateSchedule() {
    return rate.schedule();
  }

  /**
   * Sets the rate to the schedule's value at {@code (epoch, step)}; does nothing without a
   * schedule. Confined to the training thread, between training steps.
   *
   * @throws IllegalArgumentException if {@code epoch} or {@code step} is negative, or the
   *     schedule's value is not a rate the layer accepts (the rate is then unchanged)
   */
  @Override
  public void onSchedule(int epoch, long step) {
    rate.onSchedule(epoch, step);
  }
}
