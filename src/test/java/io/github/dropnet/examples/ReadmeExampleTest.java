package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Dropout;
import org.junit.jupiter.api.Test;

/** The README's example, line for line, with what it promises asserted. */
class ReadmeExampleTest {

  @Test
  void dropoutExampleBehavesAsTheReadmeSays() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13,
                                       14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, 2, 3, 4);
    Dropout dropout = new Dropout(0.5, -1, 1, 4).seed(42);  // one mask per (sample, feature)
    Tensor y = dropout.forward(x, true);   // training: kept values doubled, whole time columns zeroed
    Tensor z = dropout.forward(x, false);  // inference: the identity
    Tensor mc = dropout.forward(x, true);  // Monte Carlo dropout: a new mask on every call

    assertArrayEquals(x.shape(), y.shape());
    for (int b = 0; b < 2; b++) {
      for (int f = 0; f < 4; f++) {
        boolean kept = y.get(b, 0, f) != 0;
        for (int t = 0; t < 3; t++) {
          assertEquals(kept ? 2 * x.get(b, t, f) : 0.0, y.get(b, t, f));
        }
      }
    }
    assertSame(x, z);
    Tensor again = new Dropout(0.5, -1, 1, 4).seed(42).forward(x, true);
    assertEquals(y, again, "seeded: the same first mask in every run");
    assertNotEquals(y, mc, "successive calls draw new masks (seed 42: they differ)");
  }
}
