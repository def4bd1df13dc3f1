package io.github.dropnet;

import io.github.dropnet.kernels.Gemm;

/**
 * Library-wide settings. Today there is one: how many threads the numeric kernels may use. It also
 * tells which matrix-product kernel is in use ({@link #gemmKernel()}).
 *
 * <h2>Threads</h2>
 * Large kernels (matrix products and what is built on them) split their work into at most
 * {@link #threads()} parts. The calling thread computes one part itself; the others run on one
 * shared pool of daemon threads, created on first use and sized to {@code threads() - 1}. Idle pool
 * threads wait without spinning and end after a while without work; nothing needs to be shut
 * down. Work already running on a pool thread is never split again (no nested parallelism).
 * Small problems run on the calling thread alone.
 *
 * <h2>Determinism</h2>
 * Results do not depend on the thread count: every kernel that splits its work computes each
 * output element on one thread, in the same order of operations whatever the split, so a model
 * gives bit-identical results with 1, 2 or 64 threads.
 *
 * <h2>Vector API</h2>
 * When the JVM is started with {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit
 * vectors (AVX-512), matrix products use a micro-kernel written with the incubating Vector API,
 * which keeps a tile of the product in registers. Without that flag no incubating class is
 * loaded. Both kernels perform the same floating-point operations in the same order, so results
 * are bit-identical either way. The system property {@code dropnet.vector=false} keeps the
 * default kernel even with the flag.
 *
 * <h2>Thread safety</h2>
 * All methods may be called from any thread at any time. Each kernel call reads the thread count
 * when it starts and keeps it; a longer operation made of many kernel calls, such as a
 * {@code fit}, takes up a new value from its next call on. Results do not depend on it.
 */
public final class Dropnet {
  private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

  private Dropnet() {}

  /**
   * Sets the number of threads the kernels may use, the calling thread included.
   *
   * @param n the thread count; 1 runs everything on the calling thread
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Dropnet.setThreads: n must be >= 1, received " + n);
    }
    threads = n;
  }

  /**
   * The number of threads the kernels may use, the calling thread included. Defaults to
   * {@link Runtime#availableProcessors()}.
   *
   * @return the number of threads, at least 1
   */
  public static int threads() {
    return threads;
  }

  /**
   * The matrix-product micro-kernel in use, chosen once when first needed: a name starting with
   * {@code "scalar"} by default (its four-steps-per-pass form on JDK 25 and later, where the JIT
   * vectorises it), or a description starting with {@code "vector-api"} when the JVM was started
   * with {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit vectors. All give the
   * same results.
   *
   * @return the name of the kernel
   */
  public static String gemmKernel() {
    return Gemm.kernelName();
  }
}
