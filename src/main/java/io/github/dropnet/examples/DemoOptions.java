package io.github.dropnet.examples;

import io.github.dropnet.data.FashionMnist;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The command line of {@link Demos}: a sub-command and its options.
 *
 * <pre>
 *   [command] [--data DIR] [--epochs N] [--seed S] [--out DIR] [--quick]
 * </pre>
 * Options may also be written {@code --name=value}. The command defaults to
 * {@value Demos#DEFAULT_COMMAND}; {@code help}, {@code -h} and {@code --help} ask for the usage.
 *
 * @param command the demo to run, or {@code "help"}
 * @param dataDir where the Fashion-MNIST files are ({@link FashionMnist#DEFAULT_DIR} by default)
 * @param epochs the number of epochs, when given; each demo has its own default
 * @param seed the seed of the weights, the shuffling and the dropout masks (42 by default)
 * @param outDir where plots are written ({@code target} by default)
 * @param quick a smoke run: a few hundred images and a few epochs
 */
record DemoOptions(
    String command, Path dataDir, OptionalInt epochs, long seed, Path outDir, boolean quick) {

  static final long DEFAULT_SEED = 42;
  static final Path DEFAULT_OUT = Path.of("target");

  /** The defaults, for {@code command}. */
  static DemoOptions defaults(String command) {
    return new DemoOptions(
        command, FashionMnist.DEFAULT_DIR, OptionalInt.empty(), DEFAULT_SEED, DEFAULT_OUT, false);
  }

  /** The epochs given on the command line, else {@code fallback}. */
  int epochsOr(int fallback) {
    return epochs.orElse(fallback);
  }

  /**
   * Parses a command line.
   *
   * @throws IllegalArgumentException naming the option and the value for an unknown option, a
   *     missing or malformed value, a second command, or epochs below 1
   */
  static DemoOptions parse(String... args) {
    String command = null;
    Path data = FashionMnist.DEFAULT_DIR;
    OptionalInt epochs = OptionalInt.empty();
    long seed = DEFAULT_SEED;
    Path out = DEFAULT_OUT;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        command = "help";
        continue;
      }
      if (!arg.startsWith("--")) {
        if (command != null && !command.equals("help")) {
          throw new IllegalArgumentException(
              "expected one command, received \"" + command + "\" and \"" + arg + "\"");
        }
        if (command == null) {
          command = arg;
        }
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq >= 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (name.equals("--quick")) {
        if (value != null) {
          throw new IllegalArgumentException("--quick takes no value, received \"" + value + "\"");
        }
        quick = true;
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " expects a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--data":
          data = path(name, value);
          break;
        case "--out":
          out = path(name, value);
          break;
        case "--epochs":
          long n = number(name, value);
          if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                "--epochs must be a whole number from 1 to " + Integer.MAX_VALUE + ", received "
                    + value);
          }
          epochs = OptionalInt.of((int) n);
          break;
        case "--seed":
          seed = number(name, value);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new DemoOptions(
        command == null ? Demos.DEFAULT_COMMAND : command, data, epochs, seed, out, quick);
  }

  private static Path path(String name, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " expects a directory, received \"\"");
    }
    return Path.of(value);
  }

  private static long number(String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " expects an integer, received \"" + value + "\"");
    }
  }
}
