package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.testing.Threads;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LstmKernelsTest {

  @Test
  void dropoutMaskIsInvertedAndHasTheRate() {
    double[] mask = new double[200_000];
    LstmKernels.dropoutMask(Rng.key(1, 0), 0.25, mask);
    int dropped = 0;
    double sum = 0;
    for (double m : mask) {
      assertTrue(m == 0.0 || m == 1.0 / 0.75, "mask value " + m);
      dropped += m == 0.0 ? 1 : 0;
      sum += m;
    }
    assertEquals(0.25, dropped / (double) mask.length, 0.005);
    assertEquals(1.0, sum / mask.length, 0.01);
  }

  @Test
  void dropoutMaskIsAFunctionOfTheKey() {
    double[] a = new double[64];
    double[] b = new double[64];
    LstmKernels.dropoutMask(42, 0.5, a);
    LstmKernels.dropoutMask(42, 0.5, b);
    assertArrayEquals(a, b);
    LstmKernels.dropoutMask(43, 0.5, b);
    assertTrue(!Arrays.equals(a, b));
  }

  @Test
  void ratesZeroAndOneDrawNothing() {
    double[] mask = new double[5];
    LstmKernels.dropoutMask(7, 0.0, mask);
    assertArrayEquals(new double[] {1, 1, 1, 1, 1}, mask);
    LstmKernels.dropoutMask(7, 1.0, mask);
    assertArrayEquals(new double[5], mask);
  }

  @Test
  void maskStepsSharesOneRowAcrossSteps() {
    // n = 2, steps = 3, width = 2
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, Double.POSITIVE_INFINITY};
    double[] mask = {2, 0, 0, 3};
    double[] out = new double[x.length];
    LstmKernels.maskSteps(2, 3, 2, x, mask, out);
    assertArrayEquals(new double[] {2, 0, 6, 0, 10, 0, 0, 24, 0, 30, 0, Double.POSITIVE_INFINITY},
        out);
    mask[3] = 0;
    LstmKernels.maskSteps(2, 3, 2, x, mask, x);
    assertEquals(0.0, x[11], "a dropped infinity is an exact zero");
  }

  @Test
  void tanhIsWithinTwoUlpsOfMathTanh() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    double[] scales = {1e-300, 1e-20, 1e-8, 1e-3, 0.1, 0.5, 0.625, 0.7, 1, 3, 10, 22, 30};
    for (double scale : scales) {
      for (int i = 0; i < 20_000; i++) {
        double x = rng.nextDouble(-scale, scale);
        double expected = Math.tanh(x);
        assertEquals(expected, LstmKernels.tanh(x), 2 * Math.ulp(expected), "tanh(" + x + ")");
      }
    }
    double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 0.625, -0.625, 22, -22,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE};
    for (double x : special) {
      double expected = Math.tanh(x);
      assertEquals(expected, LstmKernels.tanh(x), 2 * Math.ulp(expected), "tanh(" + x + ")");
      assertEquals(Math.copySign(1.0, expected), Math.copySign(1.0, LstmKernels.tanh(x)),
          "sign of tanh(" + x + ")");
    }
    assertTrue(Double.isNaN(LstmKernels.tanh(Double.NaN)));
  }

  /** n, steps, in, units. */
  private static final int[][] SIZES = {
    {1, 1, 1, 1}, {7, 7, 7, 7}, {33, 7, 1, 33}, {7, 33, 7, 1}, {33, 1, 7, 7}, {1, 7, 33, 33},
  };

  @Test
  void matchesStepByStepProductsForAnyThreadCount() {
    for (int[] size : SIZES) {
      for (boolean allSteps : new boolean[] {false, true}) {
        for (boolean withMask : new boolean[] {false, true}) {
          Lstm ref = new Lstm(size[0], size[1], size[2], size[3], allSteps, withMask);
          double[][] expected = ref.reference();
          for (int threads : new int[] {1, 2, 3}) {
            double[][] got = Threads.call(threads, ref::kernels);
            for (int i = 0; i < expected.length; i++) {
              assertArrayEquals(expected[i], got[i],
                  "output " + i + " of " + ref + " with " + threads + " threads");
            }
          }
        }
      }
    }
  }

  /**
   * One random problem, run through the kernels and through a plain reference: one
   * {@link Gemm#gemm} per step for the recurrence (the same operations in the same order; the
   * kernels' tanh, checked against {@link Math#tanh} on its own).
   */
  private static final class Lstm {
    final int n;
    final int steps;
    final int in;
    final int u;
    final boolean allSteps;
    final double[] x;
    final double[] kernel;
    final double[] recurrent;
    final double[] bias;
    final double[] mask;
    final double[] gradOut;

    Lstm(int n, int steps, int in, int u, boolean allSteps, boolean withMask) {
      this.n = n;
      this.steps = steps;
      this.in = in;
      this.u = u;
      this.allSteps = allSteps;
      java.util.SplittableRandom rng = new java.util.SplittableRandom(n * 131 + steps * 17 + u);
      x = random(rng, n * steps * in);
      kernel = random(rng, in * 4 * u);
      recurrent = random(rng, u * 4 * u);
      bias = random(rng, 4 * u);
      mask = withMask ? new double[n * u] : null;
      if (withMask) {
        LstmKernels.dropoutMask(5, 0.3, mask);
      }
      gradOut = random(rng, allSteps ? n * steps * u : n * u);
    }

    private static double[] random(java.util.SplittableRandom rng, int len) {
      double[] a = new double[len];
      for (int i = 0; i < len; i++) {
        a[i] = rng.nextDouble(-1, 1);
      }
      return a;
    }

    /** {gates, hPrev, c, tanhC, h, gradX, gradKernel, gradRecurrent, gradBias} by the kernels. */
    double[][] kernels() {
      int rows = n * steps;
      double[] gates = new double[rows * 4 * u];
      double[] hPrev = new double[rows * u];
      double[] c = new double[rows * u];
      double[] tanhC = new double[rows * u];
      double[] h = new double[allSteps ? rows * u : n * u];
      LstmKernels.forward(n, steps, in, u, x, kernel, recurrent, bias, mask, gates, hPrev, c,
          tanhC, h, allSteps);
      double[] gradX = new double[rows * in];
      double[] gk = new double[in * 4 * u];
      double[] gr = new double[u * 4 * u];
      double[] gb = new double[4 * u];
      LstmKernels.backward(n, steps, in, u, x, kernel, recurrent, mask, gates, hPrev, c, tanhC,
          gradOut, allSteps, new double[rows * 4 * u], new double[n * u], new double[n * u],
          gradX, gk, gr, gb);
      return new double[][] {gates, hPrev, c, tanhC, h, gradX, gk, gr, gb};
    }

    double[][] reference() {
      int g4 = 4 * u;
      int rows = n * steps;
      double[] gates = new double[rows * g4];
      double[] hPrev = new double[rows * u];
      double[] c = new double[rows * u];
      double[] tanhC = new double[rows * u];
      double[] h = new double[allSteps ? rows * u : n * u];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(bias, 0, gates, r * g4, g4);
      }
      Gemm.gemm(false, false, rows, g4, in, x, 0, in, kernel, 0, g4, gates, 0, g4, true);
      for (int t = 0; t < steps; t++) {
        if (t > 0) {
          Gemm.gemm(false, false, n, g4, u, hPrev, t * u, steps * u, recurrent, 0, g4,
              gates, t * g4, steps * g4, true);
        }
        for (int b = 0; b < n; b++) {
          int z = (b * steps + t) * g4;
          int s = (b * steps + t) * u;
          for (int j = 0; j < u; j++) {
            double ig = sigmoid(gates[z + j]);
            double fg = sigmoid(gates[z + u + j]);
            double gg = LstmKernels.tanh(gates[z + 2 * u + j]);
            double og = sigmoid(gates[z + 3 * u + j]);
            gates[z + j] = ig;
            gates[z + u + j] = fg;
            gates[z + 2 * u + j] = gg;
            gates[z + 3 * u + j] = og;
            double cv = t == 0 ? ig * gg : fg * c[s - u + j] + ig * gg;
            c[s + j] = cv;
            tanhC[s + j] = LstmKernels.tanh(cv);
            double hv = og * tanhC[s + j];
            h[allSteps ? s + j : b * u + j] = hv;
            if (t < steps - 1) {
              double r = mask == null ? 1.0 : mask[b * u + j];
              hPrev[s + u + j] = r == 0.0 ? 0.0 : hv * r;
            }
          }
        }
      }
      double[] gradGates = new double[rows * g4];
      double[] dh = new double[n * u];
      double[] dc = new double[n * u];
      for (int t = steps - 1; t >= 0; t--) {
        for (int b = 0; b < n; b++) {
          int z = (b * steps + t) * g4;
          int s = (b * steps + t) * u;
          int m = b * u;
          for (int j = 0; j < u; j++) {
            double dhv = dh[m + j];
            if (allSteps) {
              dhv += gradOut[s + j];
            } else if (t == steps - 1) {
              dhv += gradOut[m + j];
            }
            double ig = gates[z + j];
            double fg = gates[z + u + j];
            double gg = gates[z + 2 * u + j];
            double og = gates[z + 3 * u + j];
            double tc = tanhC[s + j];
            double dcv = dc[m + j] + dhv * og * (1 - tc * tc);
            double cPrev = t == 0 ? 0.0 : c[s - u + j];
            gradGates[z + j] = dcv * gg * ig * (1 - ig);
            gradGates[z + u + j] = dcv * cPrev * fg * (1 - fg);
            gradGates[z + 2 * u + j] = dcv * ig * (1 - gg * gg);
            gradGates[z + 3 * u + j] = dhv * tc * og * (1 - og);
            dc[m + j] = dcv * fg;
          }
        }
        if (t > 0) {
          Gemm.gemm(false, true, n, u, g4, gradGates, t * g4, steps * g4, recurrent, 0, g4,
              dh, 0, u, false);
          for (int k = 0; mask != null && k < n * u; k++) {
            dh[k] = mask[k] == 0.0 ? 0.0 : dh[k] * mask[k];
          }
        }
      }
      double[] gk = new double[in * g4];
      double[] gr = new double[u * g4];
      double[] gb = new double[g4];
      Gemm.gemm(true, false, in, g4, rows, x, 0, in, gradGates, 0, g4, gk, 0, g4, false);
      Gemm.gemm(true, false, u, g4, rows, hPrev, 0, u, gradGates, 0, g4, gr, 0, g4, false);
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < g4; k++) {
          gb[k] += gradGates[r * g4 + k];
        }
      }
      double[] gradX = new double[rows * in];
      Gemm.gemm(false, true, rows, in, g4, gradGates, 0, g4, kernel, 0, g4, gradX, 0, in, false);
      return new double[][] {gates, hPrev, c, tanhC, h, gradX, gk, gr, gb};
    }

    private static double sigmoid(double v) {
      if (v >= 0) {
        return 1.0 / (1.0 + Math.exp(-v));
      }
      double e = Math.exp(v);
      return e / (1.0 + e);
    }

    @Override
    public String toString() {
      return "LSTM n=" + n + " steps=" + steps + " in=" + in + " units=" + u + " allSteps="
          + allSteps + " mask=" + (mask != null);
    }
  }
}
