package io.github.dropnet.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.TensorAssert;
import org.junit.jupiter.api.Test;

class CategoricalCrossentropyTest {
  private final Loss probs = new CategoricalCrossentropy(false);
  private final Loss logits = new CategoricalCrossentropy(true);

  @Test
  void matchesFixtureOnProbabilities() {
    Fixture f = Fixture.load("loss_categorical_crossentropy");
    assertFalse(f.boolAttr("from_logits"));
    LossHarness.checkFixture(probs, f);
  }

  @Test
  void matchesFixtureThroughFusedSoftmax() {
    LossHarness.checkLogits(logits, Fixture.load("loss_categorical_crossentropy"));
  }

  @Test
  void gradientMatchesFiniteDifferencesOnProbabilities() {
    Tensor p = LossHarness.uniform(3, 0.1, 0.9, 5, 4);
    LossHarness.checkGradient("cce one-hot", probs, p, LossHarness.oneHot(5, 4, 1));
    LossHarness.checkGradient("cce soft", probs, p, LossHarness.uniform(4, 0, 1, 5, 4));
  }

  @Test
  void gradientMatchesFiniteDifferencesOnLogits() {
    Tensor z = LossHarness.uniform(5, -3, 3, 6, 3);
    LossHarness.checkGradient("cce logits one-hot", logits, z, LossHarness.oneHot(6, 3, 2));
    // targets that do not sum to 1: the gradient is softmax * sum(y) - y
    LossHarness.checkGradient(
        "cce logits soft", logits, z, LossHarness.uniform(6, 0, 1, 6, 3));
  }

  @Test
  void ranksAboveTwoAverageOverEveryRow() {
    Tensor z = LossHarness.uniform(7, -2, 2, 2, 3, 4);
    Tensor y = LossHarness.oneHot(6, 4, 0).reshape(2, 3, 4);
    assertEquals(logits.compute(z.reshape(6, 4), y.reshape(6, 4)), logits.compute(z, y), 1e-15);
    TensorAssert.assertClose(logits.gradient(z.reshape(6, 4), y.reshape(6, 4)).reshape(2, 3, 4),
        logits.gradient(z, y), "rank 3 gradient");
  }

  @Test
  void largeLogitsStayFinite() {
    Tensor z = Tensor.of(new double[] {1000, -1000, 0, -1000, 1000, 999, 0, 0, -1000}, 3, 3);
    Tensor y = Tensor.of(new double[] {0, 1, 0, 1, 0, 0, 0, 0, 1}, 3, 3);
    LossHarness.assertFinite(logits, z, y);
    // logsumexp - target logit per row: 1000 + 1000; 1000 + log1p(e^-1) + 1000; log(2) + 1000
    double expected = (2000 + (2000 + Math.log1p(Math.exp(-1))) + (Math.log(2) + 1000)) / 3;
    assertEquals(expected, logits.compute(z, y), 1e-9);
    Tensor g = logits.gradient(z, y);
    assertEquals(1.0 / 3, g.get(0, 0), 1e-15);
    assertEquals(-1.0 / 3, g.get(0, 1), 1e-15);
    assertEquals(0.0, g.get(0, 2), 0);
  }

  @Test
  void clipsProbabilitiesAsKerasWithZeroGradientWhereClipped() {
    Tensor p = Tensor.of(new double[] {0, 1, 0.5, 0.5}, 2, 2);
    Tensor y = Tensor.of(new double[] {1, 0, 1, 0}, 2, 2);
    assertEquals((-Math.log(1e-7) - Math.log(0.5)) / 2, probs.compute(p, y), 1e-12);
    Tensor g = probs.gradient(p, y);
    assertEquals(0.0, g.get(0, 0));
    assertEquals(0.0, g.get(0, 1));
    assertEquals(-1.0 / (2 * 0.5), g.get(1, 0), 1e-15);
    LossHarness.assertFinite(probs, p, y);
  }

  @Test
  void rejectsShapeMismatchNamingBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> logits.compute(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
    assertTrue(e.getMessage().startsWith("CategoricalCrossentropy:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(2, 4)"),
        e.getMessage());
    assertEquals("CategoricalCrossentropy: yPred and yTrue must have the same shape (one-hot"
        + " targets), received yPred (2, 3) and yTrue (2,); for class indices use"
        + " SparseCategoricalCrossentropy, or one-hot them with Labels.oneHot",
        assertThrows(IllegalArgumentException.class,
            () -> probs.gradient(Tensor.zeros(2, 3), Tensor.zeros(2))).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> probs.compute(Tensor.scalar(0.5), Tensor.scalar(1)));
    assertThrows(IllegalArgumentException.class,
        () -> probs.compute(Tensor.zeros(2, 0), Tensor.zeros(2, 0)));
  }

  @Test
  void rejectsTargetsThatAreNotProbabilitiesNamingThem() {
    for (double bad : new double[] {-1, 1.5, Double.NaN}) {
      Tensor y = Tensor.of(new double[] {0, 1, 0, bad, 0, 0}, 2, 3);
      for (Loss loss : new Loss[] {probs, logits}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> loss.compute(Tensor.full(0.25, 2, 3), y));
        assertEquals("CategoricalCrossentropy: expected targets in [0, 1], received yTrue (2, 3)"
            + " holding " + bad + " at flat index 3", e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> loss.gradient(Tensor.full(0.25, 2, 3), y));
      }
    }
  }

  @Test
  void configuration() {
    assertFalse(new CategoricalCrossentropy().fromLogits());
    assertTrue(new CategoricalCrossentropy(true).fromLogits());
    assertEquals("CategoricalCrossentropy[fromLogits=true]", logits.toString());
    assertEquals(new CategoricalCrossentropy(true), logits);
    assertFalse(logits.equals(probs));
  }
}
