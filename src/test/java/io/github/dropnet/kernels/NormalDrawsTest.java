package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalDrawsTest {

  /** The documented definition, written out independently of the kernel. */
  private static double reference(long key, long i) {
    long j = i / 2;
    double u1 = ((Rng.bits(key, 2 * j) >>> 11) + 1) / 9007199254740992.0;
    double u2 = (Rng.bits(key, 2 * j + 1) >>> 11) / 9007199254740992.0;
    double r = Math.sqrt(-2 * StrictMath.log(u1));
    double theta = 2 * Math.PI * u2;
    return i % 2 == 0 ? r * StrictMath.cos(theta) : r * StrictMath.sin(theta);
  }

  @Test
  void elementsFollowTheDefinitionOneAtATimeAndInBulk() {
    long key = Rng.key(42, 3);
    for (int n : new int[] {0, 1, 2, 7, 64, 101}) {
      double[] out = new double[n + 3];
      NormalDraws.fill(key, out, n, 0.0, 1.0);
      for (int i = 0; i < n; i++) {
        assertEquals(reference(key, i), out[i], 0.0, "n=" + n + " i=" + i);
        assertEquals(reference(key, i), NormalDraws.normal(key, i), 0.0);
      }
      for (int i = n; i < out.length; i++) {
        assertEquals(0.0, out[i], 0.0, "untouched past n");
      }
    }
  }

  @Test
  void meanAndStddevAreAppliedAsMeanPlusStddevTimesZ() {
    long key = 99;
    double[] out = new double[11];
    NormalDraws.fill(key, out, 11, 1.0, 0.5);
    for (int i = 0; i < 11; i++) {
      assertEquals(1.0 + 0.5 * NormalDraws.normal(key, i), out[i], 0.0);
    }
  }

  @Test
  void theDrawsAreStandardNormal() {
    int n = 400_000;
    double[] z = new double[n];
    NormalDraws.fill(Rng.key(7, 0), z, n, 0.0, 1.0);
    double m = 0;
    double m2 = 0;
    double m4 = 0;
    double pairCorrelation = 0;
    int beyond2 = 0;
    double max = 0;
    for (int i = 0; i < n; i++) {
      m += z[i];
      m2 += z[i] * z[i];
      m4 += z[i] * z[i] * z[i] * z[i];
      beyond2 += Math.abs(z[i]) > 2 ? 1 : 0;
      max = Math.max(max, Math.abs(z[i]));
      if (i % 2 == 0) {
        pairCorrelation += z[i] * z[i + 1];
      }
    }
    m /= n;
    m2 /= n;
    m4 /= n;
    pairCorrelation /= n / 2;
    // standard errors: mean 1/sqrt(n) = 0.0016, variance sqrt(2/n) = 0.0022, kurtosis ~0.008
    assertEquals(0, m, 0.008, "mean");
    assertEquals(1, m2, 0.011, "variance");
    assertEquals(3, m4, 0.05, "fourth moment");
    assertEquals(0, pairCorrelation, 0.012, "the two values of a pair are uncorrelated");
    assertEquals(0.0455, (double) beyond2 / n, 0.002, "P(|z| > 2)");
    assertTrue(max <= Math.sqrt(2 * 53 * Math.log(2)) + 1e-12, "bounded: " + max);
  }

  @Test
  void keysGiveDifferentStreams() {
    assertNotEquals(NormalDraws.normal(Rng.key(1, 0), 0), NormalDraws.normal(Rng.key(1, 1), 0));
    assertNotEquals(NormalDraws.normal(Rng.key(1, 0), 0), NormalDraws.normal(Rng.key(2, 0), 0));
  }

  @Test
  void rejectsMoreValuesThanTheArrayHolds() {
    assertThrows(IndexOutOfBoundsException.class,
        () -> NormalDraws.fill(1, new double[3], 4, 0, 1));
  }
}
