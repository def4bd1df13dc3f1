package io.github.dropnet.kernels;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counter-based random numbers: every draw is a pure function of (key, index), so a mask can be
 * filled in any order, by any number of threads, and comes out the same.
 *
 * <p>The mixing function is SplitMix64's finaliser (Steele, Lea and Flood, 2014), which passes
 * BigCrush when fed a Weyl sequence; {@link #key(long, long)} derives the key of one call of a
 * seeded layer from its seed and its call counter.
 *
 * <p>Thread safety: stateless, except {@link #freshSeed()}, which is atomic.
 */
public final class Rng {
  /** The golden-ratio increment of SplitMix64's Weyl sequence. */
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private static final AtomicLong SEED_UNIQUIFIER =
      new AtomicLong(System.nanoTime() ^ mix(System.currentTimeMillis()));

  private Rng() {}

  /** SplitMix64's finaliser: a bijective 64-bit mix with full avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The 64 random bits at position {@code index} of the stream {@code key}. */
  public static long bits(long key, long index) {
    return mix(key + (index + 1) * GOLDEN);
  }

  /** The key of call number {@code call} of a generator seeded with {@code seed}. */
  public static long key(long seed, long call) {
    return mix(mix(seed ^ 0x5DEECE66DL) + call * GOLDEN);
  }

  /** A seed that differs between calls and between runs, for unseeded layers. */
  public static long freshSeed() {
    return mix(SEED_UNIQUIFIER.addAndGet(GOLDEN) ^ System.nanoTime());
  }

  /** A uniform double in [0, 1) from 64 random bits (the top 53 are used). */
  public static double uniform(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
