package io.github.dropnet.models;

import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.Scheduled;
import java.util.Map;

/**
 * A fit callback that moves every {@link Scheduled} layer of the model (dropout rates with a
 * {@link io.github.dropnet.layers.RateSchedule}) along its schedule, like Deeplearning4j's
 * schedules or a Keras callback that sets {@code layer.rate}.
 *
 * <pre>{@code
 * Sequential model = new Sequential(
 *     new Dense(256).activation(Activation.RELU),
 *     new Dropout(0.5).rateSchedule(RateSchedule.linear(0.0, 0.5, 10)),   // ramp up over 10 epochs
 *     new Dense(10));
 * model.compile(new Adam(1e-3), new CategoricalCrossentropy(true));   // logits: Dense(10) is linear
 * model.fit(x, y, new FitOptions().epochs(20).callbacks(new RateScheduler()));
 * }</pre>
 *
 * <h2>When</h2>
 * At the start of every epoch {@code e} and after every batch it calls
 * {@link Scheduled#onSchedule onSchedule(e, step)} on each scheduled layer, where {@code step}
 * counts the batches trained since this fit began (0 for the first batch). So batch {@code b} of
 * epoch {@code e} trains with the values at {@code (e, step)}: epoch schedules change between
 * epochs, step schedules between batches. Both counters restart at 0 with every {@code fit}
 * (Keras' epochs restart too). After the last batch the layers hold the values of the step after
 * it, which is what a later {@code predict(x, true)} uses.
 *
 * <h2>Which layers</h2>
 * The model's layers, recursively: a nested {@link Sequential}'s layers too. {@link #update}
 * does the same walk for a training loop of one's own.
 *
 * <h2>Errors</h2>
 * A schedule value a layer does not accept ends the fit with that layer's
 * {@link IllegalArgumentException}, which names it, the value, the epoch and the step.
 *
 * <h2>Thread safety</h2>
 * Like every callback it runs on the fitting thread; one instance serves one fit at a time.
 */
public final class RateScheduler implements Callback {
  private Sequential model;
  private int epoch;
  private long step;

  /** A scheduler for the model it is given in {@link #onTrainBegin}. */
  public RateScheduler() {}

  /**
   * Calls {@code onSchedule(epoch, step)} on {@code layer} if it is {@link Scheduled} and on every
   * layer of a {@link Sequential}, recursively.
   *
   * @param layer the layer or model to update
   * @param epoch the training epoch, from 0
   * @param step the global step, from 0
   * @throws IllegalArgumentException if a layer rejects its schedule's value
   */
  public static void update(Layer layer, int epoch, long step) {
    if (layer instanceof Scheduled) {
      ((Scheduled) layer).onSchedule(epoch, step);
    }
    if (layer instanceof Sequential) {
      for (Layer inner : ((Sequential) layer).layers()) {
        update(inner, epoch, step);
      }
    }
  }

  /** Remembers the model and restarts the epoch and step counters. */
  @Override
  public void onTrainBegin(Sequential model) {
    this.model = model;
    this.epoch = 0;
    this.step = 0;
  }

  /** Moves the layers to {@code (epoch, step)}. */
  @Override
  public void onEpochBegin(int epoch) {
    this.epoch = epoch;
    update(model(), epoch, step);
  }

  /** Counts the batch and moves the layers to the next step. */
  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    step++;
    update(model(), epoch, step);
  }

  /** {@return the epoch of the last update} */
  public int epoch() {
    return epoch;
  }

  /** {@return the batches trained in the current fit so far} */
  public long step() {
    return step;
  }

  private Sequential model() {
    if (model == null) {
      throw new IllegalStateException(
          "RateScheduler: no model; it is a fit callback, and fit calls onTrainBegin first");
    }
    return model;
  }

  @Override
  public String toString() {
    return "RateScheduler[epoch=" + epoch + ", step=" + step + "]";
  }
}
