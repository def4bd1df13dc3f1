package io.github.dropnet.examples;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grid of small grayscale images, each with a few lines of caption, written as a PNG with the
 * JDK alone: for showing samples of a dataset with their predictions.
 *
 * <pre>{@code
 * ImageGrid grid = new ImageGrid(28, 28, 8).title("Test images").scale(3);
 * grid.row("test");                                  // a labelled row
 * grid.add(x.data(), 0, "Ankle boot", "p=0.98");     // pixels of image 0 of x (N, 28, 28)
 * grid.write(Path.of("target/grid.png"));
 * }</pre>
 *
 * <h2>Layout</h2>
 * Images fill rows of {@code columns} cells from the left; {@link #row(String)} starts a new row
 * with a label drawn on its left, and {@link #add} starts an unlabelled row when the current one
 * is full. Pixel values are gray levels, 0 black and 1 white (clipped to [0, 1]; NaN shows red);
 * each pixel becomes a {@code scale x scale} square. A caption line may be coloured with
 * {@link #add(double[], int, Color, String...)}.
 *
 * <p>Drawing runs headless, as {@link LinePlot}. Thread safety: a plain mutable builder.
 */
public final class ImageGrid {
  private final int imageHeight;
  private final int imageWidth;
  private final int columns;
  private int scale = 3;
  private String title = "";
  private final List<Row> rows = new ArrayList<>();

  private record Cell(double[] pixels, String[] caption, Color color) {}

  private record Row(String label, List<Cell> cells) {}

  /**
   * An empty grid of {@code imageHeight x imageWidth} images, {@code columns} to a row.
   *
   * @throws IllegalArgumentException if a size is not positive
   */
  public ImageGrid(int imageHeight, int imageWidth, int columns) {
    if (imageHeight < 1 || imageWidth < 1 || columns < 1) {
      throw new IllegalArgumentException(
          "ImageGrid: image size and columns must be positive, received " + imageHeight + " x "
              + imageWidth + ", " + columns + " columns");
    }
    this.imageHeight = imageHeight;
    this.imageWidth = imageWidth;
    this.columns = columns;
  }

  /** The title above the grid (none by default). */
  public ImageGrid title(String title) {
    this.title = title == null ? "" : title;
    return this;
  }

  /** Screen pixels per image pixel, 1 to 16 (3 by default). */
  public ImageGrid scale(int scale) {
    if (scale < 1 || scale > 16) {
      throw new IllegalArgumentException("ImageGrid: scale must be in [1, 16], received " + scale);
    }
    this.scale = scale;
    return this;
  }

  /** Starts a new row, labelled {@code label} on its left (an empty label leaves it blank). */
  public ImageGrid row(String label) {
    rows.add(new Row(label == null ? "" : label, new ArrayList<>()));
    return this;
  }

  /** Adds an image with black captions; see {@link #add(double[], int, Color, String...)}. */
  public ImageGrid add(double[] pixels, int offset, String... caption) {
    return add(pixels, offset, Color.BLACK, caption);
  }

  /**
   * Adds the image stored row-major in {@code pixels[offset .. offset + height * width)} (copied),
   * with caption lines under it; the last line is drawn in {@code lastLineColor}.
   *
   * @throws IllegalArgumentException if the array is too short for the image at that offset, or
   *     the caption array or one of its lines is null
   */
  public ImageGrid add(double[] pixels, int offset, Color lastLineColor, String... caption) {
    if (caption == null || Arrays.asList(caption).contains(null)) {
      throw new IllegalArgumentException("ImageGrid: caption lines must not be null, received "
          + (caption == null ? "null" : Arrays.toString(caption)));
    }
    int n = imageHeight * imageWidth;
    if (pixels == null || offset < 0 || offset > pixels.length - n) {
      throw new IllegalArgumentException(
          "ImageGrid: an image of " + imageHeight + " x " + imageWidth + " needs " + n
              + " values from offset " + offset + ", received an array of "
              + (pixels == null ? "null" : String.valueOf(pixels.length)));
    }
    double[] copy = new double[n];
    System.arraycopy(pixels, offset, copy, 0, n);
    if (rows.isEmpty() || rows.get(rows.size() - 1).cells.size() >= columns) {
      rows.add(new Row("", new ArrayList<>()));
    }
    rows.get(rows.size() - 1).cells.add(new Cell(copy, caption.clone(),
        lastLineColor == null ? Color.BLACK : lastLineColor));
    return this;
  }

  /** Draws the grid. */
  public BufferedImage render() {
    Png.headless();
    Font captionFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    Font labelFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    // measure with a scratch image
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D m = scratch.createGraphics();
    FontMetrics cm = m.getFontMetrics(captionFont);
    FontMetrics lm = m.getFontMetrics(labelFont);
    FontMetrics tm = m.getFontMetrics(titleFont);
    int lines = 0;
    int captionWidth = 0;
    int labelWidth = 0;
    for (Row r : rows) {
      labelWidth = Math.max(labelWidth, lm.stringWidth(r.label));
      for (Cell c : r.cells) {
        lines = Math.max(lines, c.caption.length);
        for (String s : c.caption) {
          captionWidth = Math.max(captionWidth, cm.stringWidth(s));
        }
      }
    }
    m.dispose();
    int gap = 12;
    int cellW = Math.max(imageWidth * scale, captionWidth) + gap;
    int cellH = imageHeight * scale + 4 + lines * cm.getHeight() + gap;
    int left = gap + (labelWidth > 0 ? labelWidth + gap : 0);
    int top = gap + (title.isEmpty() ? 0 : tm.getHeight() + gap);
    int width = Math.max(left + columns * cellW + gap, title.isEmpty() ? 0 : tm.stringWidth(title) + 2 * gap);
    int height = top + Math.max(1, rows.size()) * cellH + gap;

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      if (!title.isEmpty()) {
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, gap, gap + tm.getAscent());
      }
      for (int r = 0; r < rows.size(); r++) {
        Row row = rows.get(r);
        int y0 = top + r * cellH;
        if (!row.label.isEmpty()) {
          g.setColor(Color.BLACK);
          g.setFont(labelFont);
          g.drawString(row.label, gap, y0 + imageHeight * scale / 2 + lm.getAscent() / 2);
        }
        for (int c = 0; c < row.cells.size(); c++) {
          Cell cell = row.cells.get(c);
          int x0 = left + c * cellW + (cellW - gap - imageWidth * scale) / 2;
          drawImage(image, cell.pixels, x0, y0);
          g.setColor(new Color(0x999999));
          g.drawRect(x0 - 1, y0 - 1, imageWidth * scale + 1, imageHeight * scale + 1);
          g.setFont(captionFont);
          for (int i = 0; i < cell.caption.length; i++) {
            String s = cell.caption[i];
            g.setColor(i == cell.caption.length - 1 ? cell.color : Color.BLACK);
            int cx = left + c * cellW + (cellW - gap - cm.stringWidth(s)) / 2;
            g.drawString(s, cx, y0 + imageHeight * scale + 4 + i * cm.getHeight() + cm.getAscent());
          }
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Draws the grid and writes it to {@code file} as a PNG, creating its directory. */
  public Path write(Path file) throws IOException {
    return Png.write(render(), file);
  }

  private void drawImage(BufferedImage image, double[] pixels, int x0, int y0) {
    for (int i = 0; i < imageHeight; i++) {
      for (int j = 0; j < imageWidth; j++) {
        double v = pixels[i * imageWidth + j];
        int rgb;
        if (Double.isNaN(v)) {
          rgb = 0xff0000;
        } else {
          int level = (int) Math.round(Math.min(1, Math.max(0, v)) * 255);
          rgb = level << 16 | level << 8 | level;
        }
        for (int a = 0; a < scale; a++) {
          for (int b = 0; b < scale; b++) {
            image.setRGB(x0 + j * scale + b, y0 + i * scale + a, rgb);
          }
        }
      }
    }
  }
}
