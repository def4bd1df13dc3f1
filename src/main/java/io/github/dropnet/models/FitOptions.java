package io.github.dropnet.models;

import io.github.dropnet.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The settings of one {@link Sequential#fit(Tensor, Tensor, FitOptions)} call, set fluently:
 * {@code new FitOptions().epochs(20).batchSize(64).seed(42).validationSplit(0.1).verbose(1)}.
 *
 * <h2>Settings and defaults</h2>
 * <ul>
 *   <li>{@code epochs} (1) and {@code batchSize} (32), as Keras.
 *   <li>{@code shuffle} (true): the training rows are visited in a new random order every epoch.
 *   <li>{@code seed} (none): makes the shuffling and every dropout mask repeatable (see
 *       {@link Sequential}, Determinism). Without it each fit draws a fresh seed for the order and
 *       leaves the layers' own random streams alone.
 *   <li>{@code validationData(x, y)}: rows evaluated at inference at the end of every epoch; the
 *       results appear as {@code val_loss} and {@code val_<metric>}.
 *   <li>{@code validationSplit} (0): the fraction of rows held out for validation, taken from the
 *       end of {@code x} and {@code y} before any shuffling (Keras: the first
 *       {@code floor(n * (1 - split))} rows train). Ignored when validation data are given, as in
 *       Keras.
 *   <li>{@code verbose} (0): 0 silent, 1 a progress bar per epoch, 2 one line per epoch, in
 *       Keras 2's format (each after an {@code Epoch e/n} header when there are several). Keras
 *       prints by default; a library should not write to the console unless asked, so dropnet is
 *       silent until {@code verbose(1)} or {@code verbose(2)}.
 *   <li>{@code callbacks} (none), run in the order given.
 *   <li>{@code output} ({@code System.out}, looked up when {@code fit} starts): where progress
 *       goes. The bar is redrawn in place with {@code '\r'} only on an interactive terminal
 *       ({@code System.console() != null} and the stream is {@code System.out}); anywhere else
 *       each epoch prints its finished line only, with no control characters.
 * </ul>
 * Every setter checks its argument and throws {@link IllegalArgumentException} on a bad one.
 *
 * <p>Thread safety: a plain mutable object; do not change it while a fit that uses it runs.
 */
public final class FitOptions {
  private int epochs = 1;
  private int batchSize = 32;
  private boolean shuffle = true;
  private OptionalLong seed = OptionalLong.empty();
  private Tensor validationX;
  private Tensor validationY;
  private double validationSplit;
  private int verbose;
  private final List<Callback> callbacks = new ArrayList<>();
  private PrintStream output;

  /** The defaults listed in the class description. */
  public FitOptions() {}

  /**
   * The number of passes over the training rows; {@code >= 0}.
   *
   * @param epochs the number of epochs (default 1)
   * @return this options object
   * @throws IllegalArgumentException if {@code epochs < 0}
   */
  public FitOptions epochs(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("fit: epochs must be >= 0, received " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  /**
   * The number of rows per gradient step (the last batch of an epoch may be smaller).
   *
   * @param batchSize the batch size, {@code > 0} (default 32)
   * @return this options object
   * @throws IllegalArgumentException if {@code batchSize <= 0}
   */
  public FitOptions batchSize(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          "fit: batchSize must be a positive integer, received " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Whether to visit the rows in a new random order each epoch.
   *
   * @param shuffle true (the default) to shuffle, false to keep the rows' order
   * @return this options object
   */
  public FitOptions shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /**
   * The seed of the shuffling and of every stochastic layer for this fit.
   *
   * @param seed the seed; equal seeds give bit-identical fits
   * @return this options object
   */
  public FitOptions seed(long seed) {
    this.seed = OptionalLong.of(seed);
    return this;
  }

  /**
   * Rows to evaluate at the end of every epoch; overrides {@link #validationSplit}.
   *
   * @param x the validation inputs; not modified
   * @param y the validation targets, one per row of {@code x}; not modified
   * @return this options object
   * @throws IllegalArgumentException if either is null or they differ in their number of rows
   */
  public FitOptions validationData(Tensor x, Tensor y) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("fit: validation x and y must not be null");
    }
    Rows.checkSame("fit", "validation x and y", x, y);
    this.validationX = x;
    this.validationY = y;
    return this;
  }

  /**
   * The fraction of rows, from the end, held out for validation; in [0, 1).
   *
   * @param fraction the held-out fraction, in [0, 1) (default 0: none)
   * @return this options object
   * @throws IllegalArgumentException if {@code fraction} is outside [0, 1)
   */
  public FitOptions validationSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "fit: validationSplit must be in [0, 1), received " + fraction);
    }
    this.validationSplit = fraction;
    return this;
  }

  /**
   * 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
   *
   * @param verbose the progress output level, 0, 1 or 2
   * @return this options object
   * @throws IllegalArgumentException if {@code verbose} is not 0, 1 or 2
   */
  public FitOptions verbose(int verbose) {
    if (verbose < 0 || verbose > 2) {
      throw new IllegalArgumentException("fit: verbose must be 0, 1 or 2, received " + verbose);
    }
    this.verbose = verbose;
    return this;
  }

  /**
   * Adds callbacks, run after those added before, in the order given.
   *
   * @param callbacks the callbacks to add
   * @return this options object
   * @throws IllegalArgumentException if a callback is null
   */
  public FitOptions callbacks(Callback... callbacks) {
    for (Callback c : callbacks) {
      if (c == null) {
        throw new IllegalArgumentException("fit: callbacks must not be null");
      }
      this.callbacks.add(c);
    }
    return this;
  }

  /**
   * Where progress output goes; {@code System.out} by default.
   *
   * @param out the stream progress lines are printed to
   * @return this options object
   * @throws IllegalArgumentException if {@code out} is null
   */
  public FitOptions output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException("fit: output must not be null");
    }
    this.output = out;
    return this;
  }

  int epochs() {
    return epochs;
  }

  int batchSize() {
    return batchSize;
  }

  boolean shuffle() {
    return shuffle;
  }

  OptionalLong seed() {
    return seed;
  }

  Tensor validationX() {
    return validationX;
  }

  Tensor validationY() {
    return validationY;
  }

  double validationSplit() {
    return validationSplit;
  }

  int verbose() {
    return verbose;
  }

  List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  PrintStream output() {
    return output != null ? output : System.out;
  }

  @Override
  public String toString() {
    return "FitOptions[epochs=" + epochs + ", batchSize=" + batchSize + ", shuffle=" + shuffle
        + ", seed=" + (seed.isPresent() ? String.valueOf(seed.getAsLong()) : "none")
        + ", validationData=" + (validationX != null) + ", validationSplit=" + validationSplit
        + ", verbose=" + verbose + ", callbacks=" + callbacks.size() + "]";
  }
}
