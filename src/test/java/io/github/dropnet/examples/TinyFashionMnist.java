package io.github.dropnet.examples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes a small directory in the layout of Fashion-MNIST: the four gzipped IDX files. */
final class TinyFashionMnist {
  private TinyFashionMnist() {}

  /** {@code train} and {@code test} images of 28 x 28 bytes, with labels cycling 0..9. */
  static void write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    images(dir.resolve("train-images-idx3-ubyte.gz"), train);
    labels(dir.resolve("train-labels-idx1-ubyte.gz"), train);
    images(dir.resolve("t10k-images-idx3-ubyte.gz"), test);
    labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), test);
  }

  private static void images(Path file, int n) throws IOException {
    try (DataOutputStream out = gzip(file)) {
      out.writeInt(0x0803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < 784; p++) {
          // a bright band whose row depends on the label, so there is something to learn
          int row = p / 28;
          out.writeByte(Math.abs(row - 2 * (i % 10) - 4) < 2 ? 255 : (p * 7 + i) % 32);
        }
      }
    }
  }

  private static void labels(Path file, int n) throws IOException {
    try (DataOutputStream out = gzip(file)) {
      out.writeInt(0x0801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(i % 10);
      }
    }
  }

  private static DataOutputStream gzip(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    return new DataOutputStream(new GZIPOutputStream(raw));
  }
}
