package io.github.dropnet.layers;

/**
 * Where the channel axis of an image tensor is.
 *
 * <ul>
 *   <li>{@link #CHANNELS_LAST} (the default): {@code (N, H, W, C)}, or {@code (N, steps, C)} and
 *       {@code (N, D, H, W, C)} for 1-D and 3-D data.
 *   <li>{@link #CHANNELS_FIRST}: {@code (N, C, H, W)}, likewise {@code (N, C, steps)} and
 *       {@code (N, C, D, H, W)}.
 * </ul>
 *
 * <p>Thread safety: immutable constants, shared freely.
 */
public enum DataFormat {
  /** Channels on the last axis, {@code (N, H, W, C)}: the default, as in Keras. */
  CHANNELS_LAST,
  /** Channels right after the batch axis, {@code (N, C, H, W)}, as in PyTorch. */
  CHANNELS_FIRST
}
