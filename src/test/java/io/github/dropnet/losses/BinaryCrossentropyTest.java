package io.github.dropnet.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

class BinaryCrossentropyTest {
  private final Loss probs = new BinaryCrossentropy(false);
  private final Loss logits = new BinaryCrossentropy(true);

  private static Tensor labels(long seed, int... shape) {
    Tensor t = GradientCheck.random(seed, shape);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = d[i] > 0 ? 1 : 0;
    }
    return t;
  }

  @Test
  void matchesFixtureOnProbabilities() {
    Fixture f = Fixture.load("loss_binary_crossentropy");
    assertFalse(f.boolAttr("from_logits"));
    LossHarness.checkFixture(probs, f);
  }

  @Test
  void matchesFixtureThroughFusedSigmoid() {
    LossHarness.checkLogits(logits, Fixture.load("loss_binary_crossentropy"));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Tensor y = labels(21, 4, 3);
    LossHarness.checkGradient("bce probs", probs, LossHarness.uniform(22, 0.1, 0.9, 4, 3), y);
    LossHarness.checkGradient("bce logits", logits, LossHarness.uniform(23, -4, 4, 4, 3), y);
    Tensor soft = LossHarness.uniform(24, 0, 1, 2, 5);
    LossHarness.checkGradient(
        "bce probs soft", probs, LossHarness.uniform(25, 0.1, 0.9, 2, 5), soft);
    LossHarness.checkGradient(
        "bce logits soft", logits, LossHarness.uniform(26, -4, 4, 2, 5), soft);
  }

  @Test
  void largeLogitsStayFinite() {
    Tensor z = Tensor.of(new double[] {1000, -1000, 1000, -1000}, 4);
    Tensor y = Tensor.of(new double[] {1, 0, 0, 1}, 4);
    LossHarness.assertFinite(logits, z, y);
    assertEquals(2000.0 / 4, logits.compute(z, y), 1e-12);
    assertEquals(Tensor.of(new double[] {0, 0, 0.25, -0.25}, 4), logits.gradient(z, y));
  }

  @Test
  void clipsProbabilitiesWithZeroGradientWhereClipped() {
    Tensor p = Tensor.of(new double[] {0, 1, 0.5}, 3);
    Tensor y = Tensor.of(new double[] {1, 0, 1}, 3);
    assertEquals((-2 * Math.log(1e-7) - Math.log(0.5)) / 3, probs.compute(p, y), 1e-9);
    Tensor g = probs.gradient(p, y);
    assertEquals(0.0, g.get(0));
    assertEquals(0.0, g.get(1));
    assertEquals(-2.0 / 3, g.get(2), 1e-15);
    LossHarness.assertFinite(probs, p, y);
  }

  @Test
  void meanOverAllElementsOfAnyShape() {
    Tensor z = LossHarness.uniform(27, -2, 2, 2, 3, 2);
    Tensor y = labels(28, 2, 3, 2);
    assertEquals(logits.compute(z.reshape(12), y.reshape(12)), logits.compute(z, y), 1e-15);
  }

  @Test
  void rejectsShapeMismatchNamingBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> probs.compute(Tensor.zeros(4, 1), Tensor.zeros(4)));
    // (N,) targets against a Dense(1) output: Keras reshapes them, dropnet says how to
    assertEquals("BinaryCrossentropy: yPred and yTrue must have the same shape, received yPred"
        + " (4, 1) and yTrue (4,); reshape yTrue to (4, 1) to match", e.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> logits.gradient(Tensor.zeros(4, 1), Tensor.zeros(1, 4)));
    assertEquals("BinaryCrossentropy: yPred and yTrue must have the same shape, received yPred"
        + " (4, 1) and yTrue (1, 4)", other.getMessage());
  }

  @Test
  void rejectsTargetsThatAreNotProbabilitiesNamingThem() {
    for (double bad : new double[] {2, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      Tensor y = Tensor.of(new double[] {0, 1, bad}, 3, 1);
      for (Loss loss : new Loss[] {probs, logits}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> loss.compute(Tensor.full(0.5, 3, 1), y));
        assertEquals("BinaryCrossentropy: expected targets in [0, 1], received yTrue (3, 1)"
            + " holding " + bad + " at flat index 2", e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> loss.gradient(Tensor.full(0.5, 3, 1), y));
      }
    }
    // soft labels are probabilities too
    assertTrue(Double.isFinite(probs.compute(Tensor.full(0.5, 2), Tensor.full(0.3, 2))));
  }

  @Test
  void configuration() {
    assertFalse(new BinaryCrossentropy().fromLogits());
    assertTrue(logits.toString().contains("fromLogits=true"));
  }
}
