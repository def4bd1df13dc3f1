package io.github.dropnet.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Sequential#fit} recorded, one value per epoch and key: Keras' {@code History}.
 *
 * <p>The keys are those of Keras' {@code history.history}: {@code loss}, each metric's name
 * ({@code accuracy}, ...), and with validation data {@code val_loss} and {@code val_} plus each
 * metric's name, in that order.
 *
 * <p>As in Keras, the training figures of an epoch are the running means over its batches,
 * weighted by the batch sizes, of values computed during training: with dropout on and while the
 * weights change. The validation figures are computed at the end of the epoch, at inference.
 *
 * <p>Thread safety: not modified after {@code fit} returns it; safe to read from any thread then.
 */
public final class History {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private int epochs;

  History() {}

  /** Appends the logs of one finished epoch. */
  void record(Map<String, Double> logs) {
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    epochs++;
  }

  /** {@return the mean training loss of each epoch, in order} */
  public List<Double> loss() {
    return metric("loss");
  }

  /** {@return the validation loss of each epoch; empty when the fit had no validation data} */
  public List<Double> valLoss() {
    return values.containsKey("val_loss") ? metric("val_loss") : List.of();
  }

  /**
   * The values of one key, e.g. {@code "accuracy"} or {@code "val_accuracy"} (unmodifiable).
   *
   * @param name the key, as in the logs
   * @return one value per epoch, in order
   * @throws IllegalArgumentException if nothing was recorded under that key; the message lists
   *     the keys there are
   */
  public List<Double> metric(String name) {
    List<Double> v = values.get(name);
    if (v == null) {
      if (epochs == 0 && name.equals("loss")) {
        return List.of();
      }
      throw new IllegalArgumentException(
          "History: no values for \"" + name + "\"; recorded keys are " + values.keySet());
    }
    return Collections.unmodifiableList(v);
  }

  /**
   * {@code metric("val_" + name)}: the validation values of a metric.
   *
   * @param name the metric's name, without the {@code val_} prefix
   * @return one validation value per epoch, in order
   * @throws IllegalArgumentException if nothing was recorded under {@code "val_" + name}
   */
  public List<Double> valMetric(String name) {
    return metric("val_" + name);
  }

  /**
   * Whether values were recorded under {@code key}.
   *
   * @param key the key, as in the logs
   * @return true if at least one epoch recorded a value under it
   */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** {@return the number of epochs run (fewer than asked for when a callback stopped training)} */
  public int epochs() {
    return epochs;
  }

  /**
   * {@return every key and its values, in key order, as Keras' {@code history.history} (a copy)}
   */
  public Map<String, List<Double>> asMap() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** {@code History[epochs=2, loss=[0.5, 0.25], val_loss=[0.6, 0.3]]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("History[epochs=").append(epochs);
    values.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.append(']').toString();
  }
}
