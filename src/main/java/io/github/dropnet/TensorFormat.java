package io.github.dropnet;

/** NumPy-like text for {@link Tensor#toString()}; stateless. */
final class TensorFormat {
  private static final int SUMMARY_THRESHOLD = 1000;
  private static final int EDGE_ITEMS = 3;

  private TensorFormat() {}

  static String format(double[] data, int[] shape) {
    if (shape.length == 0) {
      return number(data[0]);
    }
    boolean summarise = data.length > SUMMARY_THRESHOLD;
    StringBuilder sb = new StringBuilder();
    append(sb, data, shape, Shapes.strides(shape), 0, 0, summarise);
    if (summarise) {
      sb.append(", shape=").append(Shapes.format(shape));
    }
    return sb.toString();
  }

  private static void append(
      StringBuilder sb, double[] data, int[] shape, int[] strides, int axis, int offset,
      boolean summarise) {
    sb.append('[');
    int n = shape[axis];
    boolean last = axis == shape.length - 1;
    for (int i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
        sb.append(last ? "..., " : "...,\n" + " ".repeat(axis + 1));
        i = n - EDGE_ITEMS - 1;
        continue;
      }
      if (last) {
        sb.append(number(data[offset + i]));
      } else {
        append(sb, data, shape, strides, axis + 1, offset + i * strides[axis], summarise);
      }
      if (i < n - 1) {
        sb.append(last ? ", " : ",\n" + " ".repeat(axis + 1));
      }
    }
    sb.append(']');
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) {
      // integral: "3.0", "-0.0"
      return Double.toString(v);
    }
    String s = String.format(java.util.Locale.ROOT, "%.6g", v);
    if (s.indexOf('e') >= 0 || s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0' && s.charAt(end - 2) != '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
