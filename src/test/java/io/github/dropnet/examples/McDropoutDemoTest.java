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
  void uniformNoiseStaysInTheUnitInterval() {
    double[] noise = McDropoutDemo.uniformNoise(3, 1);
    assertEquals(3 * 784, noise.length);
    double sum = 0;
    for (double v : noise) {
      assertTrue(v >= 0 && v < 1);
      sum += v;
    }
    assertEquals(0.5, sum / noise.length, 0.03);
    assertArrayEquals(noise, McDropoutDemo.uniformNoise(3, 1), "seeded");
  }

  @Test
  void pixelNoiseTakesEachPixelFromTheSamePositionOfSomeTrainingImage() {
    // training image k has the value k + j / 1000 at pixel j: the source of a value is readable
    int count = 5;
    double[] training = new double[count * 784];
    for (int k = 0; k < count; k++) {
      for (int j = 0; j < 784; j++) {
        training[k * 784 + j] = k + j / 1000.0;
      }
    }
    double[] noise = McDropoutDemo.pixelNoise(training, 4, 3);
    assertEquals(4 * 784, noise.length);
    boolean[] used = new boolean[count];
    for (int i = 0; i < noise.length; i++) {
      int j = i % 784;
      int k = (int) Math.round(noise[i] - j / 1000.0);
      assertEquals(k + j / 1000.0, noise[i], 1e-12, "pixel " + j + " from the same position");
      assertTrue(k >= 0 && k < count);
      used[k] = true;
    }
    for (boolean u : used) {
      assertTrue(u, "every training image contributes pixels");
    }
    assertArrayEquals(noise, McDropoutDemo.pixelNoise(training, 4, 3), "seeded");
  }

  @Test
  void inversionFlipsDarkAndLightButKeepsEachImagesBrightness() {
    double[] x = new double[2 * 784];
    for (int j = 0; j < 784; j++) {
      x[j] = j < 196 ? 1 : 0; // a quarter white: mean 0.25
      x[784 + j] = j < 392 ? 1 : 0.8; // mean 0.9: its grey half would turn 1.8, clipped at 1
    }
    double[] inv = McDropoutDemo.inverted(x);
    double mean = 0;
    for (int j = 0; j < 784; j++) {
      assertEquals(j < 196 ? 0 : 1.0 / 3, inv[j], 1e-12, "white turns black, black grey");
      mean += inv[j] / 784;
      assertEquals(j < 392 ? 0 : 1, inv[784 + j], 1e-12, "clipped at 1");
    }
    assertEquals(0.25, mean, 1e-12, "the original's mean brightness");
    assertArrayEquals(new double[784], McDropoutDemo.inverted(filled(1.0)), "all white");
  }

  private static double[] filled(double v) {
    double[] d = new double[784];
    java.util.Arrays.fill(d, v);
    return d;
  }
}
