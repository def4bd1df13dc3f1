package io.github.dropnet.data;

import static io.github.dropnet.data.IdxTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticImagesTest {

  @Test
  void hasTheShapesOfFashionMnist() {
    Dataset d = SyntheticImages.generate(30, 1);
    assertArrayEquals(new int[] {30, 28, 28}, d.x().shape());
    assertArrayEquals(new int[] {30}, d.y().shape());
    assertTrue(d.x().min() >= 0 && d.x().max() <= 1, "pixels in [0, 1]");
    assertEquals(1.0, d.x().max(), "bright shapes saturate some pixels");
    assertArrayEquals(new int[] {30, 784}, d.flattenX().x().shape());
    assertEquals(10, SyntheticImages.CLASS_NAMES.size());
    assertEquals(0, SyntheticImages.generate(0, 1).size());
  }

  @Test
  void isDeterministicInTheSeed() {
    Dataset a = SyntheticImages.generate(50, 123);
    Dataset b = SyntheticImages.generate(50, 123);
    assertEquals(a.x(), b.x());
    assertEquals(a.y(), b.y());
    Dataset c = SyntheticImages.generate(50, 124);
    assertNotEquals(a.x(), c.x());

    TrainTest t = SyntheticImages.load(50, 20, 123);
    assertEquals(a.x(), t.train().x(), "the training set is generate(trainSize, seed)");
    assertEquals(t.test().x(), SyntheticImages.load(10, 20, 123).test().x());
  }

  @Test
  void pinsTheGeneratedValues() {
    // a change to the generator changes every seeded demo; make it a deliberate one
    Dataset d = SyntheticImages.generate(10, 2024);
    assertArrayEquals(new double[] {0, 2, 4, 5, 1, 9, 8, 6, 3, 7}, d.y().toArray());
    assertEquals(970.9703764796142, d.x().sum(), 1e-9);
  }

  @Test
  void balancesTheClassesInShuffledOrder() {
    assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10},
        Labels.counts(SyntheticImages.generate(100, 9).y(), 10));
    assertArrayEquals(new int[] {11, 11, 11, 11, 11, 10, 10, 10, 10, 10},
        Labels.counts(SyntheticImages.generate(105, 9).y(), 10));

    double[] labels = SyntheticImages.generate(100, 9).y().toArray();
    double[] cyclic = new double[100];
    for (int i = 0; i < 100; i++) {
      cyclic[i] = i % 10;
    }
    assertFalse(Arrays.equals(cyclic, labels), "shuffled");
  }

  @Test
  void trainAndTestShareNoImage() {
    TrainTest t = SyntheticImages.load(200, 200, 5);
    double[] train = t.train().x().data();
    double[] test = t.test().x().data();
    for (int i = 0; i < 200; i++) {
      for (int j = 0; j < 200; j++) {
        assertFalse(Arrays.equals(train, i * 784, (i + 1) * 784, test, j * 784, (j + 1) * 784),
            "train " + i + " equals test " + j);
      }
    }
  }

  @Test
  void classesAreLearnable() {
    // a nearest-centroid classifier, far weaker than any network, must beat chance (0.1) by far
    TrainTest data = SyntheticImages.load(2000, 500, 11);
    double[][] centroid = new double[10][784];
    int[] count = Labels.counts(data.train().y(), 10);
    double[] x = data.train().x().data();
    for (int i = 0; i < data.train().size(); i++) {
      int c = (int) data.train().y().get(i);
      for (int p = 0; p < 784; p++) {
        centroid[c][p] += x[i * 784 + p] / count[c];
      }
    }
    double[] tx = data.test().x().data();
    int correct = 0;
    for (int i = 0; i < data.test().size(); i++) {
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int c = 0; c < 10; c++) {
        double s = 0;
        for (int p = 0; p < 784; p++) {
          double d = tx[i * 784 + p] - centroid[c][p];
          s += d * d;
        }
        if (s < bestDistance) {
          bestDistance = s;
          best = c;
        }
      }
      if (best == (int) data.test().y().get(i)) {
        correct++;
      }
    }
    double accuracy = correct / (double) data.test().size();
    assertTrue(accuracy > 0.4, "nearest-centroid accuracy " + accuracy);
  }

  @Test
  void rejectsNegativeSizes() {
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> SyntheticImages.generate(-1, 0)),
        "SyntheticImages.generate: n must be >= 0, received -1");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> SyntheticImages.generate(3_000_000, 1)),
        "SyntheticImages.generate: n: shape (3000000, 28, 28) has more than 2147483647 elements");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> SyntheticImages.load(10, -2, 0)), "testSize", "-2");
  }
}
