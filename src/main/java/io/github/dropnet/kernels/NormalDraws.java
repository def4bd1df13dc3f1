package io.github.dropnet.kernels;

/**
 * Standard normal draws from the counter-based {@link Rng}: element {@code i} of the stream
 * {@code key} is a pure function of {@code (key, i)}.
 *
 * <h2>Definition</h2>
 * Elements come in Box-Muller pairs. Pair {@code j} (elements {@code 2j} and {@code 2j + 1})
 * takes two 64-bit draws, {@code b1 = Rng.bits(key, 2j)} and {@code b2 = Rng.bits(key, 2j + 1)}:
 * <pre>
 * u1 = ((b1 &gt;&gt;&gt; 11) + 1) * 2^-53        in (0, 1], so log(u1) is finite
 * u2 = (b2 &gt;&gt;&gt; 11) * 2^-53              in [0, 1)
 * r  = sqrt(-2 log u1),   theta = 2 pi u2
 * z[2j] = r cos(theta),   z[2j + 1] = r sin(theta)
 * </pre>
 * The two values of a pair are independent standard normals (Box and Muller, 1958); |z| never
 * exceeds {@code sqrt(2 * 53 * log 2)}, about 8.57. {@code log}, {@code cos} and {@code sin} are
 * {@link StrictMath}'s, so the draws are bit-identical on every JVM and platform.
 *
 * <p>Thread safety: stateless. Calls that write disjoint ranges of one array may run
 * concurrently, in any order, and give the same values.
 */
public final class NormalDraws {
  private static final double TWO_PI = 2 * Math.PI;

  private NormalDraws() {}

  /** Element {@code i} of the standard normal stream {@code key}: the definition, one at a time. */
  public static double normal(long key, long i) {
    long j = i >>> 1;
    double r = radius(Rng.bits(key, 2 * j));
    double theta = TWO_PI * Rng.uniform(Rng.bits(key, 2 * j + 1));
    return (i & 1) == 0 ? r * StrictMath.cos(theta) : r * StrictMath.sin(theta);
  }

  /**
   * Writes {@code out[i] = mean + stddev * z[i]} for {@code i < n} (modified), {@code z} the
   * standard normal stream {@code key}; two elements per pair of draws.
   *
   * @throws IndexOutOfBoundsException if {@code n > out.length}
   */
  public static void fill(long key, double[] out, int n, double mean, double stddev) {
    if (n > out.length) {
      throw new IndexOutOfBoundsException(
          "NormalDraws: " + n + " values do not fit an array of " + out.length);
    }
    int i = 0;
    for (long j = 0; i + 1 < n; j++, i += 2) {
      double r = radius(Rng.bits(key, 2 * j));
      double theta = TWO_PI * Rng.uniform(Rng.bits(key, 2 * j + 1));
      out[i] = mean + stddev * (r * StrictMath.cos(theta));
      out[i + 1] = mean + stddev * (r * StrictMath.sin(theta));
    }
    if (i < n) {
      out[i] = mean + stddev * normal(key, i);
    }
  }

  /** {@code sqrt(-2 log u1)} with {@code u1} in (0, 1] from 64 random bits. */
  private static double radius(long bits) {
    double u1 = ((bits >>> 11) + 1) * 0x1.0p-53;
    return Math.sqrt(-2 * StrictMath.log(u1));
  }
}
