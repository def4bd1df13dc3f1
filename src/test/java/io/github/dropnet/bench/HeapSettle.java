package io.github.dropnet.bench;

import java.util.function.LongSupplier;

/**
 * Brings the JVM's heap to a steady size before any workload is timed.
 *
 * <p>G1 sizes the heap by how much time it spends collecting. In a fresh JVM, or after a full
 * collection has shrunk the heap, a loop that allocates tensors of many megabytes can make it
 * grow the heap for seconds, and every new tensor then lands in memory that the operating
 * system has to hand out first: on Temurin 25, L4 took 7-44 ms a call instead of 2.6 for about
 * twelve seconds while the heap grew to 6 GB, longer than any warm-up waited, and in one round
 * out of three on JDK 17 too. Allocating 32 MiB arrays, kept by nobody, until the heap's size
 * has stayed the same for {@code stableSeconds}, leaves a heap that the workloads then use
 * without growing it; {@link Bench} runs it once, before the first workload, and collects no
 * garbage itself afterwards.
 *
 * <p>Thread safety: immutable; {@link #run} may run from any thread.
 *
 * @param stableSeconds how long the heap's committed size must stay the same; 0 skips the loop
 * @param maxSeconds the longest the loop runs
 */
record HeapSettle(double stableSeconds, double maxSeconds) {

  /** The setting of the benchmark: two stable seconds, at most 30 s. */
  static final HeapSettle DEFAULT = new HeapSettle(2, 30);

  /** No loop (tests). */
  static final HeapSettle NONE = new HeapSettle(0, 0);

  /** Doubles per array: 32 MiB, the size of D1's tensors. */
  private static final int ARRAY_LENGTH = 4 << 20;

  /** What the loop did. */
  record Result(double seconds, int arrays, long heapBytes, boolean settled) {}

  /** Each array, so that the allocation is not optimised away. */
  private static volatile double[] sink;

  /**
   * Allocates arrays until the committed heap has kept its size for {@link #stableSeconds}, or
   * for at most {@link #maxSeconds}.
   *
   * @return how long it took, how many arrays, the heap's size at the end, and whether it settled
   */
  Result run() {
    Runtime rt = Runtime.getRuntime();
    return run(rt::totalMemory, () -> sink = new double[ARRAY_LENGTH], System::nanoTime);
  }

  /**
   * {@link #run()} with its three dependencies given, so that tests can drive the loop with a
   * heap and a clock of their own.
   *
   * @param committedHeap the heap's committed size in bytes
   * @param allocate makes one array that nobody keeps
   * @param nanoTime the clock, in nanoseconds
   */
  Result run(LongSupplier committedHeap, Runnable allocate, LongSupplier nanoTime) {
    long heap = committedHeap.getAsLong();
    if (stableSeconds <= 0) {
      return new Result(0, 0, heap, true);
    }
    long start = nanoTime.getAsLong();
    long stableSince = start;
    int arrays = 0;
    while (true) {
      allocate.run();
      arrays++;
      long now = nanoTime.getAsLong();
      long h = committedHeap.getAsLong();
      if (h != heap) {
        heap = h;
        stableSince = now;
      }
      if ((now - stableSince) / 1e9 >= stableSeconds) {
        return new Result((now - start) / 1e9, arrays, heap, true);
      }
      if ((now - start) / 1e9 >= maxSeconds) {
        return new Result((now - start) / 1e9, arrays, heap, false);
      }
    }
  }
}
