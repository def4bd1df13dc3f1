package io.github.dropnet.kernels;

/**
 * Rows of doubles for the vectorised loops of {@link Gemm#kernel}: separate arrays that start at
 * the same offset within a 64-byte cache line.
 *
 * <p>The JIT aligns a vectorised loop to one of the arrays it reads or writes, at run time; the
 * other arrays are then aligned too only if they start at the same offset within a cache line.
 * With 512-bit vectors a misaligned load or store straddles two lines and costs about twice as
 * much. The JVM places a {@code double[]} on an 8-byte boundary, so rows are made a whole number
 * of cache lines long (a 16-byte header and 8 bytes per element) and allocated one right after
 * the other: they then share their alignment, whatever it is. This is a matter of speed only;
 * rows that end up apart (after a garbage collection moves them, say) give the same results.
 */
final class AlignedRows {
  /** Bytes per cache line. */
  private static final int LINE = 64;
  /** Bytes of a {@code double[]}'s header on a 64-bit JVM with compressed class pointers. */
  private static final int HEADER = 16;

  private AlignedRows() {}

  /**
   * The smallest length of at least {@code min} whose array fills whole cache lines.
   *
   * @param min the least number of elements, {@code >= 0}
   * @return a length {@code >= min}, less than {@code min + 8}
   */
  static int length(int min) {
    int perLine = LINE / Double.BYTES;
    int headerSlots = HEADER / Double.BYTES;
    return min + Math.floorMod(-(min + headerSlots), perLine);
  }

  /**
   * {@code count} new zeroed rows of at least {@code min} elements each, allocated one after the
   * other.
   *
   * @param count the number of rows, {@code >= 0}
   * @param min the least length of a row, {@code >= 0}
   * @return the rows, each {@link #length}{@code (min)} long
   */
  static double[][] make(int count, int min) {
    int len = length(min);
    double[][] rows = new double[count][];
    for (int r = 0; r < count; r++) {
      rows[r] = new double[len];
    }
    return rows;
  }
}
