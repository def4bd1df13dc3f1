package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
  @TempDir Path dir;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @Test
  void writesAPngOfTheRequestedSizeWithTheSeriesColours() throws IOException {
    double[] x = {1, 2, 3, 4, 5};
    Path file = new LinePlot("Accuracy")
        .xLabel("epoch").yLabel("accuracy").yRange(0, 1).size(640, 400)
        .series("train", x, new double[] {0.2, 0.5, 0.7, 0.9, 1.0})
        .series("test", x, new double[] {0.2, 0.4, 0.5, 0.55, 0.6}, LinePlot.color(1), true)
        .write(dir.resolve("sub/plot.png"));

    assertEquals(dir.resolve("sub/plot.png"), file);
    byte[] head = new byte[8];
    System.arraycopy(Files.readAllBytes(file), 0, head, 0, 8);
    assertArrayEquals(PNG_SIGNATURE, head);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, "ImageIO reads it back");
    assertEquals(640, image.getWidth());
    assertEquals(400, image.getHeight());
    assertTrue(count(image, LinePlot.color(0)) > 100, "the first series is drawn in blue");
    assertTrue(count(image, LinePlot.color(1)) > 50, "the second, dashed, in orange");
    assertEquals(Color.WHITE.getRGB(), image.getRGB(2, 2), "white background");
  }

  @Test
  void defaultSizeAndAutomaticRangesCopeWithGapsAndSinglePoints() {
    BufferedImage image = new LinePlot("")
        .series("gappy", new double[] {0, 1, 2, 3}, new double[] {1, Double.NaN, 3, 4})
        .series("one point", new double[] {2}, new double[] {2.5})
        .series("", new double[] {0, 3}, new double[] {-1, -1})
        .render();
    assertEquals(900, image.getWidth());
    assertEquals(560, image.getHeight());
    assertTrue(count(image, LinePlot.color(1)) > 10, "a lone point is drawn as a dot");
  }

  @Test
  void ticksAreRoundNumbers() {
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0},
        LinePlot.Ticks.of(0, 1, 5, 0), 1e-12);
    assertArrayEquals(new double[] {0, 50, 100, 150, 200},
        LinePlot.Ticks.of(0, 200, 4, 1), 1e-12);
    assertArrayEquals(new double[] {1, 2, 3, 4}, LinePlot.Ticks.of(1, 4, 8, 1), 1e-12,
        "whole-number x never gets 1.5");
    assertArrayEquals(new double[] {0, 0.25, 0.5}, LinePlot.Ticks.of(-0.1, 0.6, 3, 0), 1e-12);
    assertEquals(2.5, LinePlot.Ticks.step(2.2), 1e-12);
    assertEquals(5e-4, LinePlot.Ticks.step(3e-4), 1e-18);
    assertArrayEquals(new String[] {"0.0", "0.5", "1.0"},
        LinePlot.Ticks.labels(new double[] {0, 0.5, 1}));
    assertArrayEquals(new String[] {"0", "50", "100"},
        LinePlot.Ticks.labels(new double[] {0, 50, 100}));
    assertArrayEquals(new String[] {"0.00", "0.25", "0.50"},
        LinePlot.Ticks.labels(new double[] {0, 0.25, 0.5}));
  }

  @Test
  void badArgumentsAreRejected() {
    LinePlot p = new LinePlot("t");
    assertThrows(IllegalArgumentException.class, () -> p.size(100, 400));
    assertThrows(IllegalArgumentException.class, () -> p.yRange(1, 1));
    assertThrows(IllegalArgumentException.class, () -> p.xRange(0, Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> p.series("s", new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> p.series("s", new double[0], new double[0]));
    assertThrows(IllegalArgumentException.class,
        () -> p.series("s", new double[] {Double.POSITIVE_INFINITY}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> p.legend(null));
  }

  static int count(BufferedImage image, Color color) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == (color.getRGB() & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }
}
