package io.github.dropnet.bench;

import io.github.dropnet.Tensor;
import io.github.dropnet.data.Dataset;
import io.github.dropnet.data.Labels;
import io.github.dropnet.data.TrainTest;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.losses.SparseCategoricalCrossentropy;
import io.github.dropnet.models.Callback;
import io.github.dropnet.models.FitOptions;
import io.github.dropnet.models.Sequential;
import io.github.dropnet.optimizers.Adam;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The training workloads of the reference table (E1-E3): whole models fitted on Fashion-MNIST
 * with {@link Sequential#fit}, as the PyTorch side does ({@code torch_epochs.py}).
 *
 * <h2>Training</h2>
 * Adam (learning rate 1e-3, betas 0.9 and 0.999, epsilon 1e-7), batches of 128 rows, shuffled
 * every epoch, the last partial batch kept; softmax outputs and the cross-entropy of the class
 * labels (the sparse form, as PyTorch's {@code CrossEntropyLoss} takes class indices: the same
 * loss as the categorical form on one-hot targets). Keras' initialisers, which the layers use by
 * default. Pixels scaled to [0, 1].
 *
 * <h2>Timing</h2>
 * Three epochs, each timed from its start to its end by a callback (the shuffle, the gathering of
 * the batches, forward, backward and the optimizer steps); the first is a warm-up, and the result
 * is the median, minimum and maximum of the others. Then the accuracy on the test images, not
 * timed.
 */
final class EpochWorkloads {

  static final Set<String> NAMES = Set.of("E1", "E2", "E3");

  /** Epochs fitted; the first {@link #UNTIMED} are not timed. */
  static final int EPOCHS = 3;

  static final int UNTIMED = 1;

  static final int BATCH = 128;

  static final long SEED = 42;

  /**
   * What one run gave.
   *
   * @param timed the timed epochs, milliseconds per epoch
   * @param testAccuracy the fraction of test images classified correctly afterwards
   */
  record Result(Timer.Result timed, double testAccuracy) {}

  private EpochWorkloads() {}

  static boolean has(String name) {
    return NAMES.contains(name);
  }

  /**
   * Fits a fresh model of workload {@code name} on the first training images of {@code data}
   * (60,000 for E1, 10,000 for E2 and E3, at most {@code limit} if it is positive) and tests it on
   * the test images (at most {@code limit}).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  static Result run(String name, TrainTest data, int limit, PrintStream log, String label) {
    int trainRows = name.equals("E1") ? 60_000 : 10_000;
    trainRows = Math.min(data.train().size(), limit > 0 ? Math.min(limit, trainRows) : trainRows);
    int testRows = Math.min(data.test().size(), limit > 0 ? limit : Integer.MAX_VALUE);
    Dataset train = shaped(name, data.train().take(trainRows));
    Dataset test = shaped(name, data.test().take(testRows));

    Sequential model = model(name);
    model.compile(new Adam(1e-3, 0.9, 0.999, 1e-7), new SparseCategoricalCrossentropy());
    EpochTimes times = new EpochTimes(log, label);
    model.fit(train.x(), train.y(), new FitOptions().epochs(EPOCHS).batchSize(BATCH)
        .shuffle(true).seed(SEED).callbacks(times));

    List<Double> ms = times.millis();
    double[] timed = new double[ms.size() - UNTIMED];
    for (int i = 0; i < timed.length; i++) {
      timed[i] = ms.get(UNTIMED + i);
    }
    Tensor predicted = Labels.argmax(model.predict(test.x(), 1000));
    double[] p = predicted.data();
    double[] y = test.y().data();
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == y[i]) {
        correct++;
      }
    }
    return new Result(Timer.Result.of(timed, 1), (double) correct / p.length);
  }

  /** The model of the table, with seeded layers so that runs repeat. */
  static Sequential model(String name) {
    return switch (name) {
      case "E1" -> new Sequential(
          new Dense(512).activation(Activation.RELU).seed(1),
          new Dropout(0.2),
          new Dense(512).activation(Activation.RELU).seed(2),
          new Dropout(0.2),
          new Dense(10).activation(Activation.SOFTMAX).seed(3));
      case "E2" -> new Sequential(
          new Conv2D(32, 3, 3).activation(Activation.RELU).seed(1),
          new MaxPool2D(2, 2),
          new Conv2D(64, 3, 3).activation(Activation.RELU).seed(2),
          new MaxPool2D(2, 2),
          new Dropout(0.25),
          new Flatten(),
          new Dense(128).activation(Activation.RELU).seed(3),
          new Dropout(0.5),
          new Dense(10).activation(Activation.SOFTMAX).seed(4));
      case "E3" -> new Sequential(
          new LSTM(128).seed(1),
          new Dropout(0.2),
          new Dense(10).activation(Activation.SOFTMAX).seed(2));
      default -> throw new IllegalArgumentException("unknown workload " + name);
    };
  }

  /** Images as each model reads them: (N, 784), (N, 28, 28, 1) or 28 steps of 28 features. */
  private static Dataset shaped(String name, Dataset images) {
    return switch (name) {
      case "E1" -> images.flattenX();
      case "E2" -> images.withChannelAxis();
      default -> images;
    };
  }

  /** Wall-clock time of every epoch, logged as it ends. */
  private static final class EpochTimes implements Callback {
    private final PrintStream log;
    private final String label;
    private final List<Double> millis = new ArrayList<>();
    private long start;

    EpochTimes(PrintStream log, String label) {
      this.log = log;
      this.label = label;
    }

    @Override
    public void onEpochBegin(int epoch) {
      start = System.nanoTime();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      double ms = (System.nanoTime() - start) / 1e6;
      millis.add(ms);
      log.printf(Locale.ROOT, "# %s epoch %d%s: %.2f s, training loss %.4f%n", label, epoch + 1,
          epoch < UNTIMED ? " (warm-up)" : "", ms / 1e3, logs.getOrDefault("loss", Double.NaN));
    }

    List<Double> millis() {
      return millis;
    }
  }
}
