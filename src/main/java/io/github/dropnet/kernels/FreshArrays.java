package io.github.dropnet.kernels;

/**
 * New arrays allocated side by side on the library's threads.
 *
 * <p>The JVM fills every new array with zeros on the thread that allocates it, one thread per
 * array. For arrays of many megabytes that is a pass over memory as long as the work done on them
 * (a 32 MiB {@code double[]} takes a few milliseconds), so a layer that knows it will need two
 * large arrays allocates them at once, one per thread, through the shared pool ({@link Parallel}).
 * With one thread, or from inside a pool chunk, they are allocated one after the other.
 *
 * <p>Thread safety: stateless.
 */
public final class FreshArrays {
  private FreshArrays() {}

  /**
   * New zero-filled arrays, one of each of the given lengths, allocated concurrently where threads
   * allow: {@code doubles(n, m)} returns {@code {new double[n], new double[m]}}.
   *
   * @throws IllegalArgumentException if a length is negative
   * @throws OutOfMemoryError if the heap cannot hold them
   */
  public static double[][] doubles(int... lengths) {
    for (int length : lengths) {
      if (length < 0) {
        throw new IllegalArgumentException(
            "FreshArrays: expected lengths >= 0, got " + java.util.Arrays.toString(lengths));
      }
    }
    double[][] arrays = new double[lengths.length][];
    Parallel.forRange(lengths.length, 1, (from, to) -> {
      for (int i = from; i < to; i++) {
        arrays[i] = new double[lengths[i]];
      }
    });
    return arrays;
  }
}
