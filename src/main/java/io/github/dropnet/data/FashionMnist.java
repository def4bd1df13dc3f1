package io.github.dropnet.data;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70,000 grayscale 28x28 images of clothing in
 * 10 classes, 60,000 for training and 10,000 for testing, read from the four IDX files of the
 * original distribution.
 *
 * <h2>Files</h2>
 * A directory holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each either as is or
 * gzipped with a {@code .gz} suffix (the plain file is used if both exist). Debian's
 * {@code dataset-fashion-mnist} package installs the gzipped ones in {@link #DEFAULT_DIR}. MNIST's
 * files have the same names and format, so {@link #load(Path)} reads an MNIST directory as well
 * ({@link #CLASS_NAMES} then does not apply).
 *
 * <h2>Shapes</h2>
 * Images {@code (N, 28, 28)} scaled to [0, 1] (pixel / 255); labels {@code (N)}, class indices
 * 0..9 as doubles. For a dense network use {@link Dataset#flattenX()} ({@code (N, 784)}); for a
 * convolutional one {@link Dataset#withChannelAxis()} ({@code (N, 28, 28, 1)}); for targets
 * {@link Labels#oneHot}. The whole set takes about 440 MB as doubles.
 *
 * <pre>{@code
 * if (FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR)) {
 *   TrainTest data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
 *   Dataset train = data.train().flattenX();          // x (60000, 784), y (60000,)
 *   Tensor targets = Labels.oneHot(train.y(), 10);    // (60000, 10)
 * }
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link IOException} naming the file: a missing file ({@link NoSuchFileException} naming both
 * names tried), any IDX error of {@link Idx}, images that are not unsigned bytes of shape
 * {@code (N, 28, 28)}, labels that are not unsigned bytes of shape {@code (N)} in 0..9, and
 * image and label files of one split holding different counts (naming both files and counts).
 *
 * <h2>Thread safety</h2>
 * Stateless; safe to call from any thread. Each call returns new tensors.
 */
public final class FashionMnist {
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The class names, by label: index 0 is "T-shirt/top", 9 is "Ankle boot". */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** The number of classes, 10. */
  public static final int CLASSES = 10;

  /** Image height and width in pixels, 28. */
  public static final int SIDE = 28;

  /** Base names of the four files, without {@code .gz}. */
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";

  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private FashionMnist() {}

  /**
   * Whether {@code dir} holds all four files, each plain or gzipped. Only their presence as
   * readable regular files is checked, not their content.
   *
   * @param dir the folder to look in
   * @return true if the four files are there
   * @throws IllegalArgumentException if {@code dir} is null
   */
  public static boolean isAvailable(Path dir) {
    notNull("FashionMnist.isAvailable", dir);
    for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
      if (find(dir, name) == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #load(Path)} from {@link #DEFAULT_DIR}.
   *
   * @return train and test, as {@link #load(Path)} returns them
   * @throws IOException as {@link #load(Path)}
   */
  public static TrainTest load() throws IOException {
    return load(DEFAULT_DIR);
  }

  /**
   * Reads the training and test sets from {@code dir}.
   *
   * @param dir the folder holding the four files, each plain or gzipped
   * @return train (60,000 rows for the real data) and test (10,000 rows): x {@code (N, 28, 28)}
   *     in [0, 1], y {@code (N)} in 0..9
   * @throws IOException if a file is missing or malformed, or counts disagree (see the class
   *     documentation)
   * @throws IllegalArgumentException if {@code dir} is null
   */
  public static TrainTest load(Path dir) throws IOException {
    notNull("FashionMnist.load", dir);
    return new TrainTest(
        loadSplit(dir, TRAIN_IMAGES, TRAIN_LABELS), loadSplit(dir, TEST_IMAGES, TEST_LABELS));
  }

  private static void notNull(String method, Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException(method + ": the directory must not be null");
    }
  }

  private static Dataset loadSplit(Path dir, String imagesName, String labelsName)
      throws IOException {
    Path imagesFile = require(dir, imagesName);
    Path labelsFile = require(dir, labelsName);
    // compare the headers first, so a mismatch fails before 47 MB of pixels are decoded
    Idx.Header images = Idx.readHeader(imagesFile);
    Idx.Header labels = Idx.readHeader(labelsFile);
    int[] is = images.shape();
    int[] ls = labels.shape();
    if (images.type() != Idx.Type.UNSIGNED_BYTE
        || is.length != 3 || is[1] != SIDE || is[2] != SIDE) {
      throw new IOException(
          imagesFile + ": expected UNSIGNED_BYTE images of shape (N, 28, 28), found " + images);
    }
    if (labels.type() != Idx.Type.UNSIGNED_BYTE || ls.length != 1) {
      throw new IOException(
          labelsFile + ": expected UNSIGNED_BYTE labels of shape (N,), found " + labels);
    }
    if (is[0] != ls[0]) {
      throw new IOException(
          "FashionMnist: " + imagesFile + " holds " + is[0] + " images but " + labelsFile
              + " holds " + ls[0] + " labels");
    }
    Tensor x = Idx.read(imagesFile, Idx.Scaling.UNIT_INTERVAL);
    Tensor y = Idx.read(labelsFile);
    if (!Arrays.equals(x.shape(), is) || !Arrays.equals(y.shape(), ls)) {
      // the files changed between reading the headers and the data
      throw new IOException(
          "FashionMnist: " + imagesFile + " and " + labelsFile + " changed while being read: "
              + Shapes.format(x.shape()) + " and " + Shapes.format(y.shape()));
    }
    double[] d = y.data();
    for (int i = 0; i < d.length; i++) {
      if (d[i] >= CLASSES) {
        throw new IOException(
            labelsFile + ": label at row " + i + " is " + (int) d[i] + ", expected 0.."
                + (CLASSES - 1));
      }
    }
    return new Dataset(x, y);
  }

  private static Path require(Path dir, String name) throws NoSuchFileException {
    Path f = find(dir, name);
    if (f == null) {
      throw new NoSuchFileException(
          dir.resolve(name).toString(), null,
          "FashionMnist: neither " + name + " nor " + name + ".gz is a readable file in " + dir);
    }
    return f;
  }

  /** The plain file if readable, else the gzipped one if readable, else null. */
  private static Path find(Path dir, String name) {
    for (Path f : List.of(dir.resolve(name), dir.resolve(name + ".gz"))) {
      if (Files.isRegularFile(f) && Files.isReadable(f)) {
        return f;
      }
    }
    return null;
  }
}
