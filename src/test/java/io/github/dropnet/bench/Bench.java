package io.github.dropnet.bench;

import io.github.dropnet.Dropnet;
import io.github.dropnet.data.FashionMnist;
import io.github.dropnet.data.TrainTest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference benchmark: runs the workloads of {@code WORKLOADS.md} by name and prints one line
 * per (workload, thread count) in the format the side-by-side comparison with PyTorch parses:
 * <pre>
 * BENCH impl=dropnet workload=L1 threads=2 median_ms=12.345 min_ms=12.001 max_ms=13.100
 * </pre>
 * The E workloads append the test accuracy: {@code test_acc=0.8812}.
 * Everything else (what is timed, GFLOP/s, memory bounds) goes to standard error, one
 * {@code #}-prefixed line each, so that standard output holds only the result lines.
 *
 * <h2>Usage</h2>
 * Compiled with the tests ({@code mvn test-compile}), not shipped in the jar:
 * <pre>
 * java -cp target/classes:target/test-classes io.github.dropnet.bench.Bench \
 *     [--workloads L1,L2] [--threads 1,2] [--repeats 7] [--data DIR]
 * </pre>
 *
 * <h2>Timing</h2>
 * Before the first workload the heap is brought to a steady size ({@link HeapSettle}); Bench
 * collects no garbage itself after that, since a full collection would shrink the heap again.
 * Each workload is warmed up (at least 5 iterations and 0.5 s, then up to 10 s until five
 * iterations in a row each take at most 1.3 times the fastest warm-up iteration), then timed in
 * {@code repeats} blocks of about 0.25 s each; a block's time divided by its iterations is one
 * sample, and the line reports the median, minimum and maximum sample in milliseconds per
 * iteration (see {@link Timer}). A workload is rebuilt, from the same seeds, for every thread
 * count, after {@link Dropnet#setThreads}; the thread count in force before the run is restored
 * after it.
 * The E workloads time whole training epochs instead (see {@link EpochWorkloads}).
 */
public final class Bench {

  /** The workloads run when none are named. */
  static final List<String> DEFAULT_WORKLOADS =
      List.of("D1", "D2", "D3", "L1", "L2", "L3", "L4", "L5");

  static final String ALL_WORKLOADS = String.join(",", DEFAULT_WORKLOADS) + ",E1,E2,E3";

  static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");

  static final String USAGE = "usage: Bench [--workloads W1,W2,...] [--threads N[,M...]]"
      + " [--repeats R] [--data DIR]\n  workloads: " + ALL_WORKLOADS + " (default: "
      + String.join(",", DEFAULT_WORKLOADS) + "); E* read Fashion-MNIST from DIR (default "
      + DEFAULT_DATA + ")";

  /**
   * What to run.
   *
   * @param workloads names, in order
   * @param threads thread counts, each run for every workload
   * @param repeats timed blocks per workload
   * @param data the Fashion-MNIST directory
   * @param size 0 for the sizes of the reference table; otherwise the batch size of every
   *     single-layer workload and the most training and test images of an E workload, to run
   *     them small (tests)
   * @param timer warm-up and block lengths
   * @param heap how the heap is brought to a steady size before the first workload
   */
  record Options(List<String> workloads, List<Integer> threads, int repeats, Path data, int size,
      Timer timer, HeapSettle heap) {

    Options {
      workloads = List.copyOf(workloads);
      threads = List.copyOf(threads);
    }

    Options withSize(int newSize) {
      return new Options(workloads, threads, repeats, data, newSize, timer, heap);
    }

    Options withTimer(Timer newTimer) {
      return new Options(workloads, threads, repeats, data, size, newTimer, heap);
    }

    Options withHeap(HeapSettle newHeap) {
      return new Options(workloads, threads, repeats, data, size, timer, newHeap);
    }
  }

  private Bench() {}

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.err.println(USAGE);
      return;
    }
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Bench: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    boolean needsData = options.workloads().stream().anyMatch(EpochWorkloads::has);
    if (needsData && !FashionMnist.isAvailable(options.data())) {
      System.err.println("Bench: --data: no Fashion-MNIST files in " + options.data()
          + " (Debian: apt-get install dataset-fashion-mnist)");
      System.exit(2);
      return;
    }
    run(options, System.out, System.err);
  }

  /**
   * Reads the command line.
   *
   * @throws IllegalArgumentException naming the argument and the value received
   */
  static Options parse(String... args) {
    List<String> workloads = DEFAULT_WORKLOADS;
    List<Integer> threads = List.of(2);
    int repeats = 7;
    Path data = DEFAULT_DATA;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--workloads" -> workloads = workloads(value);
        case "--threads" -> threads = positiveInts("--threads", value);
        case "--repeats" -> repeats = positiveInts("--repeats", value).get(0);
        case "--data" -> data = Path.of(value);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    return new Options(workloads, threads, repeats, data, 0, Timer.DEFAULT, HeapSettle.DEFAULT);
  }

  private static List<String> workloads(String value) {
    List<String> names = new ArrayList<>();
    for (String w : value.split(",", -1)) {
      String name = w.trim().toUpperCase(Locale.ROOT);
      if (!OpWorkloads.has(name) && !EpochWorkloads.has(name)) {
        throw new IllegalArgumentException("--workloads: unknown workload '" + w + "' in '"
            + value + "', expected some of " + ALL_WORKLOADS);
      }
      names.add(name);
    }
    return names;
  }

  private static List<Integer> positiveInts(String arg, String value) {
    List<Integer> out = new ArrayList<>();
    for (String s : value.split(",", -1)) {
      int v;
      try {
        v = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        v = 0;
      }
      if (v < 1) {
        throw new IllegalArgumentException(arg + ": expected positive integers, received '"
            + value + "'");
      }
      out.add(v);
    }
    if (arg.equals("--repeats") && out.size() != 1) {
      throw new IllegalArgumentException(arg + ": expected one positive integer, received '"
          + value + "'");
    }
    return out;
  }

  /** Runs every (workload, thread count): result lines to {@code out}, the rest to {@code log}. */
  static void run(Options options, PrintStream out, PrintStream log) {
    run(options, () -> FashionMnist.load(options.data()), out, log);
  }

  /** Where the E workloads get their images from. */
  interface DataSource {
    TrainTest load() throws IOException;
  }

  /**
   * As {@link #run(Options, PrintStream, PrintStream)}, with the images of the E workloads from
   * {@code source}, loaded once, when the first E workload starts.
   */
  static void run(Options options, DataSource source, PrintStream out, PrintStream log) {
    int threadsBefore = Dropnet.threads();
    try {
      runAll(options, source, out, log);
    } finally {
      Dropnet.setThreads(threadsBefore);
    }
  }

  private static void runAll(Options options, DataSource source, PrintStream out,
      PrintStream log) {
    TrainTest data = null;
    HeapSettle.Result heap = options.heap().run();
    if (heap.arrays() > 0) {
      log.printf(Locale.ROOT, "# heap: %d MiB after %d arrays of 32 MiB in %.1f s%s%n",
          heap.heapBytes() >> 20, heap.arrays(), heap.seconds(),
          heap.settled() ? "" : ", still changing");
    }
    for (String name : options.workloads()) {
      for (int threads : options.threads()) {
        Dropnet.setThreads(threads);
        String label = name + " threads=" + threads;
        if (EpochWorkloads.has(name)) {
          if (data == null) {
            data = load(source);
          }
          EpochWorkloads.Result r = EpochWorkloads.run(name, data, options.size(), log, label);
          out.println(line(name, threads, r.timed(),
              String.format(Locale.ROOT, " test_acc=%.4f", r.testAccuracy())));
          out.flush();
          continue;
        }
        OpWorkloads.Op op = OpWorkloads.build(name, options.size());
        log.printf(Locale.ROOT, "# %s: %s%n", label, op.description());
        Timer.Result r = options.timer().measure(op.body(), options.repeats());
        out.println(line(name, threads, r, ""));
        out.flush();
        bounds(label, op, r, options, log);
      }
    }
  }

  private static TrainTest load(DataSource source) {
    try {
      return source.load();
    } catch (IOException e) {
      throw new UncheckedIOException("Bench: cannot read the images: " + e.getMessage(), e);
    }
  }

  /** The result line, in the format {@code compare} parses ({@code key=value} pairs). */
  static String line(String workload, int threads, Timer.Result r, String extra) {
    return String.format(Locale.ROOT,
        "BENCH impl=dropnet workload=%s threads=%d median_ms=%.3f min_ms=%.3f max_ms=%.3f%s",
        workload, threads, r.medianMs(), r.minMs(), r.maxMs(), extra);
  }

  /** What the hardware allows: GFLOP/s for GEMM-bound work, a plain copy for memory-bound. */
  private static void bounds(String label, OpWorkloads.Op op, Timer.Result r, Options options,
      PrintStream log) {
    log.printf(Locale.ROOT, "# %s: %d blocks of %d iterations, after %d warm-up iterations"
        + " (%.1f s)%n", label, r.repeats(), r.innerCalls(), r.warmupCalls(), r.warmupSeconds());
    if (op.flops() > 0) {
      log.printf(Locale.ROOT, "# %s: %.1f GFLOP/s (%.3f GFLOP per iteration)%n",
          label, op.flops() / (r.medianMs() * 1e6), op.flops() / 1e9);
    }
    if (op.copyDoubles() > 0) {
      double[] src = new double[op.copyDoubles()];
      double[] dst = new double[op.copyDoubles()];
      int copies = op.copies();
      Timer.Result c = options.timer().measure(() -> {
        for (int k = 0; k < copies; k++) {
          System.arraycopy(src, 0, dst, 0, src.length);
        }
        return dst;
      }, options.repeats());
      // a copy that returns a new array, as every tensor operation must: the JVM zeroes it first
      Timer.Result f = options.timer().measure(() -> {
        double[] last = null;
        for (int k = 0; k < copies; k++) {
          last = new double[src.length];
          System.arraycopy(src, 0, last, 0, src.length);
        }
        return last;
      }, options.repeats());
      double mb = 8.0 * op.copyDoubles() / 1e6;
      log.printf(Locale.ROOT,
          "# %s: %d x System.arraycopy (one thread) of %.1f MB takes %.3f ms (%.1f GB/s read + write);"
              + " this workload takes %.2f times as long%n",
          label, copies, mb, c.medianMs(), 2 * copies * mb / c.medianMs(),
          r.medianMs() / c.medianMs());
      log.printf(Locale.ROOT,
          "# %s: %d x (new double[] + System.arraycopy) of %.1f MB, a copy into a fresh array,"
              + " takes %.3f ms; this workload takes %.2f times as long%n",
          label, copies, mb, f.medianMs(), r.medianMs() / f.medianMs());
    }
  }
}
