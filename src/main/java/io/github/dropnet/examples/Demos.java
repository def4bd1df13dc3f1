package io.github.dropnet.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The demos of dropnet, one sub-command each; they use the public API only and double as usage
 * examples.
 *
 * <pre>
 *   mvn -q compile exec:java                                  # dropout-overfit, the default
 *   mvn -q compile exec:java -Dexec.args="mlp --epochs 3"
 *   java -cp target/classes io.github.dropnet.examples.Demos help
 * </pre>
 *
 * <p>Every demo reads Fashion-MNIST from {@code --data} (Debian's {@code dataset-fashion-mnist}
 * location by default) and, when the files are absent, runs on {@code SyntheticImages} instead
 * and says so. Plots go to {@code --out} ({@code target} by default). See {@link #usage()}.
 */
public final class Demos {
  /** The demo run when no command is given. */
  static final String DEFAULT_COMMAND = DropoutOverfitDemo.NAME;

  private interface Demo {
    void run(DemoOptions options, PrintStream out) throws IOException;
  }

  private record Entry(String summary, Demo demo) {}

  private static final Map<String, Entry> DEMOS = new LinkedHashMap<>();

  static {
    DEMOS.put(DropoutOverfitDemo.NAME, new Entry(
        "a deep MLP on 300 images, without and with dropout: the train-test gap (plot)",
        DropoutOverfitDemo::run));
    DEMOS.put(MlpDemo.NAME, new Entry(
        "784-512-512-10 with Dropout(0.2), 5 epochs on 60,000 images", MlpDemo::run));
    DEMOS.put(CnnDemo.NAME, new Entry(
        "two convolutions with dropout, 10 epochs on 60,000 images", CnnDemo::run));
    DEMOS.put(LstmDemo.NAME, new Entry(
        "rows as time steps, LSTM(128) with variational dropout, 3 epochs", LstmDemo::run));
    DEMOS.put(McDropoutDemo.NAME, new Entry(
        "Monte Carlo dropout uncertainty on test and unfamiliar inputs (picture)",
        McDropoutDemo::run));
  }

  private Demos() {}

  /** Runs the demo the arguments name; exits with status 2 on a bad command line, 1 on failure. */
  public static void main(String[] args) {
    int status = run(System.out, System.err, args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs a command line, printing to {@code out} and errors to {@code err}.
   *
   * @return 0 on success, 1 if the demo failed (for example on unreadable data), 2 for a bad
   *     command line
   */
  static int run(PrintStream out, PrintStream err, String... args) {
    Png.headless();
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("demos: " + e.getMessage());
      err.println("Run with \"help\" for the commands and options.");
      return 2;
    }
    if (options.command().equals("help")) {
      out.print(usage());
      return 0;
    }
    Entry entry = DEMOS.get(options.command());
    if (entry == null) {
      err.println("demos: unknown command \"" + options.command() + "\"");
      err.print(usage());
      return 2;
    }
    long start = System.nanoTime();
    try {
      entry.demo.run(options, out);
    } catch (IOException | UncheckedIOException e) {
      err.println("demos: " + options.command() + " failed: " + e.getMessage());
      return 1;
    }
    out.printf(Locale.ROOT, "[%s finished in %s]%n", options.command(),
        Training.duration((System.nanoTime() - start) / 1e9));
    out.flush();
    return 0;
  }

  /** The help text: commands, options and how the data is found. */
  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: Demos [command] [options]\n")
        .append("       mvn -q compile exec:java -Dexec.args=\"[command] [options]\"\n\n")
        .append("Commands (default: ").append(DEFAULT_COMMAND).append("):\n");
    for (Map.Entry<String, Entry> e : DEMOS.entrySet()) {
      sb.append(String.format(Locale.ROOT, "  %-16s %s%n", e.getKey(), e.getValue().summary));
    }
    sb.append(String.format(Locale.ROOT, "  %-16s %s%n", "help", "this text"))
        .append("\nOptions:\n")
        .append("  --data DIR       Fashion-MNIST files (default ")
        .append(DemoOptions.defaults("").dataDir()).append(");\n")
        .append("                   when absent, the demos run on synthetic images and say so\n")
        .append("  --epochs N       training epochs (each demo has its own default)\n")
        .append("  --seed S         seed of weights, shuffling and dropout masks (default ")
        .append(DemoOptions.DEFAULT_SEED).append(")\n")
        .append("  --out DIR        where plots are written (default ")
        .append(DemoOptions.DEFAULT_OUT).append(")\n")
        .append("  --quick          a smoke run: a few hundred images, a few epochs\n")
        .append("\nInstall the real data: ").append(DemoData.INSTALL_COMMAND).append('\n');
    return sb.toString();
  }
}
