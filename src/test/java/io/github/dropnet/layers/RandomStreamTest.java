package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.dropnet.kernels.Rng;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RandomStreamTest {

  @Test
  void callKIsTheKeyOfTheSeedAndK() {
    RandomStream s = new RandomStream();
    s.reseed(42);
    for (long k = 0; k < 5; k++) {
      assertEquals(Rng.key(42, k), s.nextKey(), "call " + k);
    }
    assertEquals(5, s.calls());
  }

  @Test
  void reseedRestartsTheCount() {
    RandomStream s = new RandomStream();
    s.reseed(7);
    long first = s.nextKey();
    s.nextKey();
    s.reseed(7);
    assertEquals(0, s.calls());
    assertEquals(first, s.nextKey());
  }

  @Test
  void anUnseededStreamReportsNoSeedButDraws() {
    RandomStream a = new RandomStream();
    RandomStream b = new RandomStream();
    assertEquals(OptionalLong.empty(), a.seed());
    assertEquals("", a.describe());
    assertNotEquals(a.current(), b.current(), "each takes a fresh seed");
    assertEquals(Rng.key(a.current(), 0), a.nextKey());
  }

  @Test
  void aSeededStreamReportsItsSeed() {
    RandomStream s = new RandomStream();
    s.reseed(-3);
    assertEquals(OptionalLong.of(-3), s.seed());
    assertEquals(-3, s.current());
    assertEquals(", seed=-3", s.describe());
  }
}
