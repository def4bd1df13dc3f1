package io.github.dropnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RMSpropTest {
  @ParameterizedTest
  @ValueSource(strings = {"optimizer_rmsprop", "optimizer_rmsprop_momentum"})
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    assertEquals(false, f.boolAttr("centered"));
    RMSprop rms = new RMSprop(f.doubleAttr("lr"), f.doubleAttr("rho"), f.doubleAttr("momentum"),
        f.doubleAttr("epsilon"));
    OptimizerHarness.run(rms, f);
  }

  @Test
  void stepsByHand() {
    // rho 0.5: v1 = 0.5 * 4 = 2, s1 = 2 / sqrt(2); v2 = 1 + 2 = 3, s2 = 2 / sqrt(3)
    Tensor p = Tensor.of(new double[] {0}, 1);
    RMSprop rms = new RMSprop(0.1, 0.5, 0.5, 0);
    Tensor g = Tensor.of(new double[] {2}, 1);
    rms.step(List.of(p), List.of(g));
    double b1 = 2 / Math.sqrt(2);
    assertEquals(-0.1 * b1, p.get(0), 1e-15);
    rms.step(List.of(p), List.of(g));
    double b2 = 0.5 * b1 + 2 / Math.sqrt(3);
    assertEquals(-0.1 * b1 - 0.1 * b2, p.get(0), 1e-15);
  }

  @Test
  void epsilonIsOutsideTheRoot() {
    // rho 0: v = g^2 = 4, s = 2 / (2 + 1); Keras' rule would give 2 / sqrt(5)
    Tensor p = Tensor.of(new double[] {0}, 1);
    new RMSprop(1, 0, 0, 1).step(List.of(p), List.of(Tensor.of(new double[] {2}, 1)));
    assertEquals(-2.0 / 3, p.get(0), 1e-15);
  }

  @Test
  void zeroGradientsNeverGiveNaN() {
    for (double eps : new double[] {1e-7, 0}) {
      for (double momentum : new double[] {0, 0.9}) {
        Tensor p = Tensor.of(new double[] {1, 2}, 2);
        RMSprop rms = new RMSprop(0.1, 0.9, momentum, eps);
        rms.step(List.of(p), List.of(Tensor.zeros(2)));
        assertEquals(Tensor.of(new double[] {1, 2}, 2), p);
      }
    }
  }

  @Test
  void validatesHyperParameters() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RMSprop(0.1, 1.0, 0, 1e-7));
    assertEquals("RMSprop: rho must be in [0, 1), received 1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RMSprop(0.1, 0.9, -1, 1e-7));
    assertEquals("RMSprop: momentum must be a finite number >= 0, received -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new RMSprop(0.1, 0.9, 0, Double.NaN));
    assertEquals("RMSprop: epsilon must be a finite number >= 0, received NaN", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RMSprop(Double.NEGATIVE_INFINITY));
  }

  @Test
  void kerasDefaults() {
    RMSprop rms = new RMSprop(1e-3);
    assertEquals(0.9, rms.rho());
    assertEquals(0.0, rms.momentum());
    assertEquals(1e-7, rms.epsilon());
    assertEquals("RMSprop[lr=0.001, rho=0.9, momentum=0.0, epsilon=1.0E-7]", rms.toString());
  }
}
