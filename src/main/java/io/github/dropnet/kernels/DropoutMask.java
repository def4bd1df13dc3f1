package io.github.dropnet.kernels;

/**
 * Dropout masks packed at one bit per element: which units a dropout call keeps.
 *
 * <h2>Layout</h2>
 * A mask over {@code n} elements is a {@code long[]} of {@link #words(int) ceil(n / 64)} words;
 * element {@code i} is bit {@code i % 64} of word {@code i / 64}, 1 for kept and 0 for dropped.
 * Bits at and above {@code n} in the last word are always 0.
 *
 * <h2>Draws</h2>
 * Element {@code i} of the mask of key {@code k} is dropped iff its 32-bit uniform draw {@code u}
 * is below {@code threshold = round(rate * 2^32)} ({@link #threshold(double)}), so
 * {@code P(dropped) = threshold / 2^32}, the rate to within {@code 2^-33}; rate 0 never drops and
 * rate 1 always does. The draws are bit-sliced: bit {@code b} (0 the least significant) of the
 * draw of element {@code i} is bit {@code i % 64} of {@link Rng#bits(long, long)
 * Rng.bits(k, 32 * (i / 64) + 31 - b)}, one 64-bit "plane" per bit position and word. The
 * comparison {@code u < threshold} runs from the most significant plane down and stops as soon
 * as every element of the word is decided: a plane decides about half of the undecided
 * elements, and none are left once the planes reach the lowest set bit of the threshold. A word
 * of 64 elements costs about 7 hashes instead of 32 (one at rate 0.5), and the result is exactly
 * that of comparing whole 32-bit draws.
 *
 * <p>Each bit is a pure function of (key, index, threshold): a mask can be filled in any order,
 * in pieces, or by several threads on disjoint word ranges, and comes out the same.
 *
 * <p>Thread safety: stateless. Calls that write disjoint word ranges of one mask may run
 * concurrently.
 */
public final class DropoutMask {
  /** {@code 2^32}: the number of 32-bit values an element's draw can take. */
  private static final double TWO_TO_32 = 0x1.0p32;

  private DropoutMask() {}

  /**
   * The drop threshold of a rate: {@code round(rate * 2^32)}, in {@code [0, 2^32]}.
   *
   * @throws IllegalArgumentException if the rate is not in [0, 1] (NaN included)
   */
  public static long threshold(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "DropoutMask: rate must be in [0, 1], received " + rate);
    }
    // rate * 2^32 is exact (a power-of-two scaling); rounding it costs at most 2^-33 in P(drop)
    return Math.round(rate * TWO_TO_32);
  }

  /** The number of 64-bit words that hold a mask of {@code n} elements: {@code ceil(n / 64)}. */
  public static int words(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("DropoutMask: size must be >= 0, received " + n);
    }
    return (int) ((n + 63L) >>> 6);
  }

  /**
   * Whether element {@code i} of the mask of {@code key} is kept: the definition every fill
   * method follows, one element at a time.
   */
  public static boolean kept(long key, long threshold, long i) {
    long plane0 = (i >>> 6) * 32;
    long u = 0;
    for (int b = 31; b >= 0; b--) {
      long bit = (Rng.bits(key, plane0 + 31 - b) >>> (i & 63)) & 1L;
      u |= bit << b;
    }
    return u >= threshold;
  }

  /**
   * The 64 mask bits of elements {@code 64 * w .. 64 * w + 63}, ignoring where the mask ends (the
   * caller clears the bits past its size).
   */
  public static long word(long key, long threshold, int w) {
    if (threshold <= 0) {
      return -1L;
    }
    if (threshold >= 1L << 32) {
      return 0L;
    }
    // Rng.bits(key, j) = mix(key + (j + 1) * GOLDEN); walk the planes j = 32w, 32w + 1, ... of
    // bits 31, 30, ... by additions
    long z = key + ((long) w * 32 + 1) * Rng.GOLDEN;
    int lowest = Long.numberOfTrailingZeros(threshold);
    long undecided = -1L; // elements whose draw equals the threshold on the planes seen so far
    long dropped = 0L;
    for (int b = 31; b >= lowest && undecided != 0; b--) {
      long plane = Rng.mix(z);
      z += Rng.GOLDEN;
      if (((threshold >>> b) & 1L) != 0) {
        dropped |= undecided & ~plane; // draw bit 0 under threshold bit 1: u < threshold
        undecided &= plane;
      } else {
        undecided &= ~plane; // draw bit 1 over threshold bit 0: u > threshold, kept
      }
    }
    // still undecided: equal down to the threshold's lowest set bit, so u >= threshold: kept
    return ~dropped;
  }

  /**
   * Fills words {@code [fromWord, toWord)} of {@code mask} (modified), a mask of {@code n}
   * elements, for {@code key}; the bits past {@code n} are cleared.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= fromWord <= toWord <= words(n)
   *     <= mask.length}
   */
  public static void fill(long key, long threshold, long[] mask, int n, int fromWord, int toWord) {
    int words = words(n);
    if (fromWord < 0 || fromWord > toWord || toWord > words || words > mask.length) {
      throw new IndexOutOfBoundsException(
          "DropoutMask: words [" + fromWord + ", " + toWord + ") out of range for a mask of " + n
              + " elements (" + words + " words) in an array of " + mask.length + " words");
    }
    for (int w = fromWord; w < toWord; w++) {
      mask[w] = word(key, threshold, w) & validBits(n, w);
    }
  }

  /** Fills the whole mask of {@code n} elements (modified) for {@code key}. */
  public static void fill(long key, long threshold, long[] mask, int n) {
    fill(key, threshold, mask, n, 0, words(n));
  }

  /** A new mask of {@code n} elements for {@code key}. */
  public static long[] create(long key, long threshold, int n) {
    long[] mask = new long[words(n)];
    fill(key, threshold, mask, n);
    return mask;
  }

  /** Whether element {@code i} of a filled mask is kept. */
  public static boolean get(long[] mask, int i) {
    return ((mask[i >>> 6] >>> i) & 1L) != 0;
  }

  /** The number of kept elements of a mask (its bits past the size are 0). */
  public static long countKept(long[] mask) {
    long n = 0;
    for (long w : mask) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** The bits of word {@code w} that belong to a mask of {@code n} elements. */
  static long validBits(int n, int w) {
    int left = n - (w << 6);
    return left >= 64 ? -1L : (1L << left) - 1;
  }
}
