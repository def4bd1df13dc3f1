package io.github.dropnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SGDTest {
  @ParameterizedTest
  @ValueSource(strings = {"optimizer_sgd", "optimizer_sgd_momentum", "optimizer_sgd_nesterov"})
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    SGD sgd = new SGD(f.doubleAttr("lr"), f.doubleAttr("momentum"), f.boolAttr("nesterov"));
    OptimizerHarness.run(sgd, f);
  }

  @Test
  void plainStepByHand() {
    Tensor p = Tensor.of(new double[] {1, 2}, 2);
    new SGD(0.5).step(List.of(p), List.of(Tensor.of(new double[] {2, -4}, 2)));
    assertEquals(Tensor.of(new double[] {0, 4}, 2), p);
  }

  @Test
  void momentumAndNesterovByHand() {
    // b1 = g1 = 1; b2 = 0.5 * 1 + 2 = 2.5
    Tensor p = Tensor.of(new double[] {0}, 1);
    SGD sgd = new SGD(0.1, 0.5, false);
    sgd.step(List.of(p), List.of(Tensor.of(new double[] {1}, 1)));
    assertEquals(-0.1, p.get(0), 1e-15);
    sgd.step(List.of(p), List.of(Tensor.of(new double[] {2}, 1)));
    assertEquals(-0.1 - 0.25, p.get(0), 1e-15);
    // Nesterov: d1 = 1 + 0.5 * 1 = 1.5; d2 = 2 + 0.5 * 2.5 = 3.25
    Tensor q = Tensor.of(new double[] {0}, 1);
    SGD nag = new SGD(0.1, 0.5, true);
    nag.step(List.of(q), List.of(Tensor.of(new double[] {1}, 1)));
    assertEquals(-0.15, q.get(0), 1e-15);
    nag.step(List.of(q), List.of(Tensor.of(new double[] {2}, 1)));
    assertEquals(-0.15 - 0.325, q.get(0), 1e-15);
  }

  @Test
  void zeroGradients() {
    Tensor p = Tensor.of(new double[] {1, -1}, 2);
    new SGD(0.1).step(List.of(p), List.of(Tensor.zeros(2)));
    assertEquals(Tensor.of(new double[] {1, -1}, 2), p);
    // with momentum the parameter keeps moving on a zero gradient: b2 = 0.9 * b1
    SGD sgd = new SGD(0.1, 0.9, false);
    Tensor q = Tensor.of(new double[] {0}, 1);
    sgd.step(List.of(q), List.of(Tensor.of(new double[] {1}, 1)));
    sgd.step(List.of(q), List.of(Tensor.zeros(1)));
    assertEquals(-0.1 - 0.09, q.get(0), 1e-15);
  }

  @Test
  void nesterovWithoutMomentumIsPlainSgd() {
    Tensor p = Tensor.of(new double[] {1}, 1);
    new SGD(0.5, 0, true).step(List.of(p), List.of(Tensor.of(new double[] {1}, 1)));
    assertEquals(0.5, p.get(0), 0);
  }

  @Test
  void validatesHyperParameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SGD(-0.1));
    assertEquals("SGD: lr must be a finite number >= 0, received -0.1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SGD(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new SGD(Double.POSITIVE_INFINITY));
    e = assertThrows(IllegalArgumentException.class, () -> new SGD(0.1, -0.5, false));
    assertEquals("SGD: momentum must be a finite number >= 0, received -0.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SGD(0.1, Double.NaN, true));
  }

  @Test
  void configuration() {
    SGD sgd = new SGD(0.01, 0.9, true);
    assertEquals(0.9, sgd.momentum());
    assertEquals(true, sgd.nesterov());
    assertEquals(0.01, sgd.learningRate());
    assertEquals("SGD[lr=0.01, momentum=0.9, nesterov=true]", sgd.toString());
    assertFalse(new SGD(1).nesterov());
  }
}
