package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KernelInitializerTest {
  private static final int FAN_IN = 50;
  private static final int FAN_OUT = 150;

  /** The standard deviation Keras' variance scaling gives the weights. */
  private static double expectedStd(KernelInitializer init) {
    switch (init) {
      case GLOROT_UNIFORM:
      case GLOROT_NORMAL:
        return Math.sqrt(2.0 / (FAN_IN + FAN_OUT));
      case HE_UNIFORM:
      case HE_NORMAL:
        return Math.sqrt(2.0 / FAN_IN);
      default:
        return Math.sqrt(1.0 / FAN_IN);
    }
  }

  private static boolean isNormal(KernelInitializer init) {
    return init.name().endsWith("NORMAL");
  }

  @ParameterizedTest
  @EnumSource(KernelInitializer.class)
  void varianceIsScaleOverFanAndValuesStayInRange(KernelInitializer init) {
    double[] w = new double[200_000];
    init.fill(w, FAN_IN, FAN_OUT, new SplittableRandom(9));
    double mean = 0;
    double sq = 0;
    double max = 0;
    for (double v : w) {
      mean += v;
      sq += v * v;
      max = Math.max(max, Math.abs(v));
    }
    mean /= w.length;
    double std = Math.sqrt(sq / w.length - mean * mean);
    double expected = expectedStd(init);
    assertEquals(0, mean, 0.01 * expected, init + " mean");
    assertEquals(expected, std, 0.01 * expected, init + " std");
    // uniform: within sqrt(3) std; truncated normal: within 2 untruncated std
    double bound = isNormal(init) ? 2 * expected / 0.87962566103423978 : Math.sqrt(3) * expected;
    assertTrue(max <= bound * (1 + 1e-12), init + " max |w| " + max + " > " + bound);
    assertTrue(max > 0.95 * bound, init + " max |w| " + max + " fills the range " + bound);
  }

  @Test
  void lecunNormalIsKerasTruncatedNormalWithStddevSqrtOneOverFanInOverTheTruncationFactor() {
    double[] a = new double[1000];
    double[] b = new double[1000];
    KernelInitializer.LECUN_NORMAL.fill(a, 7, 3, new SplittableRandom(2));
    Initializers.lecunNormal(b, 7, new SplittableRandom(2));
    assertArrayEquals(b, a, 0.0);
    // the same draws by hand: unit normals beyond +-2 redrawn, times sqrt(1/7)/0.8796...
    SplittableRandom rng = new SplittableRandom(2);
    double stddev = Math.sqrt(1.0 / 7) / 0.87962566103423978;
    for (int i = 0; i < 1000; i++) {
      double g;
      do {
        g = rng.nextGaussian();
      } while (Math.abs(g) > 2);
      assertEquals(g * stddev, a[i], 0.0);
    }
  }

  @Test
  void theDefaultStaysGlorotUniformWithTheSameDraws() {
    Dense plain = new Dense(5).seed(4);
    Dense glorot = new Dense(5).kernelInitializer(KernelInitializer.GLOROT_UNIFORM).seed(4);
    assertEquals(KernelInitializer.GLOROT_UNIFORM, plain.kernelInitializer());
    plain.build(-1, 3);
    glorot.build(-1, 3);
    assertEquals(plain.getWeights(), glorot.getWeights());
    double[] w = new double[15];
    Initializers.glorotUniform(w, 3, 5, new SplittableRandom(4));
    assertArrayEquals(w, plain.getWeights().get(0).toArray(), 0.0);
  }

  @Test
  void denseAndConv2DUseTheChosenInitializerWithKerasFans() {
    Dense dense = new Dense(6).kernelInitializer(KernelInitializer.LECUN_NORMAL).seed(8);
    dense.build(-1, 4);
    double[] expected = new double[24];
    Initializers.lecunNormal(expected, 4, new SplittableRandom(8));
    assertArrayEquals(expected, dense.getWeights().get(0).toArray(), 0.0);
    assertEquals(Tensor.zeros(6), dense.getWeights().get(1), "bias stays zero");

    Conv2D conv = new Conv2D(5, 3, 2).kernelInitializer(KernelInitializer.LECUN_NORMAL).seed(8);
    conv.build(-1, 7, 7, 4);
    double[] k = new double[3 * 2 * 4 * 5];
    Initializers.lecunNormal(k, 3 * 2 * 4, new SplittableRandom(8));
    assertArrayEquals(k, conv.getWeights().get(0).toArray(), 0.0);
    assertEquals(KernelInitializer.LECUN_NORMAL, conv.kernelInitializer());
  }

  @Test
  void theSetterValidatesAndMustComeBeforeBuild() {
    assertEquals("Dense: kernel initializer must not be null",
        assertThrows(IllegalArgumentException.class,
            () -> new Dense(2).kernelInitializer(null)).getMessage());
    Dense d = new Dense(2);
    d.build(-1, 3);
    assertThrows(IllegalStateException.class,
        () -> d.kernelInitializer(KernelInitializer.HE_NORMAL));
    Conv2D c = new Conv2D(2, 1, 1);
    c.build(-1, 3, 3, 1);
    assertTrue(assertThrows(IllegalStateException.class,
        () -> c.kernelInitializer(KernelInitializer.HE_NORMAL)).getMessage()
        .contains("Conv2D: kernelInitializer"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> KernelInitializer.HE_NORMAL.fill(new double[1], 0, 1, new SplittableRandom(1)))
        .getMessage().contains("fanIn 0"));
  }
}
