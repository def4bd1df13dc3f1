package io.github.dropnet.examples;

import io.github.dropnet.data.Dataset;
import io.github.dropnet.data.FashionMnist;
import io.github.dropnet.data.SyntheticImages;
import io.github.dropnet.data.TrainTest;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The images a demo trains and tests on: Fashion-MNIST when its files are present, else
 * {@link SyntheticImages}, announced as such together with the command that installs the real
 * data.
 *
 * <p>Images come as {@code (N, 28, 28)} in [0, 1] with labels {@code (N)}; each demo reshapes
 * them for its model ({@link Dataset#flattenX()}, {@link Dataset#withChannelAxis()}).
 *
 * @param train the training images (the first {@code trainSize} of the files)
 * @param test the test images (the first {@code testSize})
 * @param real whether they are Fashion-MNIST
 * @param classNames the name of each label
 */
record DemoData(Dataset train, Dataset test, boolean real, List<String> classNames) {

  /** The command that installs the real data on Debian and Ubuntu. */
  static final String INSTALL_COMMAND = "sudo apt-get install dataset-fashion-mnist";

  /** The stand-in is easier than Fashion-MNIST; this many training images show the same. */
  static final int SYNTHETIC_TRAIN_MAX = 10_000;

  /** And this many test images. */
  static final int SYNTHETIC_TEST_MAX = 2_000;

  /**
   * Loads at most {@code trainSize} training and {@code testSize} test images (of the real data, or
   * fewer of the synthetic stand-in) and says on {@code out} what was loaded.
   */
  static DemoData load(DemoOptions options, PrintStream out, int trainSize, int testSize)
      throws IOException {
    if (FashionMnist.isAvailable(options.dataDir())) {
      TrainTest all = FashionMnist.load(options.dataDir());
      DemoData d = new DemoData(
          all.train().take(trainSize), all.test().take(testSize), true, FashionMnist.CLASS_NAMES);
      out.printf(Locale.ROOT, "Data: Fashion-MNIST from %s: %,d training and %,d test images.%n",
          options.dataDir(), d.train.size(), d.test.size());
      return d;
    }
    int train = Math.min(trainSize, SYNTHETIC_TRAIN_MAX);
    int test = Math.min(testSize, SYNTHETIC_TEST_MAX);
    TrainTest s = SyntheticImages.load(train, test, options.seed());
    out.printf(Locale.ROOT,
        "Data: Fashion-MNIST is not in %s, so this demo runs on SYNTHETIC images instead%n"
            + "      (%,d training and %,d test images of ten simple shapes).%n"
            + "      Install the real data with:  %s%n",
        options.dataDir(), train, test, INSTALL_COMMAND);
    return new DemoData(s.train(), s.test(), false, SyntheticImages.CLASS_NAMES);
  }
}
