package io.github.dropnet.data;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Rng;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Inputs and targets of the same examples: {@code x} of shape {@code (N, ...)} and {@code y} of
 * shape {@code (N, ...)}, row {@code i} of one belonging to row {@code i} of the other.
 *
 * <h2>Shapes</h2>
 * Both tensors have rank at least 1 and the same first dimension, the number of examples
 * {@link #size()}. Typical pairs: images {@code (N, 28, 28)} with labels {@code (N)}; features
 * {@code (N, 784)} with one-hot targets {@code (N, 10)} ({@link Labels#oneHot}).
 *
 * <h2>Copies and views</h2>
 * The constructor, {@link #x()} and {@link #y()} share the tensors (no copy). {@link #reshapeX},
 * {@link #flattenX()} and {@link #withChannelAxis()} return datasets whose {@code x} is a
 * reshaped view of the same data. Every other method that returns a dataset ({@link #slice},
 * {@link #take}, {@link #shuffled}, {@link #batches}, {@link #split}) copies the rows it selects,
 * so writing to its tensors leaves this dataset unchanged.
 *
 * <h2>Determinism</h2>
 * {@link #shuffled(long)} is a pure function of the seed and the size: the same seed gives the
 * same order on every run and every JVM.
 *
 * <h2>Errors</h2>
 * Bad arguments throw {@link IllegalArgumentException} naming the argument, what was expected and
 * what was received; mismatched tensors name both shapes.
 *
 * <h2>Thread safety</h2>
 * A dataset never writes to its tensors, so it may be read from many threads while nobody writes
 * to the tensors it shares. The iterators of {@link #batches} are for one thread each.
 */
public final class Dataset {
  private final Tensor x;
  private final Tensor y;

  /**
   * A dataset of the given inputs and targets, sharing them (no copy).
   *
   * @param x inputs, shape {@code (N, ...)}
   * @param y targets, shape {@code (N, ...)}
   * @throws IllegalArgumentException if either is null or has rank 0, or the first dimensions
   *     differ
   */
  public Dataset(Tensor x, Tensor y) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("Dataset: x and y must not be null, received x "
          + (x == null ? "null" : Shapes.format(x.shape())) + " and y "
          + (y == null ? "null" : Shapes.format(y.shape())));
    }
    if (x.rank() == 0 || y.rank() == 0 || x.dim(0) != y.dim(0)) {
      throw new IllegalArgumentException(
          "Dataset: x and y must have rank >= 1 and the same first dimension, received x "
              + Shapes.format(x.shape()) + " and y " + Shapes.format(y.shape()));
    }
    this.x = x;
    this.y = y;
  }

  /** {@return the number of examples, {@code N}} */
  public int size() {
    return x.dim(0);
  }

  /** {@return the inputs, shape {@code (N, ...)}: the tensor itself, not a copy} */
  public Tensor x() {
    return x;
  }

  /** {@return the targets, shape {@code (N, ...)}: the tensor itself, not a copy} */
  public Tensor y() {
    return y;
  }

  /**
   * Rows {@code from} (inclusive) to {@code to} (exclusive), copied.
   *
   * @param from the first row taken
   * @param to the row after the last one taken
   * @return a new dataset of {@code to - from} rows
   * @throws IllegalArgumentException unless {@code 0 <= from <= to <= size()}
   */
  public Dataset slice(int from, int to) {
    if (from < 0 || from > to || to > size()) {
      throw new IllegalArgumentException(
          "Dataset.slice: expected 0 <= from <= to <= " + size() + ", received from=" + from
              + ", to=" + to);
    }
    return new Dataset(sliceRows(x, from, to), sliceRows(y, from, to));
  }

  /**
   * The first {@code min(n, size())} rows, copied (like {@code tf.data.Dataset.take}).
   *
   * @param n the largest number of rows taken
   * @return a new dataset of at most {@code n} rows
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public Dataset take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Dataset.take: n must be >= 0, received " + n);
    }
    return slice(0, Math.min(n, size()));
  }

  /**
   * All rows in an order drawn from {@code seed}, copied; rows of {@code x} and {@code y} stay
   * paired. The order is a Fisher-Yates shuffle driven by a counter-based generator, so it
   * depends only on {@code seed} and {@link #size()}.
   *
   * @param seed the seed of the permutation
   * @return a new dataset with the same rows in shuffled order
   */
  public Dataset shuffled(long seed) {
    return select(permutation(size(), seed));
  }

  /**
   * The rows at the given indices, in that order, copied. An index may repeat.
   *
   * @param rows the row indices; not modified
   * @return a new dataset of {@code rows.length} rows
   * @throws IllegalArgumentException if {@code rows} is null or an index is outside
   *     {@code [0, size())}
   */
  public Dataset select(int[] rows) {
    if (rows == null) {
      throw new IllegalArgumentException("Dataset.select: rows must not be null");
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= size()) {
        throw new IllegalArgumentException(
            "Dataset.select: rows[" + i + "] must be in [0, " + size() + "), received "
                + rows[i]);
      }
    }
    return new Dataset(gatherRows(x, rows), gatherRows(y, rows));
  }

  /**
   * Consecutive batches of {@code batchSize} rows in order, each copied when the iterator reaches
   * it; the last batch holds the remaining {@code size() % batchSize} rows if that is not zero.
   * There are {@code ceil(size() / batchSize)} batches. Shuffle first ({@link #shuffled}) for a
   * new order each epoch.
   *
   * <pre>{@code
   * for (Dataset batch : train.shuffled(epoch).batches(32)) {
   *   trainStep(batch.x(), batch.y());
   * }
   * }</pre>
   *
   * @param batchSize the number of rows per batch (the last one may hold fewer), {@code >= 1}
   * @return an iterable whose every iterator walks the batches from the first row
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public Iterable<Dataset> batches(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "Dataset.batches: batchSize must be >= 1, received " + batchSize);
    }
    return () -> new Iterator<>() {
      private int next = 0;

      @Override
      public boolean hasNext() {
        return next < size();
      }

      @Override
      public Dataset next() {
        if (!hasNext()) {
          throw new NoSuchElementException("Dataset.batches: no batch after row " + next);
        }
        int from = next;
        next = (int) Math.min((long) from + batchSize, size());
        return slice(from, next);
      }
    };
  }

  /**
   * The number of batches {@link #batches(int)} yields: {@code ceil(size() / batchSize)}.
   *
   * @param batchSize the number of rows per batch, {@code >= 1}
   * @return the batch count, 0 for an empty dataset
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public int batchCount(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "Dataset.batchCount: batchSize must be >= 1, received " + batchSize);
    }
    return (int) (((long) size() + batchSize - 1) / batchSize);
  }

  /**
   * Splits the rows in order, copied: the first {@code round(fraction * size())} rows become
   * {@link TrainTest#train()}, the rest {@link TrainTest#test()} (for validation or testing).
   * Shuffle first if the order matters.
   *
   * @param fraction the share of rows that go to the training part, in [0, 1]
   * @return the two parts, both copies
   * @throws IllegalArgumentException if {@code fraction} is not in [0, 1]
   */
  public TrainTest split(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "Dataset.split: fraction must be in [0, 1], received " + fraction);
    }
    int first = (int) Math.round(fraction * size());
    return new TrainTest(slice(0, first), slice(first, size()));
  }

  /**
   * The same data with {@code x} reshaped (a view, no copy); {@code y} is shared unchanged. One
   * entry may be {@code -1}, e.g. {@code reshapeX(-1, 784)}.
   *
   * @param shape the new shape of {@code x}, its first entry {@link #size()} (or {@code -1})
   * @return a dataset whose {@code x} is a view of this one's
   * @throws IllegalArgumentException if the sizes disagree or the first dimension would not be
   *     {@link #size()}
   */
  public Dataset reshapeX(int... shape) {
    Tensor r;
    try {
      r = x.reshape(shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Dataset.reshapeX: " + e.getMessage(), e);
    }
    if (r.rank() == 0 || r.dim(0) != size()) {
      throw new IllegalArgumentException(
          "Dataset.reshapeX: the first dimension must stay " + size() + ", received "
              + Shapes.format(shape) + " for x " + Shapes.format(x.shape()));
    }
    return new Dataset(r, y);
  }

  /**
   * {@code x} as {@code (N, features)}, a view: {@code (N, 28, 28)} becomes {@code (N, 784)}.
   *
   * @return a dataset whose {@code x} is a rank-2 view of this one's
   */
  public Dataset flattenX() {
    return reshapeX(size(), size() == 0 ? featureCount() : -1);
  }

  /**
   * {@code x} with a trailing channel axis of size 1, a view: {@code (N, 28, 28)} becomes
   * {@code (N, 28, 28, 1)}, the channels-last layout of Keras' {@code Conv2D}.
   *
   * @return a dataset whose {@code x} is a view of this one's with one more axis
   */
  public Dataset withChannelAxis() {
    int[] s = x.shape();
    int[] t = Arrays.copyOf(s, s.length + 1);
    t[s.length] = 1;
    return reshapeX(t);
  }

  /** For example {@code Dataset[size=60000, x=(60000, 28, 28), y=(60000,)]}. */
  @Override
  public String toString() {
    return "Dataset[size=" + size() + ", x=" + Shapes.format(x.shape()) + ", y="
        + Shapes.format(y.shape()) + "]";
  }

  // ---- helpers

  private int featureCount() {
    int[] s = x.shape();
    return Shapes.size(Arrays.copyOfRange(s, 1, s.length));
  }

  /**
   * A permutation of {@code 0..n-1} from {@code seed}: Fisher-Yates, each swap index drawn from
   * the counter-based stream {@code Rng.bits(key, i)}.
   */
  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    long key = Rng.key(seed, 0);
    for (int i = n - 1; i > 0; i--) {
      // bias of this reduction is below (i + 1) / 2^64, far under any observable level
      int j = (int) Long.remainderUnsigned(Rng.bits(key, i), i + 1L);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int rowLength(Tensor t) {
    return t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
  }

  private static int[] withRows(Tensor t, int rows) {
    int[] s = t.shape();
    s[0] = rows;
    return s;
  }

  private static Tensor sliceRows(Tensor t, int from, int to) {
    int row = rowLength(t);
    double[] d = Arrays.copyOfRange(t.data(), from * row, to * row);
    return Tensor.wrap(d, withRows(t, to - from));
  }

  private static Tensor gatherRows(Tensor t, int[] rows) {
    int row = rowLength(t);
    double[] src = t.data();
    double[] d = new double[Shapes.size("Dataset.select", withRows(t, rows.length))];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(src, rows[i] * row, d, i * row, row);
    }
    return Tensor.wrap(d, withRows(t, rows.length));
  }
}
