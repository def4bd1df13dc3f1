package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
