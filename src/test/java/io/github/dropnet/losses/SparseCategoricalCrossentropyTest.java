package io.github.dropnet.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.TensorAssert;
import org.junit.jupiter.api.Test;

class SparseCategoricalCrossentropyTest {
  private final Loss probs = new SparseCategoricalCrossentropy(false);
  private final Loss logits = new SparseCategoricalCrossentropy(true);

  private static final Tensor LABELS = Tensor.of(new double[] {1, 3, 0, 2, 3}, 5);

  private static Tensor oneHot(Tensor labels, int k) {
    Tensor t = Tensor.zeros(labels.size(), k);
    for (int r = 0; r < labels.size(); r++) {
      t.set(1.0, r, (int) labels.get(r));
    }
    return t;
  }

  @Test
  void matchesFixtureOnLogits() {
    Fixture f = Fixture.load("loss_sparse_categorical_crossentropy");
    assertTrue(f.boolAttr("from_logits"));
    LossHarness.checkFixture(logits, f);
  }

  @Test
  void equalsCategoricalCrossentropyOnOneHotTargets() {
    Tensor z = LossHarness.uniform(11, -3, 3, 5, 4);
    Tensor p = LossHarness.uniform(12, 0.05, 0.95, 5, 4);
    Tensor y = oneHot(LABELS, 4);
    Loss cceLogits = new CategoricalCrossentropy(true);
    Loss cceProbs = new CategoricalCrossentropy(false);
    assertEquals(cceLogits.compute(z, y), logits.compute(z, LABELS), 1e-14);
    assertEquals(cceProbs.compute(p, y), probs.compute(p, LABELS), 1e-14);
    TensorAssert.assertClose(cceLogits.gradient(z, y), logits.gradient(z, LABELS), "logits");
    TensorAssert.assertClose(cceProbs.gradient(p, y), probs.gradient(p, LABELS), "probs");
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    LossHarness.checkGradient(
        "sparse logits", logits, LossHarness.uniform(13, -3, 3, 5, 4), LABELS);
    LossHarness.checkGradient(
        "sparse probs", probs, LossHarness.uniform(14, 0.1, 0.9, 5, 4), LABELS);
  }

  @Test
  void acceptsLabelsWithATrailingAxisOfOne() {
    Tensor z = LossHarness.uniform(15, -3, 3, 5, 4);
    assertEquals(logits.compute(z, LABELS), logits.compute(z, LABELS.reshape(5, 1)), 0);
    assertEquals(logits.gradient(z, LABELS), logits.gradient(z, LABELS.reshape(5, 1)));
  }

  @Test
  void largeLogitsStayFinite() {
    Tensor z = Tensor.of(new double[] {1000, -1000, 0, -1000, 1000, -1000}, 2, 3);
    Tensor labels = Tensor.of(new double[] {1, 1}, 2);
    LossHarness.assertFinite(logits, z, labels);
    assertEquals(1000.0, logits.compute(z, labels), 1e-12);  // (2000 + 0) / 2
  }

  @Test
  void clipsProbabilities() {
    Tensor p = Tensor.of(new double[] {0, 1, 0.25, 0.75}, 2, 2);
    Tensor labels = Tensor.of(new double[] {0, 1}, 2);
    assertEquals(-Math.log(1e-7) / 2 - Math.log(0.75) / 2, probs.compute(p, labels), 1e-12);
    assertEquals(Tensor.of(new double[] {0, 0, 0, -1 / (2 * 0.75)}, 2, 2),
        probs.gradient(p, labels));
  }

  @Test
  void rejectsLabelsThatAreNotClassIndicesNamingLabelAndRow() {
    Tensor z = Tensor.zeros(3, 4);
    for (double bad : new double[] {4, -1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      Tensor labels = Tensor.of(new double[] {0, 3, bad}, 3);
      for (Loss loss : new Loss[] {probs, logits}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> loss.compute(z, labels));
        assertEquals("SparseCategoricalCrossentropy: label " + bad + " at row 2 is not a class"
            + " index: expected an integer in [0, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loss.gradient(z, labels));
      }
    }
  }

  @Test
  void rejectsShapeMismatchNamingBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> logits.compute(Tensor.zeros(3, 4), Tensor.zeros(3, 4)));
    assertTrue(e.getMessage().startsWith("SparseCategoricalCrossentropy:"), e.getMessage());
    assertTrue(e.getMessage().contains("(3, 4)") && e.getMessage().contains("(3,)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> logits.compute(Tensor.zeros(3, 4), Tensor.zeros(4)));
    assertThrows(IllegalArgumentException.class,
        () -> logits.gradient(Tensor.zeros(3, 4), Tensor.zeros(3, 2)));
  }

  @Test
  void configuration() {
    assertFalse(new SparseCategoricalCrossentropy().fromLogits());
    assertEquals("SparseCategoricalCrossentropy[fromLogits=false]", probs.toString());
  }
}
