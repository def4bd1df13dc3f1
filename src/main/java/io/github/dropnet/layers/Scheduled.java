package io.github.dropnet.layers;

/**
 * A layer with a hyper-parameter (a dropout rate) that can follow a {@link RateSchedule} during
 * training.
 *
 * <p>{@link #onSchedule} moves the layer to the schedule's value at a point of training; a layer
 * without a schedule ignores it. {@code io.github.dropnet.models.RateScheduler}, a fit callback,
 * calls it on every such layer of a model before each epoch and each batch; any other training
 * loop can call it itself.
 *
 * <p>Thread safety: {@code onSchedule} changes the layer's configuration; it belongs to the
 * training thread and must not run concurrently with any forward of the layer.
 */
public interface Scheduled {
  /**
   * Sets the scheduled values to those of training epoch {@code epoch} (from 0), global step
   * {@code step} (the number of batches trained since the start of training, from 0).
   *
   * @param epoch the training epoch, from 0
   * @param step the global step: the batches trained since the start of training, from 0
   * @throws IllegalArgumentException if a schedule gives a value the layer does not accept (the
   *     layer is then unchanged), or {@code epoch} or {@code step} is negative
   */
  void onSchedule(int epoch, long step);
}
