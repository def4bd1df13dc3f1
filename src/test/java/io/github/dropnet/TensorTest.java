package io.github.dropnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TensorTest {

  @Test
  void ofCopiesAndKeepsRowMajorOrder() {
    double[] src = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.of(src, 2, 3);
    src[0] = 99;
    assertEquals(1.0, t.get(0, 0));
    assertEquals(6.0, t.get(1, 2));
    assertEquals(4.0, t.get(1, 0));
    assertArrayEquals(new int[] {2, 3}, t.shape());
    assertEquals(2, t.rank());
    assertEquals(6, t.size());
  }

  @Test
  void ofRejectsSizeMismatchNamingTheShape() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3));
    assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    assertTrue(e.getMessage().contains("5"), e.getMessage());
  }

  @Test
  void badShapesAreRefusedNamingTheMethod() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1));
    assertEquals("Tensor.zeros: shape (-1,) has a negative dimension; expected sizes >= 0",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(100_000, 100_000));
    assertEquals("Tensor.ones: shape (100000, 100000) has more than 2147483647 elements",
        e.getMessage());
    // a zero anywhere makes the product 0, however large the rest
    assertEquals(0, Tensor.full(1, 100_000, 100_000, 0).size());
    e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new double[4], 3));
    assertEquals("Tensor.wrap: shape (3,) needs 3 values, received 4", e.getMessage());
  }

  @Test
  void reshapeRefusesAShapeWhoseProductWrapsAround() {
    // 65536^4 = 2^64 is 0 in a long: the empty tensor must not take that shape
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(0).reshape(65536, 65536, 65536, 65536));
    assertTrue(e.getMessage().startsWith("Tensor.reshape: cannot reshape (0,)"), e.getMessage());
    assertArrayEquals(new int[] {65536, 65536, 0},
        Tensor.zeros(0).reshape(65536, 65536, -1).shape());
  }

  @Test
  void matmulRefusesAProductTooLargeForOneArray() {
    Tensor a = Tensor.zeros(65536, 0);
    Tensor b = Tensor.zeros(0, 65536);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    assertTrue(e.getMessage().startsWith("Tensor.matmul: shape (65536, 65536) has more than"),
        e.getMessage());
  }

  @Test
  void nullArgumentsAreRefusedNamingTheMethod() {
    Tensor t = Tensor.ones(2);
    String[] messages = {
        "Tensor.of: data must not be null",
        "Tensor.wrap: data must not be null",
        "Tensor.zeros: shape must not be null",
        "Tensor.of: shape must not be null",
        "Tensor.reshape: the new shape must not be null",
        "Tensor: the index must not be null",
        "Tensor.add: the other tensor must not be null",
        "Tensor.matmul: the other tensor must not be null",
    };
    Executable[] calls = {
        () -> Tensor.of(null, 2),
        () -> Tensor.wrap(null, 2),
        () -> Tensor.zeros((int[]) null),
        () -> Tensor.of(new double[2], (int[]) null),
        () -> t.reshape((int[]) null),
        () -> t.get((int[]) null),
        () -> t.add(null),
        () -> t.matmul(null),
    };
    for (int i = 0; i < calls.length; i++) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, calls[i]);
      assertEquals(messages[i], e.getMessage());
    }
  }

  @Test
  void shapeAndToArrayAreCopies() {
    Tensor t = Tensor.zeros(2, 2);
    t.shape()[0] = 7;
    t.toArray()[0] = 7;
    assertArrayEquals(new int[] {2, 2}, t.shape());
    assertEquals(0.0, t.get(0, 0));
  }

  @Test
  void zerosAndOnes() {
    assertEquals(0.0, Tensor.zeros(3, 4).sum());
    assertEquals(12.0, Tensor.ones(3, 4).sum());
    assertEquals(1, Tensor.zeros().size());
    assertEquals(0, Tensor.zeros(0, 4).size());
  }

  @Test
  void setWritesTheElement() {
    Tensor t = Tensor.zeros(2, 3, 4);
    t.set(5.0, 1, 2, 3);
    assertEquals(5.0, t.data()[1 * 12 + 2 * 4 + 3]);
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 0));
  }

  @Test
  void reshapeInfersOneAxisAndSharesData() {
    Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor r = t.reshape(3, -1);
    assertArrayEquals(new int[] {3, 2}, r.shape());
    assertEquals(3.0, r.get(1, 0));
    r.set(42, 0, 0);
    assertEquals(42.0, t.get(0, 0));
    assertThrows(IllegalArgumentException.class, () -> t.reshape(4, -1));
    assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.reshape(5));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(5,)"),
        e.getMessage());
  }

  @Test
  void elementwiseSameShape() {
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor b = Tensor.of(new double[] {10, 20, 30, 40}, 2, 2);
    assertArrayEquals(new double[] {11, 22, 33, 44}, a.add(b).toArray());
    assertArrayEquals(new double[] {9, 18, 27, 36}, b.sub(a).toArray());
    assertArrayEquals(new double[] {10, 40, 90, 160}, a.mul(b).toArray());
    assertArrayEquals(new double[] {10, 10, 10, 10}, b.div(a).toArray());
    assertArrayEquals(new double[] {2, 4, 6, 8}, a.mul(2).toArray());
    assertArrayEquals(new double[] {1, 2, 3, 4}, a.toArray(), "operands unchanged");
  }

  @Test
  void broadcastingFollowsNumpy() {
    // (2, 3) + (3,) -> (2, 3); (2, 1) * (1, 3) -> (2, 3); (3, 1, 2) - (2, 1) -> (3, 2, 2)
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor row = Tensor.of(new double[] {10, 20, 30}, 3);
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, a.add(row).toArray());
    Tensor col = Tensor.of(new double[] {1, 2}, 2, 1);
    Tensor r3 = Tensor.of(new double[] {1, 10, 100}, 1, 3);
    Tensor outer = col.mul(r3);
    assertArrayEquals(new int[] {2, 3}, outer.shape());
    assertArrayEquals(new double[] {1, 10, 100, 2, 20, 200}, outer.toArray());
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 1, 2);
    Tensor y = Tensor.of(new double[] {1, 2}, 2, 1);
    Tensor d = x.sub(y);
    assertArrayEquals(new int[] {3, 2, 2}, d.shape());
    // d[i, j, k] = x[i, 0, k] - y[j, 0]
    assertEquals(6.0 - 2.0, d.get(2, 1, 1));
    assertEquals(3.0 - 1.0, d.get(1, 0, 0));
    Tensor s = a.mul(Tensor.scalar(3));
    assertArrayEquals(new double[] {3, 6, 9, 12, 15, 18}, s.toArray());
  }

  @Test
  void broadcastMismatchNamesBothShapes() {
    Tensor a = Tensor.zeros(2, 3);
    Tensor b = Tensor.zeros(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4,)"),
        e.getMessage());
  }

  @Test
  void matmul() {
    Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.of(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
    Tensor c = a.matmul(b);
    assertArrayEquals(new int[] {2, 2}, c.shape());
    assertArrayEquals(new double[] {58, 64, 139, 154}, c.toArray());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
    assertTrue(e.getMessage().contains("(2, 3) x (2, 3)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(b));
  }

  @Test
  void sumAndMean() {
    Tensor t = Tensor.of(new double[] {1, 2, 3, 4}, 4);
    assertEquals(10.0, t.sum());
    assertEquals(2.5, t.mean());
    assertEquals(4.0, t.max());
    assertEquals(1.0, t.min());
  }

  @Test
  void toStringIsNumpyLike() {
    assertEquals("[[1.0, 2.0],\n [3.0, 4.0]]",
        Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).toString());
    assertEquals("[0.5, -0.25]", Tensor.of(new double[] {0.5, -0.25}, 2).toString());
    assertEquals("3.0", Tensor.scalar(3).toString());
    String big = Tensor.zeros(100, 100).toString();
    assertTrue(big.contains("...") && big.endsWith("shape=(100, 100)"), big);
    assertTrue(big.length() < 500, "summarised");
  }

  @Test
  void copyIsDeep() {
    Tensor t = Tensor.ones(2);
    Tensor c = t.copy();
    assertNotSame(t.data(), c.data());
    c.set(5, 0);
    assertEquals(1.0, t.get(0));
    assertEquals(Tensor.ones(2), t);
  }
}
