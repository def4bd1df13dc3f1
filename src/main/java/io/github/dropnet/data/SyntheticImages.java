package io.github.dropnet.data;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Rng;
import java.util.List;

/**
 * A synthetic stand-in for {@link FashionMnist}, generated in code: 28x28 grayscale images of ten
 * simple shapes, so that examples and tests run where the real data is absent.
 *
 * <h2>Images</h2>
 * Each image shows one white shape on black, with a random centre (the shape stays inside the
 * frame), half-size 5 to 9 pixels, stroke width 2 to 3.5 pixels and brightness 0.6 to 1, drawn
 * with one pixel of anti-aliasing, plus zero-mean pixel noise (triangular: the sum of two
 * uniforms) of standard deviation {@value #NOISE}, and clipped to [0, 1]. The classes, by label
 * ({@link #CLASS_NAMES}): 0 horizontal bar, 1 vertical bar, 2 diagonal bar (top left to bottom right), 3 anti-diagonal bar, 4 plus,
 * 5 x-cross, 6 square outline, 7 filled square, 8 ring, 9 disc. Position, size and noise keep them
 * from being trivial to tell apart pixel by pixel.
 *
 * <h2>Shapes</h2>
 * As {@link FashionMnist}: x {@code (N, 28, 28)} in [0, 1], y {@code (N)} with labels 0..9 as
 * doubles; {@link Dataset#flattenX()} and {@link Dataset#withChannelAxis()} give {@code (N, 784)}
 * and {@code (N, 28, 28, 1)}.
 *
 * <pre>{@code
 * TrainTest data = FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR)
 *     ? FashionMnist.load(FashionMnist.DEFAULT_DIR)
 *     : SyntheticImages.load(6000, 1000, 42);
 * }</pre>
 *
 * <h2>Class balance</h2>
 * Of {@code n} images, each class has {@code n / 10} or {@code n / 10 + 1} (exactly
 * {@code n / 10} when 10 divides {@code n}), in shuffled order.
 *
 * <h2>Determinism</h2>
 * Every image and the order are pure functions of the seed (a counter-based generator, the same
 * on every JVM): the same arguments always give the same dataset. {@link #load} draws its test set
 * from a stream separate from its training set, so test images are fresh draws rather than copies
 * of training images.
 *
 * <h2>Thread safety</h2>
 * Stateless; safe to call from any thread. Each call returns new tensors.
 */
public final class SyntheticImages {
  /** The class names, by label. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "horizontal bar",
          "vertical bar",
          "diagonal bar",
          "anti-diagonal bar",
          "plus",
          "x-cross",
          "square outline",
          "filled square",
          "ring",
          "disc");

  /** The number of classes, 10. */
  public static final int CLASSES = 10;

  /** Image height and width in pixels, 28. */
  public static final int SIDE = 28;

  /** Standard deviation of the pixel noise. */
  public static final double NOISE = 0.08;

  private static final int TRAIN_STREAM = 0;
  private static final int TEST_STREAM = 1;
  private static final double HALF_SQRT2 = Math.sqrt(0.5);
  // the sum of two uniforms minus 1 has variance 1/6
  private static final double NOISE_SCALE = Math.sqrt(6) * NOISE;

  private SyntheticImages() {}

  /**
   * {@code n} images with balanced, shuffled labels, the training stream of {@code seed}.
   *
   * @param n the number of images, at least 0
   * @param seed any value; equal seeds give equal datasets
   * @return x {@code (n, 28, 28)} in [0, 1], y {@code (n)}
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public static Dataset generate(int n, long seed) {
    return generate(n, seed, TRAIN_STREAM, "SyntheticImages.generate: n");
  }

  /**
   * A training and a test set drawn from separate streams of {@code seed}; the training set equals
   * {@code generate(trainSize, seed)}.
   *
   * @param trainSize the number of training rows, {@code >= 0}
   * @param testSize the number of test rows, {@code >= 0}
   * @param seed any value; equal seeds give equal datasets
   * @return train and test: x {@code (n, 28, 28)} in [0, 1], y {@code (n)}
   * @throws IllegalArgumentException if a size is negative
   */
  public static TrainTest load(int trainSize, int testSize, long seed) {
    return new TrainTest(
        generate(trainSize, seed, TRAIN_STREAM, "SyntheticImages.load: trainSize"),
        generate(testSize, seed, TEST_STREAM, "SyntheticImages.load: testSize"));
  }

  private static Dataset generate(int n, long seed, int stream, String what) {
    if (n < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, received " + n);
    }
    int pixels = SIDE * SIDE;
    double[] x = new double[Shapes.size(what, n, SIDE, SIDE)];
    double[] y = new double[n];
    // slot s holds class s % 10; the permutation puts slots in random rows
    int[] slotOfRow = Dataset.permutation(n, Rng.key(seed, stream));
    for (int row = 0; row < n; row++) {
      int slot = slotOfRow[row];
      int label = slot % CLASSES;
      y[row] = label;
      draw(label, Rng.key(seed, 2L + 2L * slot + stream), x, row * pixels);
    }
    return new Dataset(Tensor.wrap(x, n, SIDE, SIDE), Tensor.wrap(y, n));
  }

  /** Draws one image of class {@code label} into {@code out[offset..offset+784)}. */
  private static void draw(int label, long key, double[] out, int offset) {
    Draws r = new Draws(key);
    double half = r.between(5, 9);
    double width = r.between(2, 3.5);
    double margin = half + width / 2 + 0.5;
    double cy = r.between(margin, SIDE - 1 - margin);
    double cx = r.between(margin, SIDE - 1 - margin);
    double brightness = r.between(0.6, 1.0);
    for (int row = 0; row < SIDE; row++) {
      for (int col = 0; col < SIDE; col++) {
        double d = distance(label, col - cx, row - cy, half, width);
        double coverage = Math.min(1, Math.max(0, 0.5 - d));
        double noise = (r.next() + r.next() - 1) * NOISE_SCALE;
        double v = brightness * coverage + noise;
        out[offset + row * SIDE + col] = Math.min(1, Math.max(0, v));
      }
    }
  }

  /**
   * Signed distance in pixels from (u, v), relative to the centre, to the shape of class
   * {@code label}: negative inside, positive outside.
   */
  private static double distance(int label, double u, double v, double half, double width) {
    double w = width / 2;
    // coordinates rotated by 45 degrees, for the diagonal shapes
    double a = (u + v) * HALF_SQRT2;
    double b = (v - u) * HALF_SQRT2;
    double diagonal = half * 1.2;
    switch (label) {
      case 0:
        return box(u, v, half, w);
      case 1:
        return box(u, v, w, half);
      case 2:
        return box(a, b, diagonal, w);
      case 3:
        return box(a, b, w, diagonal);
      case 4:
        return Math.min(box(u, v, half, w), box(u, v, w, half));
      case 5:
        return Math.min(box(a, b, diagonal, w), box(a, b, w, diagonal));
      case 6:
        return Math.abs(box(u, v, half - w, half - w)) - w;
      case 7:
        return box(u, v, half, half);
      case 8:
        return Math.abs(Math.sqrt(u * u + v * v) - (half - w)) - w;
      case 9:
        return Math.sqrt(u * u + v * v) - half;
      default:
        throw new AssertionError(label);
    }
  }

  /** Signed distance to an axis-aligned box of half-extents (hu, hv) centred at the origin. */
  private static double box(double u, double v, double hu, double hv) {
    double du = Math.abs(u) - hu;
    double dv = Math.abs(v) - hv;
    double outside = Math.sqrt(square(Math.max(du, 0)) + square(Math.max(dv, 0)));
    double inside = Math.min(Math.max(du, dv), 0);
    return outside + inside;
  }

  private static double square(double t) {
    return t * t;
  }

  /** Uniform draws from the counter-based stream {@code key}. */
  private static final class Draws {
    private final long key;
    private long index;

    Draws(long key) {
      this.key = key;
    }

    double next() {
      return Rng.uniform(Rng.bits(key, index++));
    }

    double between(double lo, double hi) {
      return lo + (hi - lo) * next();
    }
  }
}
