package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static io.github.dropnet.layers.DropoutTest.nonZero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.NormalDraws;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GaussianDropoutTest {

  // ---- Keras test_gaussian_dropout_correctness ----

  @Test
  void kerasStddevIsSqrtRateOverOneMinusRateAndMeanIsOne() {
    Tensor y = new GaussianDropout(0.3).seed(1337).forward(Tensor.ones(20, 500), true);
    assertEquals(Math.sqrt(0.3 / 0.7), Frozen.std(y), 0.02, "std");
    assertEquals(1.0, y.mean(), 0.02, "mean");
    assertEquals(Math.sqrt(0.3 / 0.7), new GaussianDropout(0.3).stddev(), 1e-15);
  }

  // ---- validation ----

  @Test
  void rateOutsideZeroToOneExclusiveIsRejectedNamingTheRate() {
    for (double bad : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new GaussianDropout(bad));
      assertEquals("GaussianDropout: rate must be in [0, 1), received " + bad, e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new GaussianDropout(bad, -1, 1));
    }
    IllegalArgumentException one =
        assertThrows(IllegalArgumentException.class, () -> new GaussianDropout(1.0));
    assertMessageHas(one, "GaussianDropout", "rate", "[0, 1)", "received 1.0", "infinite variance");
  }

  @Test
  void noiseShapesAreCheckedLikeDropouts() {
    GaussianDropout negative = new GaussianDropout(0.5, -1, -2, 4);
    assertMessageHas(assertThrows(IllegalArgumentException.class, () -> negative.build(2, 3, 4)),
        "GaussianDropout", "noise shape", "(2, 3, 4)", "-2");
    int[] input = {2, 3, 4};
    for (int[] noise : new int[][] {{2, 0, 4}, {3, 1, 4}, {-1, 1}}) {
      GaussianDropout d = new GaussianDropout(0.5, noise);
      assertMessageHas(assertThrows(IllegalArgumentException.class, () -> d.build(input)),
          "GaussianDropout", Shapes.format(noise), Shapes.format(input));
      assertMessageHas(assertThrows(IllegalArgumentException.class,
          () -> new GaussianDropout(0.5, noise).forward(Tensor.ones(input), true)),
          Shapes.format(noise), Shapes.format(input));
    }
  }

  @Test
  void settersComeBeforeBuild() {
    GaussianDropout d = new GaussianDropout(0.5);
    d.build(2, 2);
    assertMessageHas(assertThrows(IllegalStateException.class, () -> d.seed(1)),
        "GaussianDropout", "seed", "before");
    assertThrows(IllegalStateException.class,
        () -> d.rateSchedule(RateSchedule.constant(0.1)));
  }

  // ---- semantics ----

  @Test
  void theKthTrainingForwardMultipliesByOnePlusSigmaTimesTheNormalsOfKeySeedK() {
    long seed = 5;
    double sigma = Math.sqrt(0.2 / 0.8);
    GaussianDropout d = new GaussianDropout(0.2).seed(seed);
    Tensor x = nonZero(1, 3, 7);
    for (int k = 0; k < 3; k++) {
      Tensor y = d.forward(x, true);
      long key = Rng.key(seed, k);
      for (int i = 0; i < 21; i++) {
        double e = 1.0 + sigma * NormalDraws.normal(key, i);
        assertEquals(x.data()[i] * e, y.data()[i], 0.0, "call " + k + " element " + i);
      }
    }
    assertEquals(3, d.calls());
  }

  @Test
  void aNoiseShapeSharesTheNoiseAlongBroadcastAxesAndKeepsItSmall() {
    GaussianDropout d = new GaussianDropout(0.5, -1, 1, -1).seed(8);
    Tensor y = d.forward(Tensor.ones(4, 6, 5), true);
    assertEquals(4 * 5, d.noise().length, "noise kept at the noise shape");
    for (int b = 0; b < 4; b++) {
      for (int t = 1; t < 6; t++) {
        for (int f = 0; f < 5; f++) {
          assertEquals(y.get(b, 0, f), y.get(b, t, f), 0.0);
        }
      }
    }
  }

  @Test
  void inferenceAndRateZeroAreTheIdentityAndDrawNothing() {
    Tensor x = nonZero(2, 5, 5);
    GaussianDropout d = new GaussianDropout(0.4).seed(1);
    assertSame(x, d.forward(x, false));
    Tensor dy = nonZero(3, 5, 5);
    assertSame(dy, d.backward(dy));
    assertEquals(0, d.calls());
    GaussianDropout zero = new GaussianDropout(0.0).seed(1);
    assertSame(x, zero.forward(x, true));
    assertSame(dy, zero.backward(dy));
    assertEquals(0, zero.calls());
  }

  @Test
  void backwardMultipliesByTheSameNoiseOnceThenReleasesIt() {
    GaussianDropout d = new GaussianDropout(0.3).seed(4);
    Tensor y = d.forward(Tensor.ones(6, 7), true);
    assertEquals(y, d.backward(Tensor.ones(6, 7)), "dy * e with dy = 1 is e, the forward of ones");
    assertNull(d.noise(), "backward releases the noise");
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> d.backward(Tensor.ones(6, 7))), "GaussianDropout", "twice");
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> new GaussianDropout(0.3).backward(Tensor.ones(1))), "before forward");
    d.forward(Tensor.ones(6, 7), true);
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> d.backward(Tensor.ones(7, 6))), "GaussianDropout", "(6, 7)", "(7, 6)");
  }

  @Test
  void gradientsMatchFiniteDifferencesWithTheNoiseHeldFixed() {
    Tensor x = GradientCheck.random(10, 3, 4, 5);
    GradientCheck.check(Frozen.training(new GaussianDropout(0.4), 3), x, 1);
    GradientCheck.check(Frozen.training(new GaussianDropout(0.4, -1, 1, -1), 3), x, 2);
    GradientCheck.check(new GaussianDropout(0.4), x, 3);
  }

  // ---- determinism and Monte Carlo ----

  @Test
  void sameSeedSameSequenceSuccessiveCallsDifferAndReseedRestarts() {
    Tensor x = nonZero(7, 10, 20);
    GaussianDropout a = new GaussianDropout(0.5).seed(100);
    GaussianDropout b = new GaussianDropout(0.5).seed(100);
    List<Tensor> first = new ArrayList<>();
    for (int call = 0; call < 4; call++) {
      Tensor ya = a.forward(x, true);
      assertEquals(ya, b.forward(x, true), "call " + call);
      for (Tensor earlier : first) {
        assertNotEquals(earlier, ya);
      }
      first.add(ya);
    }
    a.reseed(100);
    for (int call = 0; call < 4; call++) {
      assertEquals(first.get(call), a.forward(x, true), "after reseed, call " + call);
    }
    assertEquals(OptionalLong.of(100), a.seed());
    assertNotEquals(new GaussianDropout(0.5).forward(x, true),
        new GaussianDropout(0.5).forward(x, true), "unseeded layers differ");
  }

  @Test
  void monteCarloForwardsDifferAndAverageToTheInput() {
    GaussianDropout d = new GaussianDropout(0.5).seed(9);
    Tensor x = nonZero(4, 8, 8);
    Tensor sum = Tensor.zeros(8, 8);
    Tensor previous = null;
    for (int t = 0; t < 400; t++) {
      Tensor y = d.forward(x, true);
      assertNotEquals(previous, y);
      previous = y;
      sum = sum.add(y);
    }
    Tensor mean = sum.mul(1.0 / 400);
    for (int i = 0; i < x.size(); i++) {
      // std of the mean: x * 1 / sqrt(400) = 0.05 x
      assertEquals(x.data()[i], mean.data()[i], 0.25 * x.data()[i], "element " + i);
    }
  }

  // ---- schedules ----

  @Test
  void aScheduleChangesTheNoiseLevelAndRejectsRateOne() {
    GaussianDropout d = new GaussianDropout(0.1).seed(2)
        .rateSchedule(RateSchedule.linear(0.0, 0.5, 2));
    assertEquals(0.0, d.rate(), 0.0);
    Tensor x = Tensor.ones(20, 500);
    assertSame(x, d.forward(x, true));
    d.onSchedule(2, 0);
    assertEquals(1.0, Frozen.std(d.forward(x, true)), 0.03);
    GaussianDropout toOne = new GaussianDropout(0.1).rateSchedule(RateSchedule.linear(0, 1, 2));
    assertEquals("GaussianDropout: the rate schedule gave 1.0 at epoch 2, step 9; rate must be in"
        + " [0, 1)", assertThrows(IllegalArgumentException.class, () -> toOne.onSchedule(2, 9))
        .getMessage());
  }

  @Test
  void describesItself() {
    assertEquals("GaussianDropout[rate=0.2]", new GaussianDropout(0.2).toString());
    assertEquals("GaussianDropout[rate=0.2, noiseShape=(-1, 1, 4), seed=42]",
        new GaussianDropout(0.2, -1, 1, 4).seed(42).toString());
    assertEquals(List.of(), new GaussianDropout(0.2).getWeights());
    assertTrue(new GaussianDropout(0.2).getGradients().isEmpty());
    assertArrayEquals(new int[] {-1, 3}, new GaussianDropout(0.2).outputShape(-1, 3));
  }

  private static void assertArrayEquals(int[] expected, int[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
  }
}
