package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LastPassTest {

  @Test
  void backwardBeforeAnyForwardThrows() {
    LastPass<String> last = new LastPass<>("L", "mask");
    IllegalStateException e = assertThrows(IllegalStateException.class, last::forBackward);
    assertEquals("L: backward called before forward", e.getMessage());
    assertNull(last.peek());
  }

  @Test
  void aTrainingPassServesOneBackward() {
    LastPass<String> last = new LastPass<>("L", "noise");
    last.keep("pass", true);
    assertSame("pass", last.forBackward());
    assertSame("pass", last.forBackward(), "until released, e.g. after a rejected gradient");
    last.release();
    assertNull(last.peek());
    IllegalStateException e = assertThrows(IllegalStateException.class, last::forBackward);
    assertEquals(
        "L: backward called twice after one training forward; the first backward released its"
            + " noise, so run a training forward before each backward",
        e.getMessage());
    last.keep("next", true);
    assertSame("next", last.forBackward(), "a new training forward gives a new pass");
  }

  @Test
  void anInferencePassServesAnyNumberOfBackwards() {
    LastPass<String> last = new LastPass<>("L", "mask");
    last.keep("pass", false);
    for (int i = 0; i < 3; i++) {
      assertSame("pass", last.forBackward());
      last.release();
    }
    assertSame("pass", last.peek());
  }

  @Test
  void releaseBeforeAnyForwardDoesNothing() {
    LastPass<String> last = new LastPass<>("L", "mask");
    last.release();
    assertThrows(IllegalStateException.class, last::forBackward);
  }
}
