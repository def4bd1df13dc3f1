package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.losses.BinaryCrossentropy;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.losses.SparseCategoricalCrossentropy;
import io.github.dropnet.optimizers.SGD;
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
    Tensor logits = Tensor.of(new double[] {2, -1, -3, 0.1}, 4, 1);
    assertEquals(0.5, Metric.binaryAccuracy(0).compute(logits, y));
    assertEquals(0.75, Metric.binaryAccuracy(0.05).compute(Tensor.of(new double[] {0.1, 0.2, 0.01, 0.06}, 4, 1), Tensor.of(new double[] {1, 1, 0, 0}, 4, 1)));
    assertEquals("Metric.binaryAccuracy: threshold must be a number, received NaN",
        assertThrows(IllegalArgumentException.class, () -> Metric.binaryAccuracy(Double.NaN))
            .getMessage());
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
    assertTrue(e.getMessage().contains("(4, 3)") && e.getMessage().contains("(4, 2)"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Metric.sparseCategoricalAccuracy().compute(PROBS, Tensor.zeros(3)));
  }

  private static Metric compiledAccuracy(io.github.dropnet.losses.Loss loss) {
    Sequential model = new Sequential();
    model.compile(new SGD(0.1), loss, Metric.accuracy(), Metric.binaryAccuracy());
    assertEquals("accuracy", model.metrics().get(0).name());
    assertEquals(Metric.binaryAccuracy(), model.metrics().get(1), "only accuracy() follows the loss");
    return model.metrics().get(0);
  }

  @Test
  void accuracyFollowsACrossEntropyLoss() {
    Tensor logits = Tensor.of(new double[] {2, -1, -3, 0.1}, 4, 1);
    Tensor y = Tensor.of(new double[] {1, 1, 0, 0}, 4, 1);
    // on logits the decision is z > 0: 2 and -3 right, -1 and 0.1 wrong
    assertEquals(0.5, compiledAccuracy(new BinaryCrossentropy(true)).compute(logits, y));
    assertEquals(0.75, compiledAccuracy(new BinaryCrossentropy(false)).compute(logits, y),
        "0.5 on probabilities: 0.1 counts as 0");
    // a one-column sparse target with one-column predictions would look binary by shape alone
    Tensor twoClass = Tensor.of(new double[] {0.9, 0.1, 0.2, 0.8}, 2, 2);
    Tensor labels = Tensor.of(new double[] {0, 1}, 2);
    assertEquals(1.0, compiledAccuracy(new SparseCategoricalCrossentropy(false)).compute(twoClass, labels));
    assertEquals(0.5, compiledAccuracy(new MeanSquaredError())
        .compute(Tensor.of(new double[] {0.9, 0.2}, 2, 1), Tensor.of(new double[] {1, 1}, 2, 1)),
        "other losses: from the shapes");
  }
}
