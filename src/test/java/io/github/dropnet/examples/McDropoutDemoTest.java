package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class McDropoutDemoTest {

  private static double[] numbered(int n) {
    double[] d = new double[n * 784];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    return d;
  }

  @Test
  void rotationTurnsEachImageAQuarterAnticlockwise() {
    double[] x = numbered(2);
    double[] r = McDropoutDemo.rotated(x, 2);
    // the top-right pixel goes to the top left, the top left to the bottom left
    assertEquals(x[27], r[0]);
    assertEquals(x[0], r[27 * 28]);
    assertEquals(x[784 + 27], r[784], "each image on its own");
    double[] back = x;
    for (int k = 0; k < 4; k++) {
      back = McDropoutDemo.rotated(back, 2);
    }
    assertArrayEquals(x, back, "four quarter turns are the identity");
  }

  @Test
  void inversionAndNoiseStayInTheUnitInterval() {
    assertArrayEquals(new double[] {1, 0.75, 0}, McDropoutDemo.inverted(new double[] {0, 0.25, 1}));
    double[] noise = McDropoutDemo.noise(3, 1);
    assertEquals(3 * 784, noise.length);
    double sum = 0;
    for (double v : noise) {
      assertTrue(v >= 0 && v < 1);
      sum += v;
    }
    assertEquals(0.5, sum / noise.length, 0.03);
    assertArrayEquals(noise, McDropoutDemo.noise(3, 1), "seeded");
  }
}
