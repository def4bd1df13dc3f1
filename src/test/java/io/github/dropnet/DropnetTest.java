package io.github.dropnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DropnetTest {
  @Test
  void threadsCanBeSetAndRead() {
    int before = Dropnet.threads();
    try {
      assertTrue(before >= 1);
      Dropnet.setThreads(3);
      assertEquals(3, Dropnet.threads());
      Dropnet.setThreads(1);
      assertEquals(1, Dropnet.threads());
    } finally {
      Dropnet.setThreads(before);
    }
  }

  @Test
  void fewerThanOneThreadIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dropnet.setThreads(0));
    assertEquals("Dropnet.setThreads: n must be >= 1, received 0", e.getMessage());
  }
}
