package io.github.dropnet.data;

import static io.github.dropnet.data.IdxTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import org.junit.jupiter.api.Test;

class LabelsTest {

  private static Tensor labels(double... values) {
    return Tensor.of(values, values.length);
  }

  @Test
  void oneHotSetsOneColumnPerRow() {
    Tensor t = Labels.oneHot(labels(2, 0, 1, 2), 3);
    assertArrayEquals(new int[] {4, 3}, t.shape());
    assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, t.toArray());
    assertArrayEquals(new int[] {0, 5}, Labels.oneHot(labels(), 5).shape());
    assertArrayEquals(new double[] {1}, Labels.oneHot(labels(-0.0), 1).toArray());
  }

  @Test
  void oneHotNamesTheBadRow() {
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(0, 1, 2.5), 3)),
        "Labels.oneHot", "row 2", "2.5", "an integer in [0, 3)");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(0, 3), 3)), "row 1", "is 3.0");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(-1), 3)), "row 0", "-1.0");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(1, Double.NaN), 3)), "row 1", "NaN");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(Double.POSITIVE_INFINITY), 3)), "Infinity");
  }

  @Test
  void oneHotRejectsBadShapesAndClassCounts() {
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(Tensor.zeros(4, 1), 3)), "shape (N,)", "(4, 1)");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(labels(0), 0)), "classes must be >= 1, received 0");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(null, 3)), "Labels.oneHot: labels must not be null");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.argmax(null)), "Labels.argmax: scores must not be null");
    // checked before anything is allocated for the classes
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.counts(null, 1_500_000_000)), "Labels.counts: labels must not be null");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.oneHot(Tensor.zeros(3), 1_000_000_000)),
        "Labels.oneHot: shape (3, 1000000000) has more than 2147483647 elements");
  }

  @Test
  void argmaxTakesTheFirstLargestOfTheLastAxis() {
    Tensor scores = Tensor.of(new double[] {
        0.1, 0.7, 0.2,
        3, 3, 1,
        -5, -4, -4,
        1, Double.NaN, 9}, 4, 3);
    assertArrayEquals(new double[] {1, 0, 1, 1}, Labels.argmax(scores).toArray());
    assertArrayEquals(new int[] {4}, Labels.argmax(scores).shape());

    Tensor batched = Tensor.of(new double[] {0, 1, 1, 0, 5, 2, 2, 9}, 2, 2, 2);
    assertArrayEquals(new int[] {2, 2}, Labels.argmax(batched).shape());
    assertArrayEquals(new double[] {1, 0, 0, 1}, Labels.argmax(batched).toArray());

    Tensor oneHot = Labels.oneHot(labels(4, 0, 9, 3), 10);
    assertArrayEquals(new double[] {4, 0, 9, 3}, Labels.argmax(oneHot).toArray());

    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.argmax(Tensor.zeros(3, 0))), "(3, 0)");
    assertThrows(IllegalArgumentException.class, () -> Labels.argmax(Tensor.scalar(1)));
  }

  @Test
  void countsPerClass() {
    assertArrayEquals(new int[] {2, 0, 1, 0}, Labels.counts(labels(0, 2, 0), 4));
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Labels.counts(labels(0, 4), 4)), "Labels.counts", "row 1");
  }
}
