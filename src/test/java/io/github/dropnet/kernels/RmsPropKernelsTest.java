package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.dropnet.testing.Threads;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RmsPropKernelsTest {
  /** The update rule written out plainly, one element at a time. */
  private static void reference(double[] p, double[] g, double[] v, double[] b,
      double rho, double momentum, double epsilon, double lr) {
    for (int j = 0; j < p.length; j++) {
      v[j] = rho * v[j] + (1 - rho) * g[j] * g[j];
      double denom = Math.sqrt(v[j]) + epsilon;
      double s = denom == 0 ? 0.0 : g[j] / denom;
      if (b != null) {
        b[j] = momentum * b[j] + s;
        p[j] -= lr * b[j];
      } else {
        p[j] -= lr * s;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 33, 129, 100_003})
  void stepMatchesThePlainRuleBitForBitOnAnyThreadCount(int n) {
    for (double epsilon : new double[] {1e-7, 0.0}) {
      for (boolean withMomentum : new boolean[] {false, true}) {
        for (int threads : new int[] {1, 2, 3}) {
          SplittableRandom r = new SplittableRandom(n * 31L + threads);
          double[] p = RandomArrays.withZeros(r, n, 0);
          // zeros in g, so that with epsilon 0 some v stay 0
          double[] g = RandomArrays.withZeros(r, n, 0.3);
          double[] v = new double[n];
          double[] b = withMomentum ? RandomArrays.withZeros(r, n, 0) : null;
          double[] p2 = p.clone();
          double[] v2 = v.clone();
          double[] b2 = b == null ? null : b.clone();
          reference(p2, g, v2, b2, 0.9, 0.5, epsilon, 1e-3);
          Threads.run(threads, () -> RmsPropKernels.step(p, g, v, b, 0.9, 0.5, epsilon, 1e-3));
          String label = "n=" + n + ", epsilon=" + epsilon + ", momentum=" + withMomentum
              + ", threads=" + threads;
          assertArrayEquals(v2, v, 0.0, label);
          assertArrayEquals(p2, p, 0.0, label);
          if (b != null) {
            assertArrayEquals(b2, b, 0.0, label);
          }
          for (double x : p) {
            assertFalse(Double.isNaN(x), label + ": no NaN from finite input");
          }
        }
      }
    }
  }
}
