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
 * it needs repeated calls); then on, up to {@code maxWarmupSeconds} in all, until each of the
 * last {@value #SETTLE_CALLS} calls took at most {@value #SETTLE_RATIO} times the fastest warm-up
 * call. The JVM grows its heap during the first seconds of a loop that allocates large arrays, and
 * every new tensor then lands in memory the machine has not handed out yet; on a virtual machine
 * those first touches can make calls ten times slower for a second or more, which the timed
 * blocks must not see. The last warm-up call gives the time of one call.
 *
 * <h2>Results</h2>
 * Each value of the body is written to a volatile field, so the work cannot be optimised away.
 *
 * <p>Thread safety: immutable; {@link #measure} may run from any thread.
 *
 * @param warmupCalls the least number of warm-up calls, at least 1
 * @param warmupSeconds the least warm-up time
 * @param targetSeconds the time one timed block aims at (0: one call per block)
 * @param maxWarmupSeconds the longest warm-up spent waiting for call times to settle (0: no
 *     waiting beyond the least warm-up)
 */
record Timer(int warmupCalls, double warmupSeconds, double targetSeconds,
    double maxWarmupSeconds) {

  /**
   * The setting of the benchmark: 5 calls and 0.5 s of warm-up, then up to 10 s until the call
   * times settle; blocks of 0.25 s.
   */
  static final Timer DEFAULT = new Timer(5, 0.5, 0.25, 10);

  /** Warm-up calls whose times must agree before timing starts. */
  static final int SETTLE_CALLS = 5;
  /** The largest ratio of any of those calls to the fastest warm-up call. */
  static final double SETTLE_RATIO = 1.3;

  /** The time per call of each timed block, in milliseconds. */
  record Result(double medianMs, double minMs, double maxMs, int innerCalls, int repeats,
      int warmupCalls, double warmupSeconds) {

    /** The summary of timed samples, with no warm-up recorded. */
    static Result of(double[] perCallMs, int innerCalls) {
      return of(perCallMs, innerCalls, 0, 0);
    }

    static Result of(double[] perCallMs, int innerCalls, int warmupCalls, double warmupSeconds) {
      double[] s = perCallMs.clone();
      Arrays.sort(s);
      int n = s.length;
      double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      return new Result(median, s[0], s[n - 1], innerCalls, n, warmupCalls, warmupSeconds);
    }
  }

  private static volatile Object sink;

  Timer {
    if (warmupCalls < 1) {
      throw new IllegalArgumentException("Timer: warmupCalls must be at least 1, received "
          + warmupCalls);
    }
    if (!(warmupSeconds >= 0) || !(targetSeconds >= 0) || !(maxWarmupSeconds >= 0)) {
      throw new IllegalArgumentException("Timer: times must be >= 0, received warmupSeconds="
          + warmupSeconds + ", targetSeconds=" + targetSeconds + ", maxWarmupSeconds="
          + maxWarmupSeconds);
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
    long start = System.nanoTime();
    long warmupEnd = start + (long) (warmupSeconds * 1e9);
    long settleEnd = start + (long) (maxWarmupSeconds * 1e9);
    long[] recent = new long[SETTLE_CALLS];
    long fastest = Long.MAX_VALUE;
    long one;
    int calls = 1;
    for (; ; calls++) {
      long t0 = System.nanoTime();
      sink = body.get();
      long now = System.nanoTime();
      one = now - t0;
      recent[calls % SETTLE_CALLS] = one;
      fastest = Math.min(fastest, one);
      if (calls >= warmupCalls && now >= warmupEnd
          && (now >= settleEnd || (calls >= SETTLE_CALLS && settled(recent, fastest)))) {
        break;
      }
    }
    double warmupTaken = (System.nanoTime() - start) / 1e9;
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
    return Result.of(perCallMs, inner, calls, warmupTaken);
  }

  /** Whether every one of {@code recent} is within {@link #SETTLE_RATIO} of {@code fastest}. */
  static boolean settled(long[] recent, long fastest) {
    for (long t : recent) {
      if (t > SETTLE_RATIO * fastest) {
        return false;
      }
    }
    return true;
  }
}
