package io.github.dropnet.examples;

import io.github.dropnet.Tensor;
import io.github.dropnet.data.Dataset;
import io.github.dropnet.data.Labels;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.models.FitOptions;
import io.github.dropnet.models.History;
import io.github.dropnet.models.Metric;
import io.github.dropnet.models.Sequential;
import io.github.dropnet.optimizers.Adam;
import io.github.dropnet.optimizers.CosineDecay;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The training loop shared by the classifier demos ({@code mlp}, {@code cnn}, {@code lstm}):
 * Adam and categorical cross-entropy on one-hot labels, Keras-style progress, and the test
 * accuracy after every epoch.
 */
final class Training {
  private Training() {}

  /**
   * What a fit gave.
   *
   * @param history the per-epoch figures; {@code val_accuracy} is the test accuracy
   * @param testAccuracy the test accuracy after the last epoch
   * @param seconds the wall time of the fit, test evaluations included
   */
  record Outcome(History history, double testAccuracy, double seconds) {
    /** The test accuracy after each epoch, in order. */
    List<Double> testAccuracies() {
      return history.valMetric("accuracy");
    }
  }

  /**
   * How a demo sets the learning rate of Adam: {@code initial} at the first step, then down
   * along half a cosine to 0 at the last step of the run (Keras' {@code CosineDecay}), which
   * settles the weights at the end of a short run.
   *
   * @param initial the rate of the first step
   */
  record Rate(double initial) {
    /** Adam with this rate, for a run of {@code epochs} epochs over {@code rows} rows. */
    Adam adam(int epochs, int rows, int batchSize) {
      long steps = (long) epochs * ((rows + batchSize - 1) / batchSize);
      return new Adam(new CosineDecay(initial, Math.max(1, steps), 0.0));
    }

    @Override
    public String toString() {
      return "Adam(lr=" + initial + ", cosine decay to 0 over the run)";
    }
  }

  /**
   * Prints the model's summary, trains it with Adam on {@code train} and reports the accuracy on
   * {@code test} after every epoch (as {@code val_accuracy}: the test images are only measured,
   * never used to choose anything).
   */
  static Outcome fit(Sequential model, Dataset train, Dataset test, Rate rate,
      int epochs, int batchSize, long seed, PrintStream out) {
    Tensor trainY = Labels.oneHot(train.y(), 10);
    Tensor testY = Labels.oneHot(test.y(), 10);
    model.build(inputShape(train));
    out.println(model.summary());
    model.compile(rate.adam(epochs, train.size(), batchSize), new CategoricalCrossentropy(false),
        Metric.accuracy());
    out.printf(Locale.ROOT,
        "Training: %s, batch %d, %s on %,d images; val_* is the %,d test images.%n",
        rate, batchSize, epochs(epochs), train.size(), test.size());
    long start = System.nanoTime();
    History history = model.fit(train.x(), trainY, new FitOptions()
        .epochs(epochs)
        .batchSize(batchSize)
        .seed(seed)
        .validationData(test.x(), testY)
        .verbose(1)
        .output(out));
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Double> acc = history.valMetric("accuracy");
    double last = acc.get(acc.size() - 1);
    out.printf(Locale.ROOT, "Test accuracy after %s: %.4f (training took %s)%n",
        epochs(acc.size()), last, duration(seconds));
    return new Outcome(history, last, seconds);
  }

  /** The batch-free input shape of a dataset: {@code (-1, ...)}. */
  static int[] inputShape(Dataset d) {
    int[] s = d.x().shape();
    s[0] = -1;
    return s;
  }

  /**
   * Prints how a run compares with a target: the accuracy after {@code afterEpochs} epochs, or
   * the best within them, against {@code target}; says plainly when the comparison does not apply
   * (synthetic data, or fewer epochs run).
   *
   * @return whether the target was met (false when it does not apply)
   */
  static boolean reportTarget(PrintStream out, Outcome outcome, boolean realData,
      int afterEpochs, boolean best, double target, String reference) {
    List<Double> acc = outcome.testAccuracies();
    String what = best ? "best test accuracy within " + epochs(afterEpochs)
        : "test accuracy after " + epochs(afterEpochs);
    if (!realData) {
      out.printf(Locale.ROOT, "Target (%s >= %.3f%s) is for Fashion-MNIST; not checked on"
          + " synthetic data.%n", what, target, reference);
      return false;
    }
    if (acc.size() < afterEpochs) {
      out.printf(Locale.ROOT, "Target (%s >= %.3f%s): not checked, only %s ran.%n",
          what, target, reference, epochs(acc.size()));
      return false;
    }
    double value = acc.get(afterEpochs - 1);
    int at = afterEpochs;
    if (best) {
      for (int e = 0; e < afterEpochs; e++) {
        if (acc.get(e) > value) {
          value = acc.get(e);
          at = e + 1;
        }
      }
    }
    boolean met = value >= target;
    out.printf(Locale.ROOT, "Target: %s >= %.3f%s: %.4f%s -> %s%n", what, target, reference,
        value, best ? " (epoch " + at + ")" : "", met ? "reached" : "NOT reached");
    return met;
  }

  /** {@code "1 epoch"}, {@code "5 epochs"}. */
  static String epochs(int n) {
    return n + (n == 1 ? " epoch" : " epochs");
  }

  /** {@code 42.0 s} or {@code 3 min 07 s}. */
  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min %02d s", s / 3600, (s % 3600) / 60, s % 60);
  }
}
