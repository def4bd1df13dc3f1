package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.testing.Threads;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdamKernelsTest {
  /** The update rule written out plainly, one element at a time. */
  private static void reference(double[] p, double[] g, double[] m, double[] v,
      double beta1, double beta2, double epsilon, double stepSize, double correction2) {
    for (int j = 0; j < p.length; j++) {
      m[j] = beta1 * m[j] + (1 - beta1) * g[j];
      v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
      double denom = Math.sqrt(v[j]) / correction2 + epsilon;
      if (denom != 0) {
        p[j] -= stepSize * (m[j] / denom);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 33, 129, 100_003})
  void stepMatchesThePlainRuleBitForBitOnAnyThreadCount(int n) {
    for (double epsilon : new double[] {1e-7, 0.0}) {
      for (int threads : new int[] {1, 2, 3}) {
        SplittableRandom r = new SplittableRandom(n * 31L + threads);
        // zeros in g, m and v, so that with epsilon 0 some denominators are 0
        double[] p = RandomArrays.withZeros(r, n, 0);
        double[] g = RandomArrays.withZeros(r, n, 0.3);
        double[] m = RandomArrays.withZeros(r, n, 0.3);
        double[] v = RandomArrays.withZeros(r, n, 0.3);
        for (int i = 0; i < n; i++) {
          v[i] = Math.abs(v[i]);
          if (v[i] == 0) {
            g[i] = 0;
          }
        }
        double[] p2 = p.clone();
        double[] m2 = m.clone();
        double[] v2 = v.clone();
        double stepSize = 1e-3 / (1 - Math.pow(0.9, 3));
        double correction2 = Math.sqrt(1 - Math.pow(0.999, 3));
        reference(p2, g, m2, v2, 0.9, 0.999, epsilon, stepSize, correction2);
        Threads.run(threads,
            () -> AdamKernels.step(p, g, m, v, 0.9, 0.999, epsilon, stepSize, correction2));
        String label = "n=" + n + ", epsilon=" + epsilon + ", threads=" + threads;
        assertArrayEquals(m2, m, 0.0, label);
        assertArrayEquals(v2, v, 0.0, label);
        assertArrayEquals(p2, p, 0.0, label);
        for (double x : p) {
          assertEquals(false, Double.isNaN(x), label + ": no NaN from finite input");
        }
      }
    }
  }
}
