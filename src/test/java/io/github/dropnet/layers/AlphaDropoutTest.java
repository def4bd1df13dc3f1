package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static io.github.dropnet.layers.DropoutTest.nonZero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlphaDropoutTest {
  private static final double ALPHA_PRIME = -1.7580993408473766;

  // ---- the two values (PyTorch's F.alpha_dropout on ones, Keras' AlphaDropout) ----

  @Test
  void onAOnesInputAtRateHalfTheOutputTakesExactlyTheTwoValuesPyTorchGives() {
    double a = AlphaDropout.scale(0.5);
    double b = AlphaDropout.shift(0.5);
    // ((1 - p)(1 + p alpha'^2))^-1/2 and -a alpha' p, computed in float64 by Python
    assertEquals(0.886404894665932, a, 1e-15);
    assertEquals(0.7791939305180317, b, 1e-15);
    Tensor y = new AlphaDropout(0.5).seed(7).forward(Tensor.ones(40, 50), true);
    int high = 0;
    for (double v : y.data()) {
      if (v > 0) {
        high++;
        assertEquals(a + b, v, 0.0);
        assertEquals(1.6655988251839635, v, 1e-15);
      } else {
        assertEquals(a * ALPHA_PRIME + b, v, 0.0);
        assertEquals(-0.7791939305180317, v, 1e-15);
      }
    }
    // torch.nn.functional.alpha_dropout(torch.ones(...), 0.5, True) prints 1.6656 and -0.7792 in
    // float32: 1.6655988 and -0.7791939
    assertEquals(1.6655988, a + b, 1e-7);
    assertEquals(-0.7791939, a * ALPHA_PRIME + b, 1e-7);
    assertEquals(0.5, high / 2000.0, 0.05, "about half kept");
  }

  @Test
  void theAffineCorrectionFollowsKlambauersFormulaAtEveryRate() {
    for (double p : new double[] {0.0, 0.05, 0.1, 0.3, 0.9}) {
      double a = Math.pow((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME), -0.5);
      assertEquals(a, AlphaDropout.scale(p), 1e-15 * a, "a at " + p);
      assertEquals(-a * ALPHA_PRIME * p, AlphaDropout.shift(p), 1e-15, "b at " + p);
    }
  }

  // ---- PyTorch test_AlphaDropout ----

  @Test
  void pytorchMeanAndStdOfAStandardNormalInputArePreserved() {
    SplittableRandom rng = new SplittableRandom(2017);
    double[] data = new double[5000];
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextGaussian();
    }
    Tensor x = Tensor.of(data, 5000);
    double mean = x.mean();
    double std = Frozen.std(x);
    for (double p : new double[] {0.2, 0.5, 0.8}) {
      AlphaDropout d = new AlphaDropout(p).seed(31);
      Tensor y = d.forward(x, true);
      assertTrue(Math.abs(y.mean() - mean) < 0.1, "p=" + p + " mean " + y.mean());
      assertTrue(Math.abs(Frozen.std(y) - std) < 0.1, "p=" + p + " std " + Frozen.std(y));
      d.backward(x);
    }
  }

  // ---- validation ----

  @Test
  void rateOutsideZeroToOneExclusiveIsRejectedNamingTheRate() {
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      assertEquals("AlphaDropout: rate must be in [0, 1), received " + bad,
          assertThrows(IllegalArgumentException.class, () -> new AlphaDropout(bad))
              .getMessage());
    }
    assertMessageHas(assertThrows(IllegalArgumentException.class, () -> new AlphaDropout(1)),
        "AlphaDropout", "[0, 1)", "received 1.0", "drops every unit", "infinite");
    assertThrows(IllegalArgumentException.class, () -> AlphaDropout.scale(1));
  }

  @Test
  void noiseShapesAreCheckedLikeDropouts() {
    int[] input = {2, 3, 4};
    for (int[] noise : new int[][] {{2, 2, 4}, {-1, 1, 4, 1}, {2, -3, 4}, {2, 0, 4}}) {
      assertMessageHas(assertThrows(IllegalArgumentException.class,
          () -> new AlphaDropout(0.5, noise).build(input)),
          "AlphaDropout", Shapes.format(noise), Shapes.format(input));
    }
  }

  // ---- semantics ----

  @Test
  void theMaskIsDropoutsMaskForTheSameSeedAndRate() {
    Tensor x = nonZero(3, 2, 6, 9);
    AlphaDropout alpha = new AlphaDropout(0.3, -1, 1, -1).seed(12);
    Dropout plain = new Dropout(0.3, -1, 1, -1).seed(12);
    for (int k = 0; k < 3; k++) {
      Tensor ya = alpha.forward(x, true);
      Tensor yd = plain.forward(x, true);
      assertArrayEquals(plain.maskBits(), alpha.maskBits(), "call " + k);
      assertArrayEquals(
          DropoutMask.create(Rng.key(12, k), DropoutMask.threshold(0.3), 2 * 9), alpha.maskBits());
      double a = AlphaDropout.scale(0.3);
      double b = AlphaDropout.shift(0.3);
      for (int i = 0; i < x.size(); i++) {
        double expected = yd.data()[i] != 0 ? x.data()[i] * a + b : a * ALPHA_PRIME + b;
        assertEquals(expected, ya.data()[i], 0.0, "call " + k + " element " + i);
      }
    }
  }

  @Test
  void droppedInfiniteInputsGiveTheConstantNotNan() {
    Tensor x = Tensor.full(Double.POSITIVE_INFINITY, 8, 8);
    Tensor y = new AlphaDropout(0.5).seed(1).forward(x, true);
    double dropped = AlphaDropout.scale(0.5) * ALPHA_PRIME + AlphaDropout.shift(0.5);
    for (double v : y.data()) {
      assertTrue(v == Double.POSITIVE_INFINITY || v == dropped, "value " + v);
    }
  }

  @Test
  void inferenceAndRateZeroAreTheIdentityAndDrawNothing() {
    Tensor x = nonZero(2, 5, 5);
    AlphaDropout d = new AlphaDropout(0.4).seed(1);
    assertSame(x, d.forward(x, false));
    assertSame(x, d.backward(x));
    assertEquals(0, d.calls());
    AlphaDropout zero = new AlphaDropout(0).seed(1);
    assertSame(x, zero.forward(x, true));
    assertSame(x, zero.backward(x));
    assertEquals(0, zero.calls());
  }

  @Test
  void backwardScalesKeptGradientsByAAndZeroesDroppedOnesOnce() {
    AlphaDropout d = new AlphaDropout(0.5).seed(6);
    Tensor y = d.forward(Tensor.ones(10, 10), true);
    Tensor dx = d.backward(Tensor.ones(10, 10));
    double a = AlphaDropout.scale(0.5);
    for (int i = 0; i < 100; i++) {
      assertEquals(y.data()[i] > 0 ? a : 0.0, dx.data()[i], 0.0);
    }
    assertNull(d.maskBits(), "backward releases the mask");
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> d.backward(Tensor.ones(10, 10))), "AlphaDropout", "twice");
  }

  @Test
  void gradientsMatchFiniteDifferencesWithTheMaskHeldFixed() {
    Tensor x = GradientCheck.random(10, 3, 4, 5);
    GradientCheck.check(Frozen.training(new AlphaDropout(0.4), 3), x, 1);
    GradientCheck.check(Frozen.training(new AlphaDropout(0.4, -1, 1, -1), 3), x, 2);
    GradientCheck.check(new AlphaDropout(0.4), x, 3);
  }

  // ---- determinism and Monte Carlo ----

  @Test
  void sameSeedSameSequenceSuccessiveCallsDifferAndReseedRestarts() {
    Tensor x = nonZero(5, 12, 12);
    AlphaDropout a = new AlphaDropout(0.2).seed(50);
    Tensor first = a.forward(x, true);
    Tensor second = a.forward(x, true);
    assertNotEquals(first, second, "Monte Carlo: every training forward draws a new mask");
    assertEquals(first, new AlphaDropout(0.2).seed(50).forward(x, true));
    a.reseed(50);
    assertEquals(first, a.forward(x, true));
    assertEquals(second, a.forward(x, true));
    assertNotEquals(new AlphaDropout(0.2).forward(x, true),
        new AlphaDropout(0.2).forward(x, true));
  }

  @Test
  void aScheduleMovesTheRateAndBackwardKeepsTheForwardsScale() {
    AlphaDropout d = new AlphaDropout(0.1).seed(3)
        .rateSchedule(RateSchedule.byEpoch(e -> e == 0 ? 0.5 : 0.1));
    assertEquals(0.5, d.rate(), 0.0);
    Tensor y = d.forward(Tensor.ones(4, 4), true);
    d.onSchedule(1, 3);
    assertEquals(0.1, d.rate(), 0.0);
    Tensor dx = d.backward(Tensor.ones(4, 4));
    for (int i = 0; i < 16; i++) {
      assertEquals(y.data()[i] > 0 ? AlphaDropout.scale(0.5) : 0, dx.data()[i], 0.0);
    }
  }

  @Test
  void describesItself() {
    assertEquals("AlphaDropout[rate=0.1]", new AlphaDropout(0.1).toString());
    assertEquals("AlphaDropout[rate=0.1, noiseShape=(-1, 1), seed=3]",
        new AlphaDropout(0.1, -1, 1).seed(3).toString());
  }
}
