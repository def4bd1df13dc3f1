package io.github.dropnet.layers;

import java.util.function.IntToDoubleFunction;

/**
 * A value that changes over training, by epoch or by step: the dropout rate of a
 * {@link Scheduled} layer (as Deeplearning4j's {@code ISchedule}, or curriculum dropout).
 *
 * <h2>Semantics</h2>
 * {@link #valueAt valueAt(epoch, step)} is the value for training epoch {@code epoch} (from 0)
 * at global step {@code step} (batches trained since training began, from 0). The factories
 * depend on the epoch only, except {@link #linearSteps}; a lambda can use either:
 * <pre>{@code
 * RateSchedule warmUp = (epoch, step) -> Math.min(0.5, step * 1e-3);   // custom, by step
 * Dropout drop = new Dropout(0.5).rateSchedule(RateSchedule.linear(0.0, 0.5, 10));
 * }</pre>
 * <table>
 *   <caption>Factories: the value at epoch {@code e}</caption>
 *   <tr><th>factory</th><th>value</th></tr>
 *   <tr><td>{@link #constant constant(v)}</td><td>{@code v}</td></tr>
 *   <tr><td>{@link #linear linear(from, to, epochs)}</td>
 *       <td>{@code from + (to - from) * min(e, epochs) / epochs}: {@code to} from epoch
 *       {@code epochs} on</td></tr>
 *   <tr><td>{@link #step step(initial, factor, every)}</td>
 *       <td>{@code initial * factor^floor(e / every)}</td></tr>
 *   <tr><td>{@link #exponential exponential(initial, decay)}</td>
 *       <td>{@code initial * decay^e}</td></tr>
 *   <tr><td>{@link #linearSteps linearSteps(from, to, steps)}</td>
 *       <td>{@code from + (to - from) * min(s, steps) / steps} at step {@code s}</td></tr>
 *   <tr><td>{@link #byEpoch byEpoch(f)}</td><td>{@code f(e)}</td></tr>
 * </table>
 * A schedule gives any number; the layer that uses it checks the value (a rate in [0, 1], or
 * [0, 1) for the layers that exclude 1) whenever it is updated, and throws
 * {@link IllegalArgumentException} naming the layer, the value, the epoch and the step.
 *
 * <h2>Thread safety</h2>
 * The factories' schedules are immutable and thread-safe; a custom schedule should be a pure
 * function of its arguments so that a seeded fit stays repeatable.
 */
@FunctionalInterface
public interface RateSchedule {

  /**
   * The value at training epoch {@code epoch} and global step {@code step}, both from 0.
   *
   * @param epoch the training epoch, from 0
   * @param step the global step, from 0
   * @return the value
   */
  double valueAt(int epoch, long step);

  /**
   * The same value at every epoch and step.
   *
   * @param value the value, finite
   * @return the constant schedule
   * @throws IllegalArgumentException if {@code value} is not finite
   */
  static RateSchedule constant(double value) {
    return new RateSchedules.Constant(RateSchedules.finite("constant", "value", value));
  }

  /**
   * From {@code from} at epoch 0 to {@code to} at epoch {@code epochs}, linearly, then {@code to}.
   *
   * @param from the value at epoch 0
   * @param to the value from epoch {@code epochs} on
   * @param epochs the length of the ramp in epochs, {@code > 0}
   * @return the schedule
   * @throws IllegalArgumentException if a value is not finite or {@code epochs <= 0}
   */
  static RateSchedule linear(double from, double to, int epochs) {
    return new RateSchedules.Linear(
        RateSchedules.finite("linear", "from", from), RateSchedules.finite("linear", "to", to),
        RateSchedules.positive("linear", "epochs", epochs), false);
  }

  /**
   * From {@code from} at step 0 to {@code to} at step {@code steps}, linearly, then {@code to}.
   *
   * @param from the value at step 0
   * @param to the value from step {@code steps} on
   * @param steps the length of the ramp in steps, {@code > 0}
   * @return the schedule
   * @throws IllegalArgumentException if a value is not finite or {@code steps <= 0}
   */
  static RateSchedule linearSteps(double from, double to, long steps) {
    return new RateSchedules.Linear(
        RateSchedules.finite("linearSteps", "from", from),
        RateSchedules.finite("linearSteps", "to", to),
        RateSchedules.positive("linearSteps", "steps", steps), true);
  }

  /**
   * {@code initial}, multiplied by {@code factor} every {@code everyEpochs} epochs.
   *
   * @param initial the value at epoch 0
   * @param factor the factor applied every {@code everyEpochs} epochs
   * @param everyEpochs the epochs between two multiplications, {@code > 0}
   * @return the schedule
   * @throws IllegalArgumentException if a value is not finite or {@code everyEpochs <= 0}
   */
  static RateSchedule step(double initial, double factor, int everyEpochs) {
    return new RateSchedules.Step(
        RateSchedules.finite("step", "initial", initial),
        RateSchedules.finite("step", "factor", factor),
        RateSchedules.positive("step", "everyEpochs", everyEpochs));
  }

  /**
   * {@code initial * decay^epoch}.
   *
   * @param initial the value at epoch 0
   * @param decay the factor applied per epoch
   * @return the schedule
   * @throws IllegalArgumentException if a value is not finite
   */
  static RateSchedule exponential(double initial, double decay) {
    return new RateSchedules.Exponential(
        RateSchedules.finite("exponential", "initial", initial),
        RateSchedules.finite("exponential", "decay", decay));
  }

  /**
   * A schedule by epoch only, {@code f(epoch)}.
   *
   * @param f the value by epoch
   * @return the schedule
   * @throws IllegalArgumentException if {@code f} is null
   */
  static RateSchedule byEpoch(IntToDoubleFunction f) {
    if (f == null) {
      throw new IllegalArgumentException("RateSchedule.byEpoch: function must not be null");
    }
    return (epoch, step) -> f.applyAsDouble(epoch);
  }
}
