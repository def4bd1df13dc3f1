package io.github.dropnet.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final Tensor SCORES = Tensor.of(new double[] {
      0.1, 0.7, 0.2,
      0.5, 0.2, 0.3,
      0.3, 0.3, 0.4,
      0.4, 0.4, 0.2}, 4, 3);

  @Test
  void categoricalComparesArgmaxes() {
    Tensor y = Tensor.of(new double[] {0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0}, 4, 3);
    // rows 0 and 2 right, row 1 wrong, row 3 a tie that goes to the first index (0), wrong
    assertEquals(0.5, Metrics.categoricalAccuracy(SCORES, y), 0);
    assertEquals(0.5, Metrics.accuracy(new CategoricalCrossentropy(true), SCORES, y), 0);
  }

  @Test
  void sparseComparesArgmaxWithTheIndex() {
    Tensor labels = Tensor.of(new double[] {1, 0, 2, 1}, 4);
    assertEquals(0.75, Metrics.sparseCategoricalAccuracy(SCORES, labels), 0);
    assertEquals(0.75, Metrics.sparseCategoricalAccuracy(SCORES, labels.reshape(4, 1)), 0);
    assertEquals(0.75, Metrics.accuracy(new SparseCategoricalCrossentropy(), SCORES, labels), 0);
    // a label that is no class index never matches
    assertEquals(0.5, Metrics.sparseCategoricalAccuracy(
        SCORES, Tensor.of(new double[] {1, 0.5, 2, 7}, 4)), 0);
  }

  @Test
  void binaryThresholdsProbabilitiesAtHalfAndLogitsAtZero() {
    Tensor p = Tensor.of(new double[] {0.9, 0.5, 0.2, 0.51}, 4);
    Tensor y = Tensor.of(new double[] {1, 1, 0, 0}, 4);
    assertEquals(0.5, Metrics.binaryAccuracy(p, y), 0);  // 0.5 is not > 0.5
    assertEquals(0.5, Metrics.accuracy(new BinaryCrossentropy(), p, y), 0);
    Tensor z = Tensor.of(new double[] {2, 0, -1, 0.01}, 4);
    assertEquals(0.5, Metrics.accuracy(new BinaryCrossentropy(true), z, y), 0);
    assertEquals(0.75, Metrics.binaryAccuracy(p, y, 0.55), 0);
  }

  @Test
  void accuracyIsDefinedForTheCrossEntropiesOnly() {
    assertTrue(Metrics.hasAccuracy(new BinaryCrossentropy()));
    assertFalse(Metrics.hasAccuracy(new MeanSquaredError()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.accuracy(new MeanSquaredError(), SCORES, SCORES));
    assertTrue(e.getMessage().contains("MeanSquaredError"), e.getMessage());
  }

  @Test
  void rejectsShapeMismatches() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.categoricalAccuracy(SCORES, Tensor.zeros(4, 2)));
    assertTrue(e.getMessage().contains("(4, 3)") && e.getMessage().contains("(4, 2)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.sparseCategoricalAccuracy(SCORES, Tensor.zeros(3)));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.binaryAccuracy(SCORES, Tensor.zeros(12)));
  }
}
