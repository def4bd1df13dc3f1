package io.github.dropnet.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;

/** Tensor comparisons for tests, with the fixtures' tolerance. */
public final class TensorAssert {
  private TensorAssert() {}

  /** The fixtures' tolerance: {@code |actual - expected| <= 1e-9 + 1e-7 * |expected|}. */
  public static void assertClose(Tensor expected, Tensor actual, String what) {
    assertClose(expected, actual, 1e-9, 1e-7, what);
  }

  /** Same shape, and every element within {@code abs + rel * |expected|}. */
  public static void assertClose(
      Tensor expected, Tensor actual, double abs, double rel, String what) {
    assertArrayEquals(
        expected.shape(), actual.shape(),
        what + ": shape " + Shapes.format(actual.shape()) + " != expected "
            + Shapes.format(expected.shape()));
    double[] e = expected.data();
    double[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      if (!(Math.abs(a[i] - e[i]) <= abs + rel * Math.abs(e[i]))) {
        fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (difference "
            + Math.abs(a[i] - e[i]) + ")");
      }
    }
  }
}
