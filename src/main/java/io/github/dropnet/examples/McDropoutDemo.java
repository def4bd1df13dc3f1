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
 * group and writes {@code mc-dropout.png}: eight inputs of each group with their top class and
 * uncertainty.
 *
 * <p>A softmax network can be confidently wrong far from its data: MC dropout lowers that
 * confidence where the sub-networks disagree, but it does not guarantee a high entropy for every
 * kind of unfamiliar input. The table shows how each group fares.
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
      double mutualInformation) {}

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
    double[] images = test.take(n).x().toArray();
    String[] names = {"test images", "uniform noise", "inverted", "rotated 90"};
    double[][] inputs = {images, noise(n, options.seed()), inverted(images), rotated(images, n)};

    out.printf(Locale.ROOT, "%nMonte Carlo dropout: %d passes over %d inputs per group%n",
        samples, n);
    out.printf(Locale.ROOT, "%-14s %6s %11s %15s %12s %12s%n", "group", "inputs",
        "confidence", "entropy (nats)", "std (top)", "mutual info");
    List<GroupStats> stats = new java.util.ArrayList<>();
    ImageGrid grid = new ImageGrid(SIDE, SIDE, SHOWN).scale(3).title(
        "MC dropout, " + samples + " passes: top class, its mean probability p, predictive"
            + " entropy H (nats), std of p over the passes");
    List<String> classes = data.classNames();
    for (int g = 0; g < inputs.length; g++) {
      Tensor x = Tensor.wrap(inputs[g], n, SIDE * SIDE);
      MonteCarlo.Result r = MonteCarlo.predict(model, x, samples, options.seed() + g);
      double[] mean = r.mean().data();
      double[] std = r.std().data();
      double[] entropy = r.entropy().data();
      double[] mi = r.mutualInformation().data();
      double sumConf = 0;
      double sumStd = 0;
      double sumH = 0;
      double sumMi = 0;
      grid.row(names[g]);
      for (int i = 0; i < n; i++) {
        int top = argmax(mean, i * 10, 10);
        double p = mean[i * 10 + top];
        double s = std[i * 10 + top];
        sumConf += p;
        sumStd += s;
        sumH += entropy[i];
        sumMi += mi[i];
        if (i < SHOWN) {
          Color color = entropy[i] < 0.5 ? new Color(0x1a7f37) : new Color(0xc62828);
          grid.add(inputs[g], i * SIDE * SIDE, color, shortName(classes.get(top)),
              String.format(Locale.ROOT, "p %.2f  sd %.2f", p, s),
              String.format(Locale.ROOT, "H %.2f", entropy[i]));
        }
      }
      GroupStats gs = new GroupStats(names[g], n, sumConf / n, sumH / n, sumStd / n, sumMi / n);
      stats.add(gs);
      out.printf(Locale.ROOT, "%-14s %6d %11.3f %15.3f %12.3f %12.3f%n", gs.name, gs.count,
          gs.confidence, gs.entropy, gs.std, gs.mutualInformation);
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    GroupStats base = stats.get(0);
    for (GroupStats gs : stats.subList(1, stats.size())) {
      out.printf(Locale.ROOT, "%-14s entropy %.2fx, std %.2fx that of the test images: %s%n",
          gs.name, gs.entropy / base.entropy, gs.std / base.std,
          gs.entropy > base.entropy && gs.std > base.std ? "more uncertain, as it should be"
              : gs.entropy > base.entropy || gs.std > base.std ? "partly more uncertain"
              : "NOT more uncertain: the network is confidently wrong here");
    }
    Path file = options.outDir().resolve(FILE);
    grid.write(file);
    out.printf(Locale.ROOT, "Done in %s. Wrote %s (green: H < 0.5, red: H >= 0.5)%n",
        Training.duration(seconds), file);
    return new Result(stats, testAccuracy, file, data.real());
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
