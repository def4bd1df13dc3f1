package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Shapes;
import io.github.dropnet.kernels.DropoutKernels;
import org.junit.jupiter.api.Test;

class NoiseShapeTest {

  @Test
  void withoutANoiseShapeTheInputShapeIsTheNoiseShape() {
    NoiseShape none = new NoiseShape("L", null);
    int[] in = {2, 3, 4};
    assertSame(in, none.resolve(in));
    assertNull(none.given());
    assertEquals("", none.describe());
  }

  @Test
  void minusOneTakesTheInputsSizeAndFixedSizesAreChecked() {
    NoiseShape n = new NoiseShape("L", new int[] {-1, 1, 4});
    assertArrayEquals(new int[] {2, 1, 4}, n.resolve(new int[] {2, 3, 4}));
    assertArrayEquals(new int[] {-1, 1, 4}, n.resolve(new int[] {-1, 3, -1}), "-1 defers");
    assertEquals(", noiseShape=(-1, 1, 4)", n.describe());
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> n.resolve(new int[] {2, 3, 5}));
    assertEquals("L: noise shape (-1, 1, 4) does not fit the input shape (2, 3, 5): on axis 2 it"
        + " must be -1, 1 or 5, received 4", e.getMessage());
    IllegalArgumentException rank = assertThrows(
        IllegalArgumentException.class, () -> n.resolve(new int[] {2, 3}));
    assertEquals("L: noise shape (-1, 1, 4) has rank 3 but the input shape (2, 3) has rank 2",
        rank.getMessage());
    // 0 is no mask size: refused even where the input's axis is empty or still unknown
    NoiseShape zero = new NoiseShape("L", new int[] {0, 3});
    for (int[] in : new int[][] {{-1, 3}, {0, 3}, {2, 3}}) {
      IllegalArgumentException z = assertThrows(
          IllegalArgumentException.class, () -> zero.resolve(in));
      assertEquals("L: noise shape (0, 3) does not fit the input shape " + Shapes.format(in)
          + ": on axis 0 it must be -1, 1 or " + (in[0] == -1 ? "the input's size" : in[0])
          + ", received 0", z.getMessage());
    }
    IllegalArgumentException none = assertThrows(
        IllegalArgumentException.class, () -> n.resolve(null));
    assertEquals("L: input shape must not be null", none.getMessage());
  }

  @Test
  void entriesBelowMinusOneAreRejectedAgainstEveryInputAndTheShapeIsCopied() {
    NoiseShape below = new NoiseShape("L", new int[] {-1, -2});
    for (int[] in : new int[][] {{3, -1}, {3, 2}}) {
      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> below.resolve(in));
      assertEquals("L: noise shape (-1, -2) does not fit the input shape " + Shapes.format(in)
          + ": on axis 1 it must be -1, 1 or " + (in[1] == -1 ? "the input's size" : in[1])
          + ", received -2", e.getMessage());
    }
    int[] given = {-1, 1};
    NoiseShape n = new NoiseShape("L", given);
    given[1] = 7;
    assertArrayEquals(new int[] {-1, 1}, n.given());
    assertNotSame(n.given(), n.given());
  }

  @Test
  void thePlanIsReusedWhileTheInputShapeStaysTheSame() {
    NoiseShape n = new NoiseShape("L", new int[] {-1, 1});
    int[] a = {4, 3};
    DropoutKernels.Plan p = n.plan(a, n.resolve(a));
    assertEquals(4, p.noiseSize());
    assertEquals(12, p.size());
    assertSame(p, n.plan(new int[] {4, 3}, n.resolve(a)));
    int[] b = {5, 3};
    DropoutKernels.Plan q = n.plan(b, n.resolve(b));
    assertNotSame(p, q);
    assertEquals(5, q.noiseSize());
  }
}
