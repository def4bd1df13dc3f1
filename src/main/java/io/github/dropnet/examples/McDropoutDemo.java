package io.github.dropnet.examples;

import io.github.dropnet.Tensor;
import io.github.dropnet.data.Dataset;
import io.github.dropnet.data.Labels;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.models.FitOptions;
import io.github.dropnet.models.Metric;
import io.github.dropnet.models.MonteCarlo;
import io.github.dropnet.models.Sequential;
import io.github.dropnet.optimizers.Adam;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Monte Carlo dropout (Gal and Ghahramani, 2016): keep dropout on at prediction time, run each
 * input through many random sub-networks, and read the spread of their answers as uncertainty.
 *
 * <p>The demo trains the {@code mlp} network briefly (10,000 images, 3 epochs), then runs
 * {@link MonteCarlo#predict} with 30 passes over four groups of 500 inputs: test images, and three
 * kinds the network never saw: uniform noise, inverted test images (white background) and test
 * images rotated by 90 degrees. Per input it takes the mean probabilities' top class and
 * confidence, the predictive entropy (nats; at most ln 10 = 2.30), the standard deviation of the
 * top class's probability over the passes, and the mutual information between prediction and
 * weights (the part of the entropy due to the passes disagreeing). It prints their averages per
 * group, the test images also split into correctly and wrongly classified ones, and writes
 * {@code mc-dropout.png}: eight inputs of each group with their top class and uncertainty.
 *
 * <h2>What to expect</h2>
 * Misclassified test images are far more uncertain than correct ones, and rotated images more
 * than upright ones: there MC dropout helps. Uniform noise and inverted images, however, are
 * brighter than any training image; a ReLU network's scores grow with its input, so it calls
 * nearly all of them one class ("Bag") with a margin no dropout mask overturns, and their
 * uncertainty comes out <em>lower</em> than that of real test images (Hein et al., "Why ReLU
 * networks yield high-confidence predictions far away from the training data", CVPR 2019). MC
 * dropout measures how much the sub-networks disagree, not how far an input lies from the data;
 * the demo prints that verdict for each group rather than assuming it.
 */
final class McDropoutDemo {
  static final String NAME = "mc-dropout";
  static final String FILE = "mc-dropout.png";
  static final int TRAIN_IMAGES = 10_000;
  static final int DEFAULT_EPOCHS = 3;
  static final int GROUP_SIZE = 500;
  static final int SAMPLES = 30;
  static final int SHOWN = 8;
  static final int SIDE = 28;

  private McDropoutDemo() {}

  /** The averages over one group of inputs. */
  record GroupStats(String name, int count, double confidence, double entropy, double std,
      double mutualInformation, String commonestTop) {}

  /** What the demo measured and where it wrote its picture. */
  record Result(List<GroupStats> groups, double testAccuracy, Path grid, boolean realData) {}

  static Result run(DemoOptions options, PrintStream out) throws IOException {
    int epochs = options.epochsOr(options.quick() ? 1 : DEFAULT_EPOCHS);
    int groupSize = options.quick() ? 40 : GROUP_SIZE;
    int samples = options.quick() ? 5 : SAMPLES;
    out.println("== mc-dropout: uncertainty from " + samples
        + " stochastic passes, on test images and on inputs unlike the training data");
    DemoData data = DemoData.load(
        options, out, options.quick() ? 300 : TRAIN_IMAGES, options.quick() ? 100 : 10_000);
    Dataset train = data.train().flattenX();
    Dataset test = data.test().flattenX();

    Sequential model = MlpDemo.model(options.seed());
    model.compile(new Adam(1e-3), new CategoricalCrossentropy(false), Metric.accuracy());
    out.printf(Locale.ROOT, "Training the mlp network (784-512-512-10, Dropout 0.2) on %,d images"
        + " for %s...%n", train.size(), Training.epochs(epochs));
    long start = System.nanoTime();
    model.fit(train.x(), Labels.oneHot(train.y(), 10), new FitOptions()
        .epochs(epochs).batchSize(128).seed(options.seed()).verbose(2).output(out));
    double testAccuracy = model.evaluateMetrics(test.x(), Labels.oneHot(test.y(), 10), 500)
        .get("accuracy");
    out.printf(Locale.ROOT, "Test accuracy (dropout off) on %,d images: %.4f%n", test.size(),
        testAccuracy);

    int n = Math.min(groupSize, test.size());
    Dataset shown = test.take(n);
    double[] images = shown.x().toArray();
    double[] labels = shown.y().toArray();
    String[] names = {"test images", "uniform noise", "inverted", "rotated 90"};
    double[][] inputs = {images, noise(n, options.seed()), inverted(images), rotated(images, n)};
    List<String> classes = data.classNames();

    out.printf(Locale.ROOT, "%nMonte Carlo dropout: %d passes over %d inputs per group. Averages"
        + " per input of:%n"
        + "  confidence  the mean probability of the top class%n"
        + "  entropy     of the mean probabilities, in nats (at most ln 10 = 2.303)%n"
        + "  std         of the top class's probability over the passes%n"
        + "  mutual      mutual information: the part of the entropy due to the passes"
        + " disagreeing%n", samples, n);
    out.printf(Locale.ROOT, "%-16s %6s %11s %9s %9s %9s   %s%n", "group", "inputs",
        "confidence", "entropy", "std", "mutual", "most frequent top class");
    Scores[] scores = new Scores[inputs.length];
    for (int g = 0; g < inputs.length; g++) {
      scores[g] = Scores.of(model, inputs[g], n, samples, options.seed() + g);
    }
    boolean[] all = new boolean[n];
    boolean[] right = new boolean[n];
    boolean[] wrong = new boolean[n];
    for (int i = 0; i < n; i++) {
      all[i] = true;
      right[i] = scores[0].top[i] == (int) labels[i];
      wrong[i] = !right[i];
    }
    List<GroupStats> stats = new ArrayList<>();
    stats.add(scores[0].stats(names[0], all, classes));
    stats.add(scores[0].stats("  correct", right, classes));
    stats.add(scores[0].stats("  misclassified", wrong, classes));
    for (int g = 1; g < inputs.length; g++) {
      stats.add(scores[g].stats(names[g], all, classes));
    }
    for (GroupStats gs : stats) {
      out.printf(Locale.ROOT, "%-16s %6d %11.3f %9.3f %9.3f %9.3f   %s%n", gs.name, gs.count,
          gs.confidence, gs.entropy, gs.std, gs.mutualInformation, gs.commonestTop);
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    out.println();
    GroupStats base = stats.get(0);
    GroupStats correct = stats.get(1);
    GroupStats mistaken = stats.get(2);
    if (mistaken.count > 0 && correct.count > 0) {
      out.printf(Locale.ROOT, "Misclassified test images: entropy %.1fx and std %.1fx those of the"
          + " correctly classified ones.%n", ratio(mistaken.entropy, correct.entropy),
          ratio(mistaken.std, correct.std));
    }
    boolean confidentlyWrong = false;
    for (GroupStats gs : stats.subList(3, stats.size())) {
      boolean h = gs.entropy > base.entropy;
      boolean sd = gs.std > base.std;
      String verdict = h && sd ? "more uncertain"
          : h || sd ? "more uncertain by " + (h ? "entropy" : "std") + " only"
          : "LESS uncertain: confidently wrong";
      confidentlyWrong |= !h && !sd;
      out.printf(Locale.ROOT, "%-14s entropy %.2fx, std %.2fx those of the test images: %s%n",
          gs.name, ratio(gs.entropy, base.entropy), ratio(gs.std, base.std), verdict);
    }
    if (confidentlyWrong) {
      out.println("A ReLU network's scores grow with its input, so an input brighter or busier"
          + " than any training\nimage can win one class by a margin no dropout mask overturns."
          + " MC dropout measures how much the\nsub-networks disagree, not how far an input lies"
          + " from the training data (Hein et al., CVPR 2019).");
    }

    ImageGrid grid = new ImageGrid(SIDE, SIDE, SHOWN).scale(3).title(
        "MC dropout, " + samples + " passes: top class, its mean probability p and that"
            + " probability's std sd, predictive entropy H (nats)");
    addRow(grid, names[0], inputs[0], scores[0], all, labels, classes);
    addRow(grid, "misclassified", inputs[0], scores[0], wrong, labels, classes);
    for (int g = 1; g < inputs.length; g++) {
      addRow(grid, names[g], inputs[g], scores[g], all, null, classes);
    }
    Path file = options.outDir().resolve(FILE);
    grid.write(file);
    out.printf(Locale.ROOT, "Done in %s. Wrote %s (H in green below 0.5 nats, red above)%n",
        Training.duration(seconds), file);
    return new Result(stats, testAccuracy, file, data.real());
  }

  /** The first {@value #SHOWN} selected inputs of a group, captioned; misclassified with truth. */
  private static void addRow(ImageGrid grid, String label, double[] inputs, Scores s,
      boolean[] select, double[] labels, List<String> classes) {
    grid.row(label);
    int shown = 0;
    for (int i = 0; i < select.length && shown < SHOWN; i++) {
      if (!select[i]) {
        continue;
      }
      shown++;
      Color color = s.h[i] < 0.5 ? new Color(0x1a7f37) : new Color(0xc62828);
      String name = shortName(classes.get(s.top[i]));
      String stats = String.format(Locale.ROOT, "p %.2f  sd %.2f", s.p[i], s.sd[i]);
      String entropy = String.format(Locale.ROOT, "H %.2f", s.h[i]);
      if (labels != null && (int) labels[i] != s.top[i]) {
        String truth = "(is " + shortName(classes.get((int) labels[i])) + ")";
        grid.add(inputs, i * SIDE * SIDE, color, name, truth, stats, entropy);
      } else {
        grid.add(inputs, i * SIDE * SIDE, color, name, stats, entropy);
      }
    }
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.POSITIVE_INFINITY : a / b;
  }

  /** Per input of one group: top class of the mean, its probability and std, entropy, MI. */
  private record Scores(int[] top, double[] p, double[] sd, double[] h, double[] mi) {
    static Scores of(Sequential model, double[] inputs, int n, int samples, long seed) {
      MonteCarlo.Result r =
          MonteCarlo.predict(model, Tensor.wrap(inputs, n, SIDE * SIDE), samples, seed);
      double[] mean = r.mean().data();
      double[] std = r.std().data();
      int[] top = new int[n];
      double[] p = new double[n];
      double[] sd = new double[n];
      for (int i = 0; i < n; i++) {
        top[i] = argmax(mean, i * 10, 10);
        p[i] = mean[i * 10 + top[i]];
        sd[i] = std[i * 10 + top[i]];
      }
      return new Scores(top, p, sd, r.entropy().data(), r.mutualInformation().data());
    }

    /** The averages over the selected inputs. */
    GroupStats stats(String name, boolean[] select, List<String> classes) {
      int count = 0;
      double conf = 0;
      double std = 0;
      double entropy = 0;
      double info = 0;
      int[] votes = new int[10];
      for (int i = 0; i < select.length; i++) {
        if (select[i]) {
          count++;
          conf += p[i];
          std += sd[i];
          entropy += h[i];
          info += mi[i];
          votes[top[i]]++;
        }
      }
      int commonest = argmax(votes);
      String common = count == 0 ? "-" : String.format(Locale.ROOT, "%s (%.0f%%)",
          classes.get(commonest), 100.0 * votes[commonest] / count);
      int c = Math.max(count, 1);
      return new GroupStats(name, count, conf / c, entropy / c, std / c, info / c, common);
    }
  }

  /** {@code n} images of uniform noise in [0, 1), from {@code seed}. */
  static double[] noise(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] d = new double[n * SIDE * SIDE];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble();
    }
    return d;
  }

  /** {@code 1 - x}: white background, dark garment. */
  static double[] inverted(double[] images) {
    double[] d = new double[images.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = 1 - images[i];
    }
    return d;
  }

  /** Each 28 x 28 image rotated by 90 degrees anticlockwise. */
  static double[] rotated(double[] images, int n) {
    double[] d = new double[images.length];
    int px = SIDE * SIDE;
    for (int k = 0; k < n; k++) {
      for (int r = 0; r < SIDE; r++) {
        for (int c = 0; c < SIDE; c++) {
          // out[r][c] = in[c][SIDE - 1 - r]
          d[k * px + r * SIDE + c] = images[k * px + c * SIDE + (SIDE - 1 - r)];
        }
      }
    }
    return d;
  }

  private static int argmax(int[] v) {
    int best = 0;
    for (int j = 1; j < v.length; j++) {
      if (v[j] > v[best]) {
        best = j;
      }
    }
    return best;
  }

  private static int argmax(double[] v, int offset, int length) {
    int best = 0;
    for (int j = 1; j < length; j++) {
      if (v[offset + j] > v[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  /** Class names short enough for a caption under a 84-pixel image. */
  private static String shortName(String name) {
    return name.length() <= 14 ? name : name.substring(0, 13) + ".";
  }
}
