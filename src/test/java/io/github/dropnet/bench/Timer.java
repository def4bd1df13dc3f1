package io.github.dropnet.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Times a body the way the PyTorch side does ({@code common.timeit}): warm up, choose an inner
 * count so that one timed block takes about the target time, then time several blocks and report
 * the per-call time of each.
 *
 * <h2>Warm-up</h2>
 * At least {@code warmupCalls} calls and at least {@code warmupSeconds}, so that the JIT has
 * compiled the hot loops (a loop that runs long enough is compiled on the spot, but the code around
 * it needs repeated calls). The last warm-up call gives the time of one call.
 *
 * <h2>Results</h2>
 * Each value of the body is written to a volatile field, so the work cannot be optimised away.
 *
 * <p>Thread safety: immutable; {@link #measure} may run from any thread.
 *
 * @param warmupCalls the least number of warm-up calls, at least 1
 * @param warmupSeconds the least warm-up time
 * @param targetSeconds the time one timed block aims at (0: one call per block)
 */
record Timer(int warmupCalls, double warmupSeconds, double targetSeconds) {

  /** The setting of the benchmark: 5 calls and 0.5 s of warm-up, blocks of 0.25 s. */
  static final Timer DEFAULT = new Timer(5, 0.5, 0.25);

  /** The time per call of each timed block, in milliseconds. */
  record Result(double medianMs, double minMs, double maxMs, int innerCalls, int repeats) {

    static Result of(double[] perCallMs, int innerCalls) {
      double[] s = perCallMs.clone();
      Arrays.sort(s);
      int n = s.length;
      double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      return new Result(median, s[0], s[n - 1], innerCalls, n);
    }
  }

  private static volatile Object sink;

  Timer {
    if (warmupCalls < 1) {
      throw new IllegalArgumentException("Timer: warmupCalls must be at least 1, received "
          + warmupCalls);
    }
    if (!(warmupSeconds >= 0) || !(targetSeconds >= 0)) {
      throw new IllegalArgumentException("Timer: times must be >= 0, received warmupSeconds="
          + warmupSeconds + ", targetSeconds=" + targetSeconds);
    }
  }

  /**
   * Warms up, then times {@code repeats} blocks of calls of {@code body}.
   *
   * @throws IllegalArgumentException if {@code repeats < 1}
   */
  Result measure(Supplier<?> body, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("Timer: repeats must be at least 1, received " + repeats);
    }
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    long one = 0;
    for (int calls = 0; calls < warmupCalls || System.nanoTime() < warmupEnd; calls++) {
      long t0 = System.nanoTime();
      sink = body.get();
      one = System.nanoTime() - t0;
    }
    int inner = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        Math.round(targetSeconds * 1e9 / Math.max(one, 1))));
    double[] perCallMs = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < inner; i++) {
        sink = body.get();
      }
      perCallMs[r] = (System.nanoTime() - t0) / 1e6 / inner;
    }
    return Result.of(perCallMs, inner);
  }
}
