package io.github.dropnet.layers;

/**
 * How a convolution or pooling window treats the border.
 *
 * <ul>
 *   <li>{@link #VALID}: no padding; {@code out = floor((in - ek) / stride) + 1}, where
 *       {@code ek = (k - 1) * dilation + 1}. Trailing rows that do not fill a window are dropped.
 *   <li>{@link #SAME}: TensorFlow's rule: {@code out = ceil(in / stride)}, {@code pad_total =
 *       max((out - 1) * stride + ek - in, 0)}, {@code pad_before = pad_total / 2} (floor) at the
 *       top/left and the rest at the bottom/right.
 * </ul>
 *
 * <p>Thread safety: immutable constants, shared freely.
 */
public enum Padding {
  /** No padding: windows lie wholly inside the input. */
  VALID,
  /** Zero padding (ignored cells, for pooling) so that {@code out = ceil(in / stride)}. */
  SAME
}
