package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import org.junit.jupiter.api.Test;

class MetricTest {
  private static final Tensor PROBS = Tensor.of(new double[] {
      0.1, 0.7, 0.2,
      0.5, 0.2, 0.3,
      0.3, 0.3, 0.4,
      0.2, 0.2, 0.6}, 4, 3);

  @Test
  void categoricalAccuracyComparesArgMaxes() {
    Tensor oneHot = Tensor.of(new double[] {0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0}, 4, 3);
    assertEquals(0.5, Metric.categoricalAccuracy().compute(PROBS, oneHot));
    assertEquals(0.5, Metric.accuracy().compute(PROBS, oneHot), "one-hot targets: categorical");
  }

  @Test
  void sparseAccuracyComparesWithClassIndices() {
    Tensor labels = Tensor.of(new double[] {1, 0, 2, 0}, 4);
    assertEquals(0.75, Metric.sparseCategoricalAccuracy().compute(PROBS, labels));
    assertEquals(0.75, Metric.accuracy().compute(PROBS, labels), "rank-1 targets: sparse");
    assertEquals(0.75, Metric.accuracy().compute(PROBS, labels.reshape(4, 1)), "one column: sparse");
  }

  @Test
  void tiesGoToTheFirstLargest() {
    Tensor tie = Tensor.of(new double[] {0.4, 0.4, 0.2}, 1, 3);
    assertEquals(1.0, Metric.sparseCategoricalAccuracy().compute(tie, Tensor.of(new double[] {0}, 1)));
  }

  @Test
  void binaryAccuracyThresholdsAtOneHalf() {
    Tensor p = Tensor.of(new double[] {0.9, 0.5, 0.2, 0.51}, 4, 1);
    Tensor y = Tensor.of(new double[] {1, 1, 0, 0}, 4, 1);
    assertEquals(0.5, Metric.binaryAccuracy().compute(p, y), "0.5 is not above the threshold");
    assertEquals(0.5, Metric.accuracy().compute(p, y), "one prediction column: binary");
    assertEquals(0.5, Metric.accuracy().compute(p, y.reshape(4)));
    Tensor logits = Tensor.of(new double[] {2, -1, -3, 0.1}, 4, 1);
    assertEquals(0.5, Metric.binaryAccuracy(0).compute(logits, y));
    assertEquals(0.75, Metric.binaryAccuracy(0.05).compute(Tensor.of(new double[] {0.1, 0.2, 0.01, 0.06}, 4, 1), Tensor.of(new double[] {1, 1, 0, 0}, 4, 1)));
  }

  @Test
  void namesFollowKeras() {
    assertEquals("accuracy", Metric.accuracy().name());
    assertEquals("acc", Metric.named("acc").name());
    assertEquals("categorical_accuracy", Metric.named("categorical_accuracy").name());
    assertEquals("sparse_categorical_accuracy", Metric.named("sparse_categorical_accuracy").name());
    assertEquals("binary_accuracy", Metric.named("binary_accuracy").name());
    assertTrue(Metric.accuracy().higherIsBetter());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metric.named("f1"));
    assertTrue(e.getMessage().endsWith("received \"f1\""), e.getMessage());
  }

  @Test
  void shapeMismatchesAreReported() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> Metric.categoricalAccuracy().compute(PROBS, Tensor.zeros(4, 2)));
    assertEquals(
        "categorical_accuracy: expected one-hot targets of the predictions' shape, received "
            + "y_pred (4, 3) and y_true (4, 2)",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Metric.sparseCategoricalAccuracy().compute(PROBS, Tensor.zeros(3)));
  }
}
