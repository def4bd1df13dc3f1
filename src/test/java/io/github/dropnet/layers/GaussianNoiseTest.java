package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static io.github.dropnet.layers.DropoutTest.nonZero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.NormalDraws;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

  // ---- Keras test_gaussian_noise_correctness ----

  @Test
  void kerasStddevIsTheArgumentAndTheNoiseHasMeanZero() {
    Tensor x = Tensor.ones(20, 500);
    Tensor y = new GaussianNoise(0.3).seed(1337).forward(x, true);
    assertEquals(0.3, Frozen.std(y), 0.02, "std");
    assertEquals(0.0, y.sub(x).mean(), 0.01, "noise mean");
  }

  @Test
  void stddevMustBeFiniteAndNonNegativeButMayExceedOne() {
    for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertEquals("GaussianNoise: stddev must be finite and >= 0, received " + bad,
          assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(bad))
              .getMessage());
    }
    Tensor y = new GaussianNoise(5).seed(3).forward(Tensor.zeros(100, 100), true);
    assertEquals(5, Frozen.std(y), 0.15);
  }

  @Test
  void theKthTrainingForwardAddsStddevTimesTheNormalsOfKeySeedK() {
    GaussianNoise n = new GaussianNoise(0.7).seed(21);
    Tensor x = nonZero(1, 5, 3);
    for (int k = 0; k < 3; k++) {
      Tensor y = n.forward(x, true);
      long key = Rng.key(21, k);
      for (int i = 0; i < 15; i++) {
        assertEquals(x.data()[i] + 0.7 * NormalDraws.normal(key, i), y.data()[i], 0.0);
      }
    }
  }

  @Test
  void inferenceAndZeroStddevAreTheIdentityAndDrawNothing() {
    Tensor x = nonZero(2, 4, 4);
    GaussianNoise n = new GaussianNoise(0.5).seed(1);
    assertSame(x, n.forward(x, false));
    assertEquals(0, n.calls());
    GaussianNoise zero = new GaussianNoise(0).seed(1);
    assertSame(x, zero.forward(x, true));
    assertEquals(0, zero.calls());
  }

  @Test
  void theGradientIsTheIdentity() {
    GaussianNoise n = new GaussianNoise(0.5).seed(1);
    Tensor x = nonZero(2, 3, 4);
    n.forward(x, true);
    Tensor dy = nonZero(3, 3, 4);
    assertSame(dy, n.backward(dy));
    assertSame(dy, n.backward(dy), "nothing to release: backward may repeat");
    GradientCheck.check(Frozen.training(new GaussianNoise(0.5), 4), x, 1);
    GradientCheck.check(new GaussianNoise(0.5), x, 2);
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> n.backward(Tensor.ones(4, 3))), "GaussianNoise", "(3, 4)", "(4, 3)");
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> new GaussianNoise(0.5).backward(dy)), "GaussianNoise", "before forward");
  }

  @Test
  void sameSeedSameSequenceSuccessiveCallsDifferAndReseedRestarts() {
    Tensor x = Tensor.zeros(8, 8);
    GaussianNoise a = new GaussianNoise(1).seed(4);
    Tensor first = a.forward(x, true);
    Tensor second = a.forward(x, true);
    assertNotEquals(first, second, "Monte Carlo: each training forward draws anew");
    assertEquals(first, new GaussianNoise(1).seed(4).forward(x, true));
    a.reseed(4);
    assertEquals(first, a.forward(x, true));
    assertEquals(second, a.forward(x, true));
    assertNotEquals(new GaussianNoise(1).forward(x, true), new GaussianNoise(1).forward(x, true));
  }

  @Test
  void describesItselfAndValidatesItsSetters() {
    assertEquals("GaussianNoise[stddev=0.1]", new GaussianNoise(0.1).toString());
    assertEquals("GaussianNoise[stddev=0.1, seed=7]", new GaussianNoise(0.1).seed(7).toString());
    assertEquals(List.of(), new GaussianNoise(0.1).getWeights());
    GaussianNoise built = new GaussianNoise(0.1);
    built.build(1, 2);
    assertThrows(IllegalStateException.class, () -> built.seed(3));
    assertThrows(IllegalArgumentException.class, () -> built.setWeights(List.of(Tensor.ones(1))));
  }
}
