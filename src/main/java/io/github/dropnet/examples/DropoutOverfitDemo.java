package io.github.dropnet.examples;

import io.github.dropnet.Tensor;
import io.github.dropnet.data.Dataset;
import io.github.dropnet.data.Labels;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.models.Callback;
import io.github.dropnet.models.FitOptions;
import io.github.dropnet.models.Metric;
import io.github.dropnet.models.Sequential;
import io.github.dropnet.optimizers.SGD;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Dropout against overfitting, the experiment of chapter 6 of Saito's <i>Deep Learning from
 * Scratch</i> on Fashion-MNIST: a deep network trained on only 300 images learns them by heart,
 * and dropout narrows the gap between its training and test accuracy.
 *
 * <h2>Set-up</h2>
 * As in the book: 784 inputs, six hidden layers of 100 ReLU units, 10 softmax outputs; weights
 * drawn He-normal (standard deviation {@code sqrt(2 / fan_in)}, the book's default for ReLU,
 * set through {@code setWeights}) and identical for both runs; plain SGD with learning rate 0.01,
 * batches of 100, the first 300 training images. One run has no dropout, the other a
 * {@code Dropout(0.2)} after every hidden layer. The book trains 301 epochs; the default here is
 * 200, by when the network without dropout has long reached 100% on its training images, and
 * which keeps the demo within two minutes on two cores ({@code --epochs 301} for the book's
 * length). Accuracy is measured at inference (dropout off) on the 300 training images and on the
 * 10,000 test images, after the first epoch and then every {@code epochs / 20} epochs.
 *
 * <p>The book's layer scales at inference ({@link Dropout.Scaling#AT_INFERENCE}); this demo uses
 * the Keras default, inverted dropout, which is the same network in expectation and learns faster
 * in a network this deep.
 *
 * <h2>Speed</h2>
 * The two runs are independent and train side by side on two threads; each model is used by one
 * thread only. Most of the time goes into measuring the test accuracy, so it is measured every few
 * epochs rather than every epoch.
 *
 * <h2>Output</h2>
 * A progress line per measurement, the final gaps, and {@code dropout-overfit.png} in the output
 * directory: the training and test accuracy of both runs against the epoch.
 */
final class DropoutOverfitDemo {
  static final String NAME = "dropout-overfit";
  static final String FILE = "dropout-overfit.png";
  static final int TRAIN_IMAGES = 300;
  static final int TEST_IMAGES = 10_000;
  static final int DEFAULT_EPOCHS = 200;
  static final int HIDDEN_LAYERS = 6;
  static final int HIDDEN_UNITS = 100;
  static final double RATE = 0.2;
  static final double LEARNING_RATE = 0.01;
  static final int BATCH_SIZE = 100;
  /** About this many measurements per run, plus the first epoch. */
  static final int MEASUREMENTS = 20;

  private DropoutOverfitDemo() {}

  /** The accuracies of one run at the measured epochs. */
  record Curve(String name, int[] epochs, double[] train, double[] test) {
    /** Training minus test accuracy at the last measured epoch. */
    double finalGap() {
      return train[train.length - 1] - test[test.length - 1];
    }

    double finalTest() {
      return test[test.length - 1];
    }
  }

  /** What the demo measured and where it wrote its plot. */
  record Result(Curve withoutDropout, Curve withDropout, Path plot, boolean realData) {}

  static Result run(DemoOptions options, PrintStream out) throws IOException {
    int epochs = options.epochsOr(options.quick() ? 4 : DEFAULT_EPOCHS);
    out.println("== dropout-overfit: a deep MLP trained on only 300 images, without and with"
        + " dropout (Deep Learning from Scratch, chapter 6)");
    DemoData data = DemoData.load(
        options, out, options.quick() ? 100 : TRAIN_IMAGES, options.quick() ? 500 : TEST_IMAGES);
    Dataset train = data.train().flattenX();
    Dataset test = data.test().flattenX();
    Tensor trainY = Labels.oneHot(train.y(), 10);
    Tensor testY = Labels.oneHot(test.y(), 10);
    int[] schedule = schedule(epochs);

    out.printf(Locale.ROOT,
        "Model: 784 -> %d x Dense(%d, relu) -> Dense(10, softmax), He-normal weights (the same"
            + " for both runs);%n       SGD(lr=%s), batch %d, %d epochs; run B adds Dropout(%s)"
            + " after every hidden layer.%n",
        HIDDEN_LAYERS, HIDDEN_UNITS, LEARNING_RATE, BATCH_SIZE, epochs, RATE);
    out.printf(Locale.ROOT,
        "Accuracy at inference on the %d training and %,d test images, after %s;%n"
            + "both runs train side by side.%n",
        train.size(), test.size(),
        every(epochs) == 1 ? "every epoch" : "epoch 1 and every " + every(epochs) + " epochs");
    String nameA = "no dropout";
    String nameB = "dropout " + RATE;
    Table table = new Table(out, schedule, nameA, nameB);
    table.header();

    long start = System.nanoTime();
    Curve[] curves = new Curve[2];
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "dropout-overfit");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Curve>> runs = new ArrayList<>();
      double[] rates = {0, RATE};
      String[] names = {nameA, nameB};
      for (int k = 0; k < 2; k++) {
        int run = k;
        runs.add(pool.submit(() -> train(names[run], rates[run], options.seed(), epochs, schedule,
            train.x(), trainY, test.x(), testY, (e, tr, te) -> table.report(run, tr, te))));
      }
      for (int k = 0; k < 2; k++) {
        curves[k] = runs.get(k).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("dropout-overfit: interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException("dropout-overfit: a training run failed", cause);
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    Curve a = curves[0];
    Curve b = curves[1];
    out.printf(Locale.ROOT, "%nAfter %s (%.1f s of training):%n", Training.epochs(epochs),
        seconds);
    out.printf(Locale.ROOT, "  %-12s train %.3f  test %.3f  train-test gap %.3f%n",
        a.name, a.train[a.train.length - 1], a.finalTest(), a.finalGap());
    out.printf(Locale.ROOT, "  %-12s train %.3f  test %.3f  train-test gap %.3f%n",
        b.name, b.train[b.train.length - 1], b.finalTest(), b.finalGap());
    if (b.finalGap() < a.finalGap()) {
      out.printf(Locale.ROOT, "Dropout narrowed the train-test gap by %.3f.%n",
          a.finalGap() - b.finalGap());
    } else {
      out.println("Dropout did NOT narrow the train-test gap in this run.");
    }
    if (a.train[a.train.length - 1] == 1.0) {
      out.println("Without dropout the network classifies every one of its training images"
          + " correctly: it has learned them by heart.");
    }

    Path plot = options.outDir().resolve(FILE);
    String title = "Dropout on " + train.size() + (data.real() ? " Fashion-MNIST" : " synthetic")
        + " training images: 6 x 100 ReLU MLP, SGD " + LEARNING_RATE;
    new LinePlot(title)
        .xLabel("epoch")
        .yLabel("accuracy (at inference)")
        .xRange(0, epochs)
        .yRange(0, 1)
        .series(a.name + ", train", asDoubles(a.epochs), a.train, LinePlot.color(0), false)
        .series(a.name + ", test", asDoubles(a.epochs), a.test, LinePlot.color(0), true)
        .series(b.name + ", train", asDoubles(b.epochs), b.train, LinePlot.color(1), false)
        .series(b.name + ", test", asDoubles(b.epochs), b.test, LinePlot.color(1), true)
        .write(plot);
    out.println("Wrote " + plot);
    return new Result(a, b, plot, data.real());
  }

  /** The measured epochs (from 1): the first, every {@code epochs / 20}, and the last. */
  static int[] schedule(int epochs) {
    int every = every(epochs);
    List<Integer> list = new ArrayList<>();
    list.add(1);
    for (int e = every; e <= epochs; e += every) {
      if (e > 1) {
        list.add(e);
      }
    }
    if (list.get(list.size() - 1) != epochs) {
      list.add(epochs);
    }
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  /** How many epochs apart the measurements are. */
  static int every(int epochs) {
    return Math.max(1, (int) Math.round((double) epochs / MEASUREMENTS));
  }

  /** The network of the book, with a dropout layer after each hidden layer when rate > 0. */
  static Sequential model(double rate, long seed) {
    Sequential model = new Sequential();
    for (int i = 0; i < HIDDEN_LAYERS; i++) {
      model.add(new Dense(HIDDEN_UNITS).activation(Activation.RELU));
      if (rate > 0) {
        model.add(new Dropout(rate));
      }
    }
    model.add(new Dense(10).activation(Activation.SOFTMAX));
    model.build(-1, 784);
    // He-normal kernels (std sqrt(2 / fan_in)), zero biases, drawn from the seed alone so both
    // runs start from the same weights
    SplittableRandom rng = new SplittableRandom(seed);
    List<Tensor> weights = model.getWeights();
    for (Tensor w : weights) {
      double[] d = w.data();
      double std = w.rank() == 2 ? Math.sqrt(2.0 / w.dim(0)) : 0;
      for (int i = 0; i < d.length; i++) {
        d[i] = std * rng.nextGaussian();
      }
    }
    model.setWeights(weights);
    return model;
  }

  /** Receives one measurement of one run. */
  interface Listener {
    void measured(int epoch, double trainAccuracy, double testAccuracy);
  }

  /** Trains one network and measures it at the scheduled epochs. */
  static Curve train(String name, double rate, long seed, int epochs, int[] schedule,
      Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, Listener listener) {
    Sequential model = model(rate, seed);
    model.compile(new SGD(LEARNING_RATE), new CategoricalCrossentropy(false), Metric.accuracy());
    double[] trainAcc = new double[schedule.length];
    double[] testAcc = new double[schedule.length];
    model.fit(trainX, trainY, new FitOptions()
        .epochs(epochs)
        .batchSize(BATCH_SIZE)
        .seed(seed)
        .callbacks(new Callback() {
          private int next;

          @Override
          public void onEpochEnd(int epoch, Map<String, Double> logs) {
            if (next < schedule.length && epoch + 1 == schedule[next]) {
              // at inference: dropout off, as the book's accuracy(x, t)
              trainAcc[next] = model.evaluateMetrics(trainX, trainY, 500).get("accuracy");
              testAcc[next] = model.evaluateMetrics(testX, testY, 500).get("accuracy");
              listener.measured(epoch + 1, trainAcc[next], testAcc[next]);
              next++;
            }
          }
        }));
    return new Curve(name, schedule.clone(), trainAcc, testAcc);
  }

  private static double[] asDoubles(int[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return d;
  }

  /** Prints one line per measured epoch once both runs have reached it. */
  private static final class Table {
    private final PrintStream out;
    private final int[] schedule;
    private final String nameA;
    private final String nameB;
    private final double[][] train;
    private final double[][] test;
    private final int[] reported = new int[2];
    private final long start = System.nanoTime();
    private int printed;

    Table(PrintStream out, int[] schedule, String nameA, String nameB) {
      this.out = out;
      this.schedule = schedule;
      this.nameA = nameA;
      this.nameB = nameB;
      this.train = new double[2][schedule.length];
      this.test = new double[2][schedule.length];
    }

    void header() {
      out.printf(Locale.ROOT, "%6s | %-22s | %-22s |%n", "", centred(nameA, 22),
          centred(nameB, 22));
      out.printf(Locale.ROOT, "%6s | %6s %6s %8s | %6s %6s %8s | %7s%n", "epoch", "train", "test",
          "gap", "train", "test", "gap", "time");
    }

    private static String centred(String s, int width) {
      int pad = Math.max(0, (width - s.length()) / 2);
      return " ".repeat(pad) + s;
    }

    synchronized void report(int run, double trainAccuracy, double testAccuracy) {
      int i = reported[run]++;
      train[run][i] = trainAccuracy;
      test[run][i] = testAccuracy;
      while (printed < Math.min(reported[0], reported[1])) {
        int k = printed++;
        out.printf(Locale.ROOT, "%6d | %s | %s | %6.1fs%n", schedule[k],
            cells(train[0][k], test[0][k]), cells(train[1][k], test[1][k]),
            (System.nanoTime() - start) / 1e9);
        out.flush();
      }
    }

    private static String cells(double tr, double te) {
      return String.format(Locale.ROOT, "%6.3f %6.3f %8.3f", tr, te, tr - te);
    }
  }
}
