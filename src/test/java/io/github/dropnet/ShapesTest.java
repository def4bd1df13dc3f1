package io.github.dropnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapesTest {
  @Test
  void formatWritesTuplesAsPython() {
    assertEquals("(2, 3, 4)", Shapes.format(2, 3, 4));
    assertEquals("(5,)", Shapes.format(5));
    assertEquals("()", Shapes.format());
    assertEquals("(-1, 3)", Shapes.format(-1, 3));
    assertEquals("null", Shapes.format((int[]) null), "a message about a missing shape");
  }

  @Test
  void stridesAreRowMajor() {
    assertArrayEquals(new int[] {12, 4, 1}, Shapes.strides(2, 3, 4));
    assertArrayEquals(new int[0], Shapes.strides());
    assertEquals("Shapes.strides: shape must not be null",
        assertThrows(IllegalArgumentException.class, () -> Shapes.strides((int[]) null))
            .getMessage());
  }

  @Test
  void broadcastFollowsNumPy() {
    assertArrayEquals(new int[] {4, 2, 3}, Shapes.broadcast(new int[] {4, 1, 3}, new int[] {2, 1}));
    assertArrayEquals(new int[] {5}, Shapes.broadcast(new int[0], new int[] {5}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Shapes.broadcast(new int[] {2, 3}, new int[] {4, 3}));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4, 3)"),
        e.getMessage());
    assertEquals("Shapes.broadcast: shapes must not be null, received (2,) and null",
        assertThrows(IllegalArgumentException.class, () -> Shapes.broadcast(new int[] {2}, null))
            .getMessage());
  }

  @Test
  void sizeSaturatesRatherThanWrapping() {
    assertEquals(24, Shapes.size(2, 3, 4));
    assertEquals(1, Shapes.size());
    assertEquals(0, Shapes.size(1 << 20, 1 << 20, 0), "a later 0 still gives 0");
    assertEquals("T.f: shape (65536, 65536) has more than 2147483647 elements",
        assertThrows(IllegalArgumentException.class, () -> Shapes.size("T.f", 65536, 65536))
            .getMessage());
    assertEquals("T.f: shape (2, -1) has a negative dimension; expected sizes >= 0",
        assertThrows(IllegalArgumentException.class, () -> Shapes.size("T.f", 2, -1))
            .getMessage());
  }
}
