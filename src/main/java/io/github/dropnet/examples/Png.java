package io.github.dropnet.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writing PNG files headless, for the plots of the demos. */
final class Png {
  private Png() {}

  /** Sets {@code java.awt.headless=true} unless the property is set already. */
  static void headless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /**
   * Writes {@code image} to {@code file} as a PNG, creating the parent directory.
   *
   * @return {@code file}
   * @throws IOException if the directory or the file cannot be written
   */
  static Path write(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException(file + ": no PNG writer is available in this Java runtime");
    }
    return file;
  }
}
