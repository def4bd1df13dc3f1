package io.github.dropnet.models;

import io.github.dropnet.layers.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@link Sequential#summary()}: Keras 2's table of layers (position and class,
 * output shape with {@code None} for open sizes, parameter count) and the parameter totals with
 * their size in memory.
 */
final class SummaryTable {
  private SummaryTable() {}

  /** The table for {@code layers} built for {@code inputShape}, or unbuilt if it is null. */
  static String format(List<Layer> layers, int[] inputShape) {
    List<String[]> rows = new ArrayList<>();
    int[] shape = inputShape;
    long total = 0;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String out = "?";
      String params = "0 (unbuilt)";
      if (shape != null) {
        shape = layer.outputShape(shape);
        out = formatShape(shape);
        int count = layer.paramCount();
        total += count;
        params = String.format(Locale.ROOT, "%,d", count);
      }
      rows.add(new String[] {i + " " + Sequential.typeName(layer), out, params});
    }
    int[] widths = {29, 26, 10};
    String[] header = {"Layer (type)", "Output Shape", "Param #"};
    for (String[] row : rows) {
      for (int c = 0; c < 3; c++) {
        widths[c] = Math.max(widths[c], row[c].length() + 3);
      }
    }
    int lineLength = widths[0] + widths[1] + widths[2];
    StringBuilder sb = new StringBuilder("Model: \"sequential\"\n");
    sb.append("_".repeat(lineLength)).append('\n');
    appendRow(sb, header, widths);
    sb.append("=".repeat(lineLength)).append('\n');
    for (int r = 0; r < rows.size(); r++) {
      if (r > 0) {
        sb.append("_".repeat(lineLength)).append('\n');
      }
      appendRow(sb, rows.get(r), widths);
    }
    sb.append("=".repeat(lineLength)).append('\n');
    sb.append("Total params: ").append(count(total)).append('\n');
    sb.append("Trainable params: ").append(count(total)).append('\n');
    sb.append("Non-trainable params: ").append(count(0)).append('\n');
    sb.append("_".repeat(lineLength)).append('\n');
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      String cell = " " + cells[c];
      line.append(cell).append(" ".repeat(Math.max(0, widths[c] - cell.length())));
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }

  /** {@code 1,234 (9.64 KB)}: the count and its size as doubles (Keras reports float32 sizes). */
  private static String count(long params) {
    double bytes = params * (double) Double.BYTES;
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (u < units.length - 1 && bytes >= 1024) {
      bytes /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%,d (%.2f %s)", params, bytes, units[u]);
  }

  /** {@code (None, 28, 28, 1)}: -1 printed as Keras' None. */
  private static String formatShape(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i] == -1 ? "None" : String.valueOf(shape[i]));
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }
}
