package io.github.dropnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdamTest {
  @ParameterizedTest
  @ValueSource(strings = {"optimizer_adam", "optimizer_adam_large_epsilon"})
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    Adam adam = new Adam(f.doubleAttr("lr"), f.doubleAttr("beta_1"), f.doubleAttr("beta_2"),
        f.doubleAttr("epsilon"));
    OptimizerHarness.run(adam, f);
  }

  @Test
  void firstStepMovesByAboutLrTimesTheSign() {
    // m_hat = g and v_hat = g^2 after one step, so the update is lr * g / |g| for epsilon 0
    Tensor p = Tensor.of(new double[] {0, 0}, 2);
    new Adam(0.1, 0.9, 0.999, 0).step(List.of(p), List.of(Tensor.of(new double[] {2, -3}, 2)));
    assertEquals(-0.1, p.get(0), 1e-15);
    assertEquals(0.1, p.get(1), 1e-15);
  }

  @Test
  void epsilonGoesOnTheBiasCorrectedRoot() {
    // one step, g = 1, lr = 1, epsilon = 1: PyTorch gives 1 / (1 + 1); Keras' rule would give
    // sqrt(1 - b2) / (1 - b1) * (1 - b1) / (sqrt(1 - b2) + 1) = 0.1 / 1.1 for b2 = 0.99
    Tensor p = Tensor.of(new double[] {0}, 1);
    new Adam(1, 0.9, 0.99, 1).step(List.of(p), List.of(Tensor.of(new double[] {1}, 1)));
    assertEquals(-0.5, p.get(0), 1e-15);
  }

  @Test
  void zeroGradientsLeaveTheParameterAndNeverGiveNaN() {
    for (double eps : new double[] {1e-7, 0}) {
      Tensor p = Tensor.of(new double[] {1, 2}, 2);
      Adam adam = new Adam(0.1, 0.9, 0.999, eps);
      adam.step(List.of(p), List.of(Tensor.zeros(2)));
      adam.step(List.of(p), List.of(Tensor.zeros(2)));
      assertEquals(Tensor.of(new double[] {1, 2}, 2), p, "epsilon " + eps);
    }
    // after a non-zero gradient, a zero one still moves the parameter (momentum)
    Tensor q = Tensor.of(new double[] {0}, 1);
    Adam adam = new Adam(0.1);
    adam.step(List.of(q), List.of(Tensor.of(new double[] {1}, 1)));
    double after1 = q.get(0);
    adam.step(List.of(q), List.of(Tensor.zeros(1)));
    assertTrue(q.get(0) < after1, "moved on " + q.get(0));
  }

  @Test
  void validatesHyperParameters() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Adam(0.1, 1.0, 0.999, 1e-7));
    assertEquals("Adam: beta1 must be in [0, 1), received 1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, -0.1, 1e-7));
    assertEquals("Adam: beta2 must be in [0, 1), received -0.1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.999, -1e-7));
    assertEquals("Adam: epsilon must be a finite number >= 0, received -1.0E-7", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
    assertEquals("Adam: lr must be a finite number >= 0, received -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, Double.NaN, 0.999, 1e-7));
  }

  @Test
  void kerasDefaults() {
    Adam adam = new Adam(1e-3);
    assertEquals(0.9, adam.beta1());
    assertEquals(0.999, adam.beta2());
    assertEquals(1e-7, adam.epsilon());
    assertEquals("Adam[lr=0.001, beta1=0.9, beta2=0.999, epsilon=1.0E-7]", adam.toString());
  }
}
