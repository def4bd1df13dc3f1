package io.github.dropnet.models;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The progress output of {@code fit}, in the format of Keras 2's {@code Progbar}.
 *
 * <ul>
 *   <li>verbose 1: {@code Epoch 3/10}, then
 *       {@code 469/469 [==============================] - 2s 4ms/step - loss: 0.3312 - accuracy: 0.8812}
 *       (validation figures at the end). On an interactive terminal the bar is redrawn in place with
 *       {@code '\r'} during the epoch, showing {@code - ETA: 5s}, at most every 50 ms; elsewhere only
 *       the finished line is printed, without control characters.
 *   <li>verbose 2: {@code Epoch 3/10}, then one line at the end of the epoch,
 *       {@code 469/469 - 2s - loss: 0.3312 - val_loss: 0.3570}.
 *   <li>verbose 0: nothing.
 * </ul>
 * As in Keras, the {@code Epoch e/n} header is left out when the fit has a single epoch.
 * A value prints with four decimals, or in scientific notation ({@code 1.2346e-04}) when its
 * magnitude is at most 1e-3.
 *
 * <p>Thread safety: one instance serves one fit, on its thread.
 */
final class ProgressPrinter {
  static final int BAR_WIDTH = 30;
  private static final long UPDATE_INTERVAL_NANOS = 50_000_000L;

  private final PrintStream out;
  private final int verbose;
  private final boolean interactive;
  private final LongSupplier clock;

  private int steps;
  private long start;
  private long lastUpdate;
  private int lastWidth;

  /**
   * @param out where to print
   * @param verbose 0, 1 or 2
   * @param interactive whether {@code out} is a terminal that honours {@code '\r'}
   * @param clock nanoseconds, e.g. {@code System::nanoTime}
   */
  ProgressPrinter(PrintStream out, int verbose, boolean interactive, LongSupplier clock) {
    this.out = out;
    this.verbose = verbose;
    this.interactive = interactive;
    this.clock = clock;
  }

  /** True when {@code out} is the console's standard output, where {@code '\r'} works. */
  static boolean isInteractive(PrintStream out) {
    return out == System.out && System.console() != null;
  }

  /** Epoch {@code epoch} (from 0) of {@code epochs} starts, with {@code steps} batches. */
  void epochBegin(int epoch, int epochs, int steps) {
    this.steps = steps;
    this.start = clock.getAsLong();
    this.lastUpdate = Long.MIN_VALUE;
    this.lastWidth = 0;
    if (verbose != 0 && epochs > 1) {
      out.println("Epoch " + (epoch + 1) + "/" + epochs);
      out.flush();
    }
  }

  /** {@code done} batches (from 1) of the epoch are finished; redraws the bar on a terminal. */
  void batchEnd(int done, Map<String, Double> logs) {
    if (verbose != 1 || !interactive) {
      return;
    }
    long now = clock.getAsLong();
    if (done < steps && lastUpdate != Long.MIN_VALUE && now - lastUpdate < UPDATE_INTERVAL_NANOS) {
      return;
    }
    lastUpdate = now;
    double perStep = seconds(now - start) / done;
    StringBuilder line = new StringBuilder(bar(done));
    line.append(" - ETA: ").append(eta((long) (perStep * (steps - done))));
    appendValues(line, logs);
    redraw(line.toString());
    out.flush();
  }

  /** The epoch ended; {@code logs} holds its training and validation figures. */
  void epochEnd(Map<String, Double> logs) {
    if (verbose == 0) {
      return;
    }
    double elapsed = seconds(clock.getAsLong() - start);
    StringBuilder line = new StringBuilder();
    if (verbose == 1) {
      line.append(bar(steps))
          .append(String.format(Locale.ROOT, " - %.0fs", elapsed))
          .append(perStep(elapsed / steps));
    } else {
      line.append(steps).append('/').append(steps)
          .append(String.format(Locale.ROOT, " - %.0fs", elapsed));
    }
    appendValues(line, logs);
    if (verbose == 1 && interactive) {
      redraw(line.toString());
      out.println();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** {@code " 12/469 [==>...........................]"} without the leading space. */
  String bar(int done) {
    int digits = (int) Math.log10(steps) + 1;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%" + digits + "d/%d [", done, steps));
    int filled = (int) (BAR_WIDTH * ((double) done / steps));
    if (filled > 0) {
      sb.append("=".repeat(filled - 1)).append(done < steps ? '>' : '=');
    }
    sb.append(".".repeat(BAR_WIDTH - filled)).append(']');
    return sb.toString();
  }

  private void redraw(String line) {
    StringBuilder sb = new StringBuilder("\r").append(line);
    if (line.length() < lastWidth) {
      sb.append(" ".repeat(lastWidth - line.length()));
    }
    lastWidth = line.length();
    out.print(sb);
  }

  private static void appendValues(StringBuilder line, Map<String, Double> logs) {
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      line.append(" - ").append(e.getKey()).append(": ").append(format(e.getValue()));
    }
  }

  /** Four decimals, or scientific notation for magnitudes up to 1e-3 (Keras' Progbar). */
  static String format(double v) {
    return String.format(Locale.ROOT, Math.abs(v) > 1e-3 ? "%.4f" : "%.4e", v);
  }

  /** Keras' ETA: {@code 5s}, {@code 2:05} or {@code 1:02:05}. */
  static String eta(long seconds) {
    if (seconds > 3600) {
      return String.format(
          Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    }
    if (seconds > 60) {
      return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
    return seconds + "s";
  }

  /** Keras' time per step: {@code " 2s/step"}, {@code " 4ms/step"} or {@code " 850us/step"}. */
  static String perStep(double seconds) {
    if (seconds >= 1 || seconds == 0) {
      return String.format(Locale.ROOT, " %.0fs/step", seconds);
    }
    if (seconds >= 1e-3) {
      return String.format(Locale.ROOT, " %.0fms/step", seconds * 1e3);
    }
    return String.format(Locale.ROOT, " %.0fus/step", seconds * 1e6);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
