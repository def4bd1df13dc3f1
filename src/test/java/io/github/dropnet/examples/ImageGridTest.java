package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir Path dir;

  @Test
  void writesAPngWithEveryImageScaledAndTheirGrayLevels() throws IOException {
    double[] images = new double[3 * 4 * 5];
    for (int i = 0; i < 20; i++) {
      images[i] = 0.4;       // image 0: uniform gray 0.4
      images[20 + i] = 1.0;  // image 1: white
      images[40 + i] = 0.0;  // image 2: black
    }
    Path file = new ImageGrid(4, 5, 2).scale(4).title("three images")
        .row("first")
        .add(images, 0, "gray", "p 0.40")
        .add(images, 20, Color.RED, "white")
        .add(images, 40, "black")          // the row is full: a new, unlabelled row
        .write(dir.resolve("grid.png"));

    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image);
    assertTrue(image.getWidth() >= 2 * 5 * 4, "two columns of 20-pixel-wide images");
    assertTrue(image.getHeight() >= 2 * 4 * 4, "two rows of 16-pixel-high images");
    int gray = Math.round(0.4f * 255);
    assertTrue(hasBlock(image, new Color(gray, gray, gray), 20, 16),
        "image 0 scaled 4x: a block of 20 x 16 pixels of gray 0.4");
    assertTrue(LinePlotTest.count(image, Color.RED) > 0, "a red caption line");
  }

  /** Whether some w x h block of the image is all {@code color}. */
  private static boolean hasBlock(BufferedImage image, Color color, int w, int h) {
    int rgb = color.getRGB() & 0xffffff;
    for (int y = 0; y + h <= image.getHeight(); y++) {
      for (int x = 0; x + w <= image.getWidth(); x++) {
        boolean all = true;
        for (int dy = 0; dy < h && all; dy++) {
          for (int dx = 0; dx < w && all; dx++) {
            all = (image.getRGB(x + dx, y + dy) & 0xffffff) == rgb;
          }
        }
        if (all) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void nanPixelsShowRedAndValuesAreClipped() {
    double[] img = {Double.NaN, 2.0, -1.0, 0.5};
    BufferedImage image = new ImageGrid(2, 2, 1).scale(4).add(img, 0).render();
    assertEquals(16, LinePlotTest.count(image, Color.RED), "the NaN pixel, scaled 4x, in red");
    // find the red block, the image's top-left pixel, and read its three neighbours
    int x0 = -1;
    int y0 = -1;
    for (int y = 0; y < image.getHeight() && x0 < 0; y++) {
      for (int x = 0; x < image.getWidth() && x0 < 0; x++) {
        if ((image.getRGB(x, y) & 0xffffff) == 0xff0000) {
          x0 = x;
          y0 = y;
        }
      }
    }
    assertEquals(0xffffff, image.getRGB(x0 + 4, y0) & 0xffffff, "2.0 clipped to white");
    assertEquals(0x000000, image.getRGB(x0, y0 + 4) & 0xffffff, "-1.0 clipped to black");
    assertEquals(0x808080, image.getRGB(x0 + 4, y0 + 4) & 0xffffff, "0.5 as gray 128");
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ImageGrid(0, 28, 8));
    ImageGrid g = new ImageGrid(28, 28, 8);
    assertThrows(IllegalArgumentException.class, () -> g.scale(0));
    assertThrows(IllegalArgumentException.class, () -> g.add(new double[783], 0));
    assertThrows(IllegalArgumentException.class, () -> g.add(new double[784], 1));
    assertThrows(IllegalArgumentException.class,
        () -> g.add(new double[784], 0, (String[]) null));
    assertThrows(IllegalArgumentException.class, () -> g.add(new double[784], 0, "a", null));
  }
}
