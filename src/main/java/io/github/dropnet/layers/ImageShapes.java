package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.kernels.ConvGeometry;

/**
 * Shape checks and output shapes shared by the 2-D sliding-window layers (Conv2D, MaxPool2D).
 * Every message names the layer, what was expected and the full shape received.
 */
final class ImageShapes {
  private ImageShapes() {}

  /** The axis order, as messages show it. */
  static String layout(DataFormat f) {
    return f == DataFormat.CHANNELS_FIRST ? "(N, C, H, W)" : "(N, H, W, C)";
  }

  static int heightAxis(DataFormat f) {
    return f == DataFormat.CHANNELS_FIRST ? 2 : 1;
  }

  static int widthAxis(DataFormat f) {
    return f == DataFormat.CHANNELS_FIRST ? 3 : 2;
  }

  static int channelAxis(DataFormat f) {
    return f == DataFormat.CHANNELS_FIRST ? 1 : 3;
  }

  /**
   * Checks an input shape: rank 4, a batch of -1 or at least 0, spatial sizes of -1 or at least
   * 1, a channel count of at least 1 (or -1 when {@code channelsMayBeUnknown}), windows whose
   * dilated extent {@code (k - 1) * dilation + 1} is an int (no array is that large), and, for
   * VALID padding, windows that fit the known spatial sizes.
   *
   * @param window what the window is called in messages ("kernel", "pool")
   */
  static void check(
      String layer, int[] shape, DataFormat f, boolean channelsMayBeUnknown,
      String window, int kh, int kw, int dh, int dw, Padding padding) {
    Checks.rank(layer, shape, 4, layout(f));
    int c = shape[channelAxis(f)];
    boolean ok = shape[0] >= -1
        && positiveOrUnknown(shape[heightAxis(f)])
        && positiveOrUnknown(shape[widthAxis(f)])
        && (c > 0 || (channelsMayBeUnknown && c == -1));
    if (!ok) {
      throw new IllegalArgumentException(
          layer + ": expected an input shape " + layout(f) + " with positive sizes ("
              + (channelsMayBeUnknown ? "" : "the channels fixed, ")
              + "-1 allowed for the batch and spatial axes), received " + Shapes.format(shape));
    }
    extentFits(layer, shape, "height", window, kh, dh);
    extentFits(layer, shape, "width", window, kw, dw);
    if (padding == Padding.VALID) {
      fits(layer, shape, "height", shape[heightAxis(f)], window, kh, dh);
      fits(layer, shape, "width", shape[widthAxis(f)], window, kw, dw);
    }
  }

  private static void extentFits(
      String layer, int[] shape, String axis, String window, int k, int dilation) {
    long extent = ConvGeometry.extent(k, dilation);
    if (extent > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          layer + ": the " + window + " " + axis + " " + extent + " (" + k + " dilated by "
              + dilation + ") is larger than any input can be (" + Integer.MAX_VALUE
              + "); input shape " + Shapes.format(shape));
    }
  }

  private static boolean positiveOrUnknown(int size) {
    return size > 0 || size == -1;
  }

  private static void fits(
      String layer, int[] shape, String axis, int in, String window, int k, int dilation) {
    long extent = ConvGeometry.extent(k, dilation);
    if (in != -1 && extent > in) {
      throw new IllegalArgumentException(
          layer + ": the " + window + " " + axis + " " + extent
              + (dilation > 1 ? " (" + k + " dilated by " + dilation + ")" : "")
              + " is larger than the input " + axis + " " + in + " with VALID padding; input shape "
              + Shapes.format(shape));
    }
  }

  /** The output shape for a checked input shape; unknown (-1) sizes stay unknown. */
  static int[] outputShape(
      int[] shape, DataFormat f, int outChannels,
      int kh, int kw, int sh, int sw, int dh, int dw, Padding padding) {
    boolean same = padding == Padding.SAME;
    int h = shape[heightAxis(f)];
    int w = shape[widthAxis(f)];
    int oh = h == -1 ? -1 : ConvGeometry.outputSize(h, kh, sh, dh, same);
    int ow = w == -1 ? -1 : ConvGeometry.outputSize(w, kw, sw, dw, same);
    return f == DataFormat.CHANNELS_FIRST
        ? new int[] {shape[0], outChannels, oh, ow}
        : new int[] {shape[0], oh, ow, outChannels};
  }

  /** The geometry of a checked, fully known input shape. */
  static ConvGeometry geometry(
      int[] shape, DataFormat f, int kh, int kw, int sh, int sw, int dh, int dw,
      Padding padding) {
    return ConvGeometry.of(
        shape[0], shape[channelAxis(f)], shape[heightAxis(f)], shape[widthAxis(f)],
        kh, kw, sh, sw, dh, dw, padding == Padding.SAME);
  }

  /** {@code (a, b)}, as toString shows pairs. */
  static String pair(int a, int b) {
    return "(" + a + ", " + b + ")";
  }
}
