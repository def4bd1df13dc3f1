package io.github.dropnet.models;

import io.github.dropnet.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stops training when a monitored quantity has stopped improving: Keras 3's
 * {@code EarlyStopping}.
 *
 * <h2>Semantics</h2>
 * At the end of each epoch (from {@link #startFromEpoch}), the monitored value {@code current} is
 * an improvement if it beats {@code best} by more than {@code minDelta}:
 * {@code current + minDelta < best} (mode {@code MIN}) or {@code current - minDelta > best} (mode
 * {@code MAX}); the first value always is. On an
 * improvement {@code best} becomes {@code current}, and the wait count restarts if {@code current}
 * also improves on the baseline (or there is none). Otherwise the wait count grows, and once it
 * reaches {@link #patience} (after the first epoch) training stops after that epoch. A baseline
 * that is never beaten therefore stops training after {@code patience} epochs.
 *
 * <p>With {@link #restoreBestWeights(boolean) restoreBestWeights(true)} the weights of the best
 * epoch are copied at the end of that epoch and put back when training ends, whether it stopped
 * early or ran all its epochs (as Keras 3 does).
 *
 * <h2>Arguments</h2>
 * <ul>
 *   <li>{@code monitor}: a key of the logs, default {@code "val_loss"}.
 *   <li>{@code minDelta}: the smallest change that counts as an improvement (its absolute value is
 *       used), default 0.
 *   <li>{@code patience}: epochs without improvement before stopping, default 0.
 *   <li>{@code mode}: {@code MIN}, {@code MAX} or {@code AUTO} (default): minimise for the losses,
 *       and for a metric follow its {@link Metric#higherIsBetter()}.
 *   <li>{@code baseline}: a value to beat, default none.
 *   <li>{@code restoreBestWeights}: default false.
 *   <li>{@code startFromEpoch}: epochs to wait before monitoring at all (warm-up), default 0.
 * </ul>
 * Where Keras only logs a warning when the monitored key is missing from the logs, this class
 * throws {@link IllegalStateException} naming the key and the keys there are; it throws one too
 * when training starts in mode {@code AUTO} with a key that is neither a loss nor a compiled
 * metric, whose direction it cannot tell (set {@code MIN} or {@code MAX}).
 *
 * <h2>Example</h2>
 * <pre>{@code
 * EarlyStopping stop = new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true);
 * model.fit(x, y, new FitOptions().epochs(100).validationSplit(0.2).callbacks(stop));
 * }</pre>
 *
 * <p>Thread safety: holds the state of one fit at a time; not thread-safe.
 */
public final class EarlyStopping implements Callback {
  /** The direction of improvement. */
  public enum Mode {
    /** From the monitored name: losses are minimised, metrics follow their direction. */
    AUTO,
    /** Lower is better. */
    MIN,
    /** Higher is better. */
    MAX
  }

  private String monitor = "val_loss";
  private double minDelta;
  private int patience;
  private Mode mode = Mode.AUTO;
  private Double baseline;
  private boolean restoreBestWeights;
  private int startFromEpoch;

  private Sequential model;
  private boolean minimise;
  private int wait;
  private int stoppedEpoch;
  private Double best;
  private int bestEpoch;
  private List<Tensor> bestWeights;

  /** Monitors {@code val_loss} with patience 0; see the setters. */
  public EarlyStopping() {}

  /**
   * The logs key to monitor, e.g. {@code "val_loss"}, {@code "loss"}, {@code "val_accuracy"}.
   *
   * @param key a key of the logs that {@link Sequential#fit} passes to callbacks
   * @return this callback
   * @throws IllegalArgumentException if {@code key} is null or empty
   */
  public EarlyStopping monitor(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("EarlyStopping: monitor must be a logs key, received "
          + (key == null ? "null" : "\"\""));
    }
    this.monitor = key;
    return this;
  }

  /**
   * The smallest change counted as an improvement; the absolute value is used.
   *
   * @param minDelta the smallest change, finite; its sign is ignored
   * @return this callback
   * @throws IllegalArgumentException if {@code minDelta} is not finite
   */
  public EarlyStopping minDelta(double minDelta) {
    if (!Double.isFinite(minDelta)) {
      throw new IllegalArgumentException(
          "EarlyStopping: minDelta must be finite, received " + minDelta);
    }
    this.minDelta = Math.abs(minDelta);
    return this;
  }

  /**
   * Epochs without improvement after which training stops; {@code >= 0}.
   *
   * @param patience the number of epochs, {@code >= 0}
   * @return this callback
   * @throws IllegalArgumentException if {@code patience < 0}
   */
  public EarlyStopping patience(int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException(
          "EarlyStopping: patience must be >= 0, received " + patience);
    }
    this.patience = patience;
    return this;
  }

  /**
   * The direction of improvement; {@code AUTO} by default.
   *
   * @param mode whether lower or higher is better, or {@code AUTO} to choose from the key
   * @return this callback
   * @throws IllegalArgumentException if {@code mode} is null
   */
  public EarlyStopping mode(Mode mode) {
    if (mode == null) {
      throw new IllegalArgumentException("EarlyStopping: mode must not be null");
    }
    this.mode = mode;
    return this;
  }

  /**
   * A value the monitored quantity must beat; training stops if it does not within patience.
   *
   * @param baseline the value to beat
   * @return this callback
   * @throws IllegalArgumentException if {@code baseline} is NaN
   */
  public EarlyStopping baseline(double baseline) {
    if (Double.isNaN(baseline)) {
      throw new IllegalArgumentException("EarlyStopping: baseline must be a number, received NaN");
    }
    this.baseline = baseline;
    return this;
  }

  /**
   * Whether to put back the best epoch's weights when training ends.
   *
   * @param restore true to restore the best weights, false (the default) to keep the last
   * @return this callback
   */
  public EarlyStopping restoreBestWeights(boolean restore) {
    this.restoreBestWeights = restore;
    return this;
  }

  /**
   * Epochs to run before improvements are monitored; {@code >= 0}.
   *
   * @param epoch the number of warm-up epochs, {@code >= 0}
   * @return this callback
   * @throws IllegalArgumentException if {@code epoch < 0}
   */
  public EarlyStopping startFromEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "EarlyStopping: startFromEpoch must be >= 0, received " + epoch);
    }
    this.startFromEpoch = epoch;
    return this;
  }

  /** {@return the epoch (from 0) after which training was stopped, or 0 if it was not} */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** {@return the epoch (from 0) of the best monitored value so far} */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** {@return the best monitored value so far, or NaN before the first monitored epoch} */
  public double best() {
    return best == null ? Double.NaN : best;
  }

  @Override
  public void onTrainBegin(Sequential model) {
    this.model = model;
    this.minimise = minimises(model);
    wait = 0;
    stoppedEpoch = 0;
    best = null;
    bestEpoch = 0;
    bestWeights = null;
  }

  private boolean minimises(Sequential model) {
    if (mode != Mode.AUTO) {
      return mode == Mode.MIN;
    }
    String base = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
    if (base.equals("loss")) {
      return true;
    }
    for (Metric m : model.metrics()) {
      if (m.name().equals(base)) {
        return !m.higherIsBetter();
      }
    }
    throw new IllegalStateException(
        "EarlyStopping: cannot tell whether \"" + monitor + "\" should go up or down: it is "
            + "neither a loss nor a compiled metric; set mode(MIN) or mode(MAX)");
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double current = logs.get(monitor);
    if (current == null) {
      throw new IllegalStateException(
          "EarlyStopping: monitor \"" + monitor + "\" is not in the logs, which have "
              + logs.keySet() + (monitor.startsWith("val_") ? " (is there validation data?)" : ""));
    }
    if (epoch < startFromEpoch) {
      return;
    }
    if (restoreBestWeights && bestWeights == null) {
      bestWeights = model.getWeights();
      bestEpoch = epoch;
    }
    wait++;
    if (improves(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) {
        bestWeights = model.getWeights();
      }
      if (baseline == null || improves(current, baseline)) {
        wait = 0;
      }
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model.stopTraining();
    }
  }

  private boolean improves(double value, Double reference) {
    if (reference == null) {
      return true;
    }
    return minimise ? value + minDelta < reference : value - minDelta > reference;
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (restoreBestWeights && bestWeights != null) {
      model.setWeights(bestWeights);
    }
  }

  @Override
  public String toString() {
    return "EarlyStopping[monitor=" + monitor + ", minDelta=" + minDelta + ", patience=" + patience
        + ", mode=" + mode + ", baseline=" + baseline + ", restoreBestWeights="
        + restoreBestWeights + ", startFromEpoch=" + startFromEpoch + "]";
  }
}
