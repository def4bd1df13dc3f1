package io.github.dropnet.data;

import static io.github.dropnet.data.IdxFiles.file;
import static io.github.dropnet.data.IdxFiles.gzip;
import static io.github.dropnet.data.IdxFiles.write;
import static io.github.dropnet.data.IdxTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path dir;

  /** Pixel bytes of n images: image i, pixel p holds (i * 31 + p) % 256. */
  private static double[] pixels(int n) {
    double[] v = new double[n * 784];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i / 784 * 31 + i % 784) % 256;
    }
    return v;
  }

  private static byte[] images(int n) {
    return file(Idx.Type.UNSIGNED_BYTE, pixels(n), n, 28, 28);
  }

  private static byte[] labels(double... values) {
    return file(Idx.Type.UNSIGNED_BYTE, values, values.length);
  }

  /** A small data set in the layout of the real one: 4 train and 2 test images. */
  private static void writeSmallSet(Path dir, boolean gzipped) throws IOException {
    String gz = gzipped ? ".gz" : "";
    write(dir, "train-images-idx3-ubyte" + gz, maybeGzip(images(4), gzipped));
    write(dir, "train-labels-idx1-ubyte" + gz, maybeGzip(labels(9, 0, 3, 9), gzipped));
    write(dir, "t10k-images-idx3-ubyte" + gz, maybeGzip(images(2), gzipped));
    write(dir, "t10k-labels-idx1-ubyte" + gz, maybeGzip(labels(1, 2), gzipped));
  }

  private static byte[] maybeGzip(byte[] b, boolean gzipped) {
    return gzipped ? gzip(b) : b;
  }

  @Test
  void loadsPlainAndGzippedFiles() throws IOException {
    for (boolean gzipped : new boolean[] {false, true}) {
      Path sub = Files.createDirectory(dir.resolve("gz-" + gzipped));
      writeSmallSet(sub, gzipped);
      assertTrue(FashionMnist.isAvailable(sub));
      TrainTest data = FashionMnist.load(sub);

      Dataset train = data.train();
      assertArrayEquals(new int[] {4, 28, 28}, train.x().shape());
      assertArrayEquals(new int[] {4}, train.y().shape());
      assertArrayEquals(new double[] {9, 0, 3, 9}, train.y().toArray());
      double[] expected = pixels(4);
      for (int i = 0; i < expected.length; i++) {
        expected[i] /= 255.0;
      }
      assertArrayEquals(expected, train.x().toArray());
      assertEquals((2 * 31 + 5 * 28 + 6) % 256 / 255.0, train.x().get(2, 5, 6));

      assertArrayEquals(new int[] {2, 28, 28}, data.test().x().shape());
      assertArrayEquals(new double[] {1, 2}, data.test().y().toArray());
      assertArrayEquals(new int[] {2, 784}, data.test().flattenX().x().shape());
      assertArrayEquals(new int[] {2, 28, 28, 1}, data.test().withChannelAxis().x().shape());
    }
  }

  @Test
  void prefersThePlainFileWhenBothExist() throws IOException {
    writeSmallSet(dir, true);
    write(dir, "t10k-labels-idx1-ubyte", labels(7, 8));
    assertArrayEquals(new double[] {7, 8}, FashionMnist.load(dir).test().y().toArray());
  }

  @Test
  void isAvailableNeedsAllFourFiles() throws IOException {
    assertFalse(FashionMnist.isAvailable(dir));
    assertFalse(FashionMnist.isAvailable(dir.resolve("missing")));
    writeSmallSet(dir, false);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    assertFalse(FashionMnist.isAvailable(dir));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
    assertContains(e, "t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz", dir.toString());

    Files.createDirectory(dir.resolve("t10k-labels-idx1-ubyte"));
    assertFalse(FashionMnist.isAvailable(dir), "a directory is not a file");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> FashionMnist.isAvailable(null)), "FashionMnist.isAvailable: the directory");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> FashionMnist.load(null)), "FashionMnist.load: the directory must not be null");
  }

  @Test
  void mismatchedCountsNameBothFilesAndCounts() throws IOException {
    writeSmallSet(dir, true);
    write(dir, "train-labels-idx1-ubyte.gz", gzip(labels(1, 2, 3)));
    IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
    assertContains(e,
        dir.resolve("train-images-idx3-ubyte.gz") + " holds 4 images",
        dir.resolve("train-labels-idx1-ubyte.gz") + " holds 3 labels");
  }

  @Test
  void rejectsWrongImageShapeTypeAndLabels() throws IOException {
    writeSmallSet(dir, false);
    Path images = write(dir, "t10k-images-idx3-ubyte",
        file(Idx.Type.UNSIGNED_BYTE, new double[2 * 28 * 27], 2, 28, 27));
    assertContains(assertThrows(IOException.class, () -> FashionMnist.load(dir)),
        images.toString(), "(N, 28, 28)", "(2, 28, 27)");

    write(dir, "t10k-images-idx3-ubyte", images(2));
    Path labels = write(dir, "t10k-labels-idx1-ubyte", file(Idx.Type.INT, new double[2], 2));
    assertContains(assertThrows(IOException.class, () -> FashionMnist.load(dir)),
        labels.toString(), "UNSIGNED_BYTE labels", "INT");

    write(dir, "t10k-labels-idx1-ubyte", labels(3, 10));
    assertContains(assertThrows(IOException.class, () -> FashionMnist.load(dir)),
        labels.toString(), "row 1 is 10", "0..9");

    write(dir, "t10k-labels-idx1-ubyte", Arrays.copyOf(labels(3, 4), 9));
    assertContains(assertThrows(IOException.class, () -> FashionMnist.load(dir)),
        labels.toString(), "truncated", "needs 10 bytes, found 9");
  }

  @Test
  void classNames() {
    assertEquals(10, FashionMnist.CLASS_NAMES.size());
    assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
    assertEquals("Sneaker", FashionMnist.CLASS_NAMES.get(7));
    assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
  }

  /**
   * The real data, where Debian's dataset-fashion-mnist package (or a copy of the four files) is
   * installed. Reference values were computed from the raw bytes independently of this reader.
   */
  @Test
  void readsTheRealFashionMnist() throws IOException {
    Assumptions.assumeTrue(FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR),
        "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR);
    TrainTest data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
    Dataset train = data.train();
    Dataset test = data.test();

    assertArrayEquals(new int[] {60_000, 28, 28}, train.x().shape());
    assertArrayEquals(new int[] {60_000}, train.y().shape());
    assertArrayEquals(new int[] {10_000, 28, 28}, test.x().shape());
    assertArrayEquals(new int[] {10_000}, test.y().shape());

    for (Tensor x : new Tensor[] {train.x(), test.x()}) {
      assertEquals(0.0, x.min());
      assertEquals(1.0, x.max());
    }
    int[] trainCounts = Labels.counts(train.y(), 10);
    int[] testCounts = Labels.counts(test.y(), 10);
    for (int c = 0; c < 10; c++) {
      assertEquals(6_000, trainCounts[c], "train images of class " + c);
      assertEquals(1_000, testCounts[c], "test images of class " + c);
    }

    assertArrayEquals(new double[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5},
        train.take(10).y().toArray());
    assertArrayEquals(new double[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7},
        test.take(10).y().toArray());

    // first training image: its byte sum, one saturated pixel and two others, by (row, column)
    assertEquals(76_247, train.take(1).x().sum() * 255, 1e-6);
    assertEquals(1.0, train.x().get(0, 14, 25));
    assertEquals(36 / 255.0, train.x().get(0, 4, 14));
    assertEquals(217 / 255.0, train.x().get(0, 14, 14));
    assertEquals(33_456, test.take(1).x().sum() * 255, 1e-6);
    long byteSum = 0;
    for (double v : train.x().data()) {
      double b = v * 255;
      assertEquals(Math.rint(b), b, 1e-9, "pixel * 255 is a byte value");
      byteSum += (long) Math.rint(b);
    }
    assertEquals(3_431_114_169L, byteSum);
  }
}
