package io.github.dropnet.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn with the JDK alone ({@code java.awt} and {@code javax.imageio}) and written
 * as a PNG: a title, labelled axes with round-numbered ticks and a light grid, any number of
 * series, and a legend.
 *
 * <pre>{@code
 * new LinePlot("Accuracy")
 *     .xLabel("epoch").yLabel("accuracy").yRange(0, 1)
 *     .series("train", epochs, trainAccuracy)
 *     .series("test", epochs, testAccuracy, LinePlot.color(0), true)   // dashed
 *     .write(Path.of("target/accuracy.png"));
 * }</pre>
 *
 * <h2>Data</h2>
 * Each series is a list of (x, y) points joined in the order given; a NaN y leaves a gap. A
 * series of one point is drawn as a dot. The axes span the data (the y axis with a small margin)
 * unless {@link #xRange} or {@link #yRange} fixes them; points outside are clipped. When every x
 * is a whole number (epochs, say), the x ticks are too.
 *
 * <h2>Rendering</h2>
 * Drawing runs headless: the first plot sets {@code java.awt.headless=true} unless the property
 * is already set, so no display is needed. Text uses the logical {@code SansSerif} font.
 *
 * <p>Thread safety: a plain mutable builder; {@link #render()} may be called from any thread,
 * but not while the plot is being changed.
 */
public final class LinePlot {
  /** Where the legend goes, inside the plotting area. */
  public enum LegendPosition {
    /** The corner where the legend covers the fewest points of the lines. */
    BEST,
    /** The top left corner of the plot area. */
    UPPER_LEFT,
    /** The top right corner of the plot area. */
    UPPER_RIGHT,
    /** The bottom left corner of the plot area. */
    LOWER_LEFT,
    /** The bottom right corner of the plot area. */
    LOWER_RIGHT
  }

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
  };

  private final String title;
  private String xLabel = "";
  private String yLabel = "";
  private int width = 900;
  private int height = 560;
  private double[] xRange;
  private double[] yRange;
  private LegendPosition legend = LegendPosition.BEST;
  private final List<Series> series = new ArrayList<>();

  private record Series(String name, double[] x, double[] y, Color color, boolean dashed) {}

  /** An empty plot with the given title. */
  public LinePlot(String title) {
    this.title = title == null ? "" : title;
  }

  /** The {@code i}-th colour of the palette (matplotlib's first eight), cycling. */
  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** The label under the x axis. */
  public LinePlot xLabel(String label) {
    this.xLabel = label == null ? "" : label;
    return this;
  }

  /** The label beside the y axis, written upwards. */
  public LinePlot yLabel(String label) {
    this.yLabel = label == null ? "" : label;
    return this;
  }

  /**
   * The image size in pixels (900 x 560 by default).
   *
   * @throws IllegalArgumentException if either is below 200
   */
  public LinePlot size(int width, int height) {
    if (width < 200 || height < 200) {
      throw new IllegalArgumentException(
          "LinePlot: size must be at least 200 x 200, received " + width + " x " + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /**
   * Fixes the x axis to [min, max].
   *
   * @throws IllegalArgumentException unless {@code min < max}, both finite
   */
  public LinePlot xRange(double min, double max) {
    this.xRange = range("xRange", min, max);
    return this;
  }

  /**
   * Fixes the y axis to [min, max].
   *
   * @throws IllegalArgumentException unless {@code min < max}, both finite
   */
  public LinePlot yRange(double min, double max) {
    this.yRange = range("yRange", min, max);
    return this;
  }

  /**
   * Where the legend goes ({@link LegendPosition#BEST} by default).
   *
   * @throws IllegalArgumentException if {@code position} is null
   */
  public LinePlot legend(LegendPosition position) {
    if (position == null) {
      throw new IllegalArgumentException("LinePlot: legend position must not be null");
    }
    this.legend = position;
    return this;
  }

  /** Adds a solid series in the next palette colour. */
  public LinePlot series(String name, double[] x, double[] y) {
    return series(name, x, y, color(series.size()), false);
  }

  /**
   * Adds a series.
   *
   * @param name its name in the legend
   * @param x the x of each point (copied)
   * @param y the y of each point (copied), NaN for a gap
   * @param color the line colour
   * @param dashed whether the line is dashed
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or an x is not
   *     finite
   */
  public LinePlot series(String name, double[] x, double[] y, Color color, boolean dashed) {
    if (x == null || y == null || x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException(
          "LinePlot: series \"" + name + "\" needs x and y of the same non-zero length, received "
              + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
    }
    for (double v : x) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "LinePlot: series \"" + name + "\" has a non-finite x: " + v);
      }
    }
    if (color == null) {
      throw new IllegalArgumentException("LinePlot: series \"" + name + "\" has no colour");
    }
    series.add(new Series(name == null ? "" : name, x.clone(), y.clone(), color, dashed));
    return this;
  }

  /** Draws the plot. */
  public BufferedImage render() {
    Png.headless();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Draws the plot and writes it to {@code file} as a PNG, creating its directory. */
  public Path write(Path file) throws IOException {
    return Png.write(render(), file);
  }

  // ---- drawing

  private void draw(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    double[] xs = xRange != null ? xRange : dataRange(true);
    double[] ys = yRange != null ? yRange : dataRange(false);
    double[] xTicks = Ticks.of(xs[0], xs[1], Math.max(2, (width - 150) / 90), wholeX() ? 1 : 0);
    double[] yTicks = Ticks.of(ys[0], ys[1], Math.max(2, (height - 150) / 60), 0);
    String[] yTickText = Ticks.labels(yTicks);
    String[] xTickText = Ticks.labels(xTicks);

    g.setFont(tickFont);
    FontMetrics tm = g.getFontMetrics();
    int yTickWidth = 0;
    for (String s : yTickText) {
      yTickWidth = Math.max(yTickWidth, tm.stringWidth(s));
    }
    int left = 20 + (yLabel.isEmpty() ? 0 : 25) + yTickWidth + 10;
    int right = width - 25;
    int top = title.isEmpty() ? 25 : 55;
    int bottom = height - (20 + (xLabel.isEmpty() ? 0 : 25) + tm.getHeight());
    Frame f = new Frame(left, top, right, bottom, xs, ys);

    // grid and ticks
    g.setStroke(new BasicStroke(1f));
    for (int i = 0; i < yTicks.length; i++) {
      int py = (int) Math.round(f.py(yTicks[i]));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(left, py, right, py);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(left - 5, py, left, py);
      g.drawString(yTickText[i], left - 8 - tm.stringWidth(yTickText[i]),
          py + tm.getAscent() / 2 - 1);
    }
    for (int i = 0; i < xTicks.length; i++) {
      int px = (int) Math.round(f.px(xTicks[i]));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(px, top, px, bottom);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(px, bottom, px, bottom + 5);
      g.drawString(xTickText[i], px - tm.stringWidth(xTickText[i]) / 2,
          bottom + 8 + tm.getAscent());
    }

    // series, clipped to the plotting area
    java.awt.Shape oldClip = g.getClip();
    g.clipRect(left, top, right - left + 1, bottom - top + 1);
    for (Series s : series) {
      g.setColor(s.color);
      g.setStroke(stroke(s.dashed));
      Path2D.Double path = new Path2D.Double();
      boolean penDown = false;
      int drawn = 0;
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i])) {
          penDown = false;
          continue;
        }
        double px = f.px(s.x[i]);
        double py = f.py(s.y[i]);
        if (penDown) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          penDown = true;
        }
        drawn++;
      }
      if (drawn == 1) {
        for (int i = 0; i < s.x.length; i++) {
          if (Double.isFinite(s.y[i])) {
            g.fillOval((int) Math.round(f.px(s.x[i])) - 3, (int) Math.round(f.py(s.y[i])) - 3,
                7, 7);
          }
        }
      } else {
        g.draw(path);
      }
    }
    g.setClip(oldClip);

    // frame
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.2f));
    g.drawRect(left, top, right - left, bottom - top);

    // title and axis labels
    if (!title.isEmpty()) {
      g.setFont(titleFont);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, (left + right) / 2 - fm.stringWidth(title) / 2, 20 + fm.getAscent());
    }
    g.setFont(labelFont);
    FontMetrics lm = g.getFontMetrics();
    if (!xLabel.isEmpty()) {
      g.drawString(xLabel, (left + right) / 2 - lm.stringWidth(xLabel) / 2, height - 14);
    }
    if (!yLabel.isEmpty()) {
      AffineTransform saved = g.getTransform();
      g.translate(18 + lm.getAscent(), (top + bottom) / 2.0 + lm.stringWidth(yLabel) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, 0, 0);
      g.setTransform(saved);
    }

    drawLegend(g, f);
  }

  private void drawLegend(Graphics2D g, Frame f) {
    List<Series> named = new ArrayList<>();
    for (Series s : series) {
      if (!s.name.isEmpty()) {
        named.add(s);
      }
    }
    if (named.isEmpty()) {
      return;
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    FontMetrics fm = g.getFontMetrics();
    int sample = 36;
    int pad = 10;
    int line = fm.getHeight() + 4;
    int textWidth = 0;
    for (Series s : named) {
      textWidth = Math.max(textWidth, fm.stringWidth(s.name));
    }
    int boxW = pad + sample + 8 + textWidth + pad;
    int boxH = pad + line * named.size() - 4 + pad;
    LegendPosition where = legend;
    if (where == LegendPosition.BEST) {
      long fewest = Long.MAX_VALUE;
      // ties go to the first: lower right, upper right, lower left, upper left
      for (LegendPosition p : new LegendPosition[] {LegendPosition.LOWER_RIGHT,
          LegendPosition.UPPER_RIGHT, LegendPosition.LOWER_LEFT, LegendPosition.UPPER_LEFT}) {
        long covered = covered(f, legendBox(f, p, boxW, boxH));
        if (covered < fewest) {
          fewest = covered;
          where = p;
        }
      }
    }
    int[] box = legendBox(f, where, boxW, boxH);
    int x0 = box[0];
    int y0 = box[1];
    g.setColor(new Color(255, 255, 255, 225));
    g.fillRoundRect(x0, y0, boxW, boxH, 8, 8);
    g.setColor(new Color(0xb0b0b0));
    g.setStroke(new BasicStroke(1f));
    g.drawRoundRect(x0, y0, boxW, boxH, 8, 8);
    for (int i = 0; i < named.size(); i++) {
      Series s = named.get(i);
      int baseline = y0 + pad + i * line + fm.getAscent();
      int mid = baseline - fm.getAscent() / 2 + 1;
      g.setColor(s.color);
      g.setStroke(stroke(s.dashed));
      g.drawLine(x0 + pad, mid, x0 + pad + sample, mid);
      g.setColor(Color.BLACK);
      g.drawString(s.name, x0 + pad + sample + 8, baseline);
    }
  }

  /** {x, y, width, height} of the legend in a corner. */
  private static int[] legendBox(Frame f, LegendPosition p, int boxW, int boxH) {
    boolean leftSide = p == LegendPosition.UPPER_LEFT || p == LegendPosition.LOWER_LEFT;
    boolean upper = p == LegendPosition.UPPER_LEFT || p == LegendPosition.UPPER_RIGHT;
    int x0 = leftSide ? f.left + 12 : f.right - 12 - boxW;
    int y0 = upper ? f.top + 12 : f.bottom - 12 - boxH;
    return new int[] {x0, y0, boxW, boxH};
  }

  /** How many points along the lines (20 per segment) fall inside the box. */
  private long covered(Frame f, int[] box) {
    long count = 0;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i])) {
          continue;
        }
        boolean joined = i + 1 < s.x.length && Double.isFinite(s.y[i + 1]);
        int steps = joined ? 20 : 1;
        for (int k = 0; k < steps; k++) {
          double t = (double) k / steps;
          double x = joined ? s.x[i] + t * (s.x[i + 1] - s.x[i]) : s.x[i];
          double y = joined ? s.y[i] + t * (s.y[i + 1] - s.y[i]) : s.y[i];
          double px = f.px(x);
          double py = f.py(y);
          if (px >= box[0] && px <= box[0] + box[2] && py >= box[1] && py <= box[1] + box[3]) {
            count++;
          }
        }
      }
    }
    return count;
  }

  private boolean wholeX() {
    for (Series s : series) {
      for (double v : s.x) {
        if (v != Math.rint(v)) {
          return false;
        }
      }
    }
    return true;
  }

  private static Stroke stroke(boolean dashed) {
    return dashed
        ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {9f, 6f}, 0f)
        : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }

  /** The span of the data on one axis; y gets a 5% margin. A flat or empty span is widened. */
  private double[] dataRange(boolean x) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        double v = x ? s.x[i] : s.y[i];
        if (Double.isFinite(s.y[i])) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (min > max) {
      return new double[] {0, 1};
    }
    if (min == max) {
      double d = min == 0 ? 1 : Math.abs(min) * 0.1;
      return new double[] {min - d, max + d};
    }
    if (!x) {
      double m = (max - min) * 0.05;
      return new double[] {min - m, max + m};
    }
    return new double[] {min, max};
  }

  private static double[] range(String what, double min, double max) {
    if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
      throw new IllegalArgumentException(
          "LinePlot: " + what + " needs finite min < max, received " + min + ", " + max);
    }
    return new double[] {min, max};
  }

  /** The plotting area and the data-to-pixel mapping. */
  private record Frame(int left, int top, int right, int bottom, double[] xs, double[] ys) {
    double px(double x) {
      return left + (x - xs[0]) / (xs[1] - xs[0]) * (right - left);
    }

    double py(double y) {
      return bottom - (y - ys[0]) / (ys[1] - ys[0]) * (bottom - top);
    }
  }

  /** Round-numbered tick positions (steps of 1, 2, 2.5 or 5 times a power of ten). */
  static final class Ticks {
    private Ticks() {}

    /**
     * The ticks in [min, max], about {@code target} of them, at least {@code minStep} apart (0 for
     * no minimum).
     */
    static double[] of(double min, double max, int target, double minStep) {
      double step = Math.max(step((max - min) / Math.max(1, target)), minStep);
      double first = Math.ceil(min / step - 1e-9) * step;
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; ; i++) {
        double t = first + i * step;
        if (t > max + step * 1e-9) {
          break;
        }
        ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
      }
      double[] out = new double[ticks.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = ticks.get(i);
      }
      return out;
    }

    /** The smallest round step at least {@code raw}. */
    static double step(double raw) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double n = raw / magnitude;
      double m = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
      return m * magnitude;
    }

    /** The ticks as text, all with the same number of decimals, as few as tell them apart. */
    static String[] labels(double[] ticks) {
      int decimals = 0;
      while (decimals < 10 && !distinctAt(ticks, decimals)) {
        decimals++;
      }
      String[] out = new String[ticks.length];
      for (int i = 0; i < ticks.length; i++) {
        out[i] = String.format(Locale.ROOT, "%." + decimals + "f", ticks[i]);
      }
      return out;
    }

    private static boolean distinctAt(double[] ticks, int decimals) {
      double scale = Math.pow(10, decimals);
      for (double t : ticks) {
        double r = Math.round(t * scale) / scale;
        if (Math.abs(r - t) > 1e-9 * Math.max(1, Math.abs(t))) {
          return false;
        }
      }
      return true;
    }
  }
}
