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
 * Element {@code i} of the mask of key {@code k} takes 32 random bits from
 * {@link Rng#bits(long, long) Rng.bits(k, i / 2)}: the high half for even {@code i}, the low half
 * for odd {@code i}. Read as an unsigned integer {@code u} in {@code [0, 2^32)}, the element is
 * dropped iff {@code u < threshold}, with {@code threshold = round(rate * 2^32)}
 * ({@link #threshold(double)}). So {@code P(dropped) = threshold / 2^32}, which is the rate to
 * within {@code 2^-33}; rate 0 never drops and rate 1 always does.
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
    long h = Rng.bits(key, i >>> 1);
    long u = (i & 1) == 0 ? h >>> 32 : h & 0xFFFFFFFFL;
    return u >= threshold;
  }

  /**
   * The 64 mask bits of elements {@code 64 * w .. 64 * w + 63}, ignoring where the mask ends (the
   * caller clears the bits past its size).
   */
  public static long word(long key, long threshold, int w) {
    long tMinus1 = threshold - 1;
    // Rng.bits(key, j) = mix(key + (j + 1) * GOLDEN); walk j = 32w .. 32w + 31 by additions
    long z = key + ((long) w * 32 + 1) * Rng.GOLDEN;
    long bits = 0;
    for (int j = 0; j < 64; j += 2) {
      long h = Rng.mix(z);
      z += Rng.GOLDEN;
      // u >= threshold iff (threshold - 1 - u) < 0; both are below 2^33, so the sign bit decides
      long keepHigh = (tMinus1 - (h >>> 32)) >>> 63;
      long keepLow = (tMinus1 - (h & 0xFFFFFFFFL)) >>> 63;
      bits |= (keepHigh | (keepLow << 1)) << j;
    }
    return bits;
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
