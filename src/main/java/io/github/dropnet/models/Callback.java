package io.github.dropnet.models;

import java.util.Map;

/**
 * Hooks into {@link Sequential#fit}, as Keras' callbacks: every method is a no-op unless
 * overridden.
 *
 * <p>Epochs and batches count from 0. The logs map holds the keys of {@link History}: in
 * {@link #onBatchEnd} the running means of the epoch so far ({@code loss} and the metrics); in
 * {@link #onEpochEnd} the epoch's figures, validation included; in {@link #onTrainEnd} those of
 * the last epoch (empty if none ran). As in Keras, a callback may add to it (a learning rate, a
 * metric of its own) or change it: the callbacks after it see that, and at the end of an epoch
 * so do the {@link History} and the progress line, which come after every callback.
 *
 * <h2>Stopping</h2>
 * A callback stops training with {@link Sequential#stopTraining()} on the model it received in
 * {@link #onTrainBegin} (Keras' {@code model.stop_training = True}). The model checks the request
 * after every batch: the rest of that epoch's batches are skipped, the epoch still ends (validation,
 * {@link #onEpochEnd}, its entry in the history) and no further epoch starts.
 *
 * <p>Callbacks run on the thread that calls {@code fit}, in the order given, before the progress
 * output of the same event.
 */
public interface Callback {

  /**
   * Training starts; {@code model} is the model being fitted, for later calls to use.
   *
   * @param model the model being fitted, on which {@link Sequential#stopTraining()} may be called
   */
  default void onTrainBegin(Sequential model) {}

  /**
   * Epoch {@code epoch} (from 0) starts.
   *
   * @param epoch the index of the epoch, from 0
   */
  default void onEpochBegin(int epoch) {}

  /**
   * Batch {@code batch} (from 0, within the epoch) was trained on.
   *
   * @param batch the index of the batch within the epoch, from 0
   * @param logs the running means of the epoch so far
   */
  default void onBatchEnd(int batch, Map<String, Double> logs) {}

  /**
   * Epoch {@code epoch} (from 0) ended, validation included.
   *
   * @param epoch the index of the epoch, from 0
   * @param logs the epoch's figures, validation included; what a callback adds to it is recorded
   *     in the history
   */
  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /**
   * Training ended, normally or by a stop request.
   *
   * @param logs the figures of the last epoch, empty if none ran
   */
  default void onTrainEnd(Map<String, Double> logs) {}
}
