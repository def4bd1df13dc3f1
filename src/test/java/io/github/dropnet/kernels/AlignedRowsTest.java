package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlignedRowsTest {
  @Test
  void lengthIsTheSmallestThatFillsWholeCacheLines() {
    for (int min = 0; min < 200; min++) {
      int len = AlignedRows.length(min);
      assertTrue(len >= min && len < min + 8, "length " + len + " for " + min);
      assertEquals(0, (16 + 8 * len) % 64, "a row of " + len + " doubles");
    }
    assertEquals(6, AlignedRows.length(0));
    assertEquals(6, AlignedRows.length(6));
    assertEquals(14, AlignedRows.length(7));
    assertEquals(542, AlignedRows.length(536));
  }

  @Test
  void makeGivesSeparateZeroedRowsOfThatLength() {
    double[][] rows = AlignedRows.make(3, 10);
    assertEquals(3, rows.length);
    for (double[] row : rows) {
      assertEquals(AlignedRows.length(10), row.length);
      for (double v : row) {
        assertEquals(0.0, v);
      }
    }
    rows[0][0] = 1;
    assertEquals(0.0, rows[1][0]);
    assertEquals(0, AlignedRows.make(0, 5).length);
  }
}
