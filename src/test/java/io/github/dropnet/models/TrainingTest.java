package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.losses.BinaryCrossentropy;
import io.github.dropnet.optimizers.Adam;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training end to end with the library's own layers, losses and optimizers. */
class TrainingTest {

  /** Points uniform in [-1, 1]^2, labelled 1 where x * y > 0 (the first and third quadrants). */
  private static Tensor[] quadrants(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int r = 0; r < n; r++) {
      x[2 * r] = rng.nextDouble(-1, 1);
      x[2 * r + 1] = rng.nextDouble(-1, 1);
      y[r] = x[2 * r] * x[2 * r + 1] > 0 ? 1 : 0;
    }
    return new Tensor[] {Tensor.wrap(x, n, 2), Tensor.wrap(y, n, 1)};
  }

  private static Sequential xorModel() {
    Sequential model = new Sequential(
        new Dense(32).activation(Activation.RELU).seed(1),
        new TestParts.Noise(0.1, 0),
        new Dense(16).activation(Activation.RELU).seed(2),
        new Dense(1).activation(Activation.SIGMOID).seed(3));
    model.compile(new Adam(0.01), new BinaryCrossentropy(false), Metric.accuracy());
    return model;
  }

  @Test
  void learnsTheQuadrantXor() {
    Tensor[] train = quadrants(1, 600);
    Tensor[] test = quadrants(2, 400);
    Sequential model = xorModel();
    History h = model.fit(train[0], train[1], new FitOptions().epochs(80).batchSize(32).seed(42)
        .validationSplit(0.2));
    double accuracy = model.evaluateMetrics(test[0], test[1]).get("accuracy");
    assertTrue(accuracy > 0.95, "test accuracy " + accuracy + ", history " + h);
    assertTrue(h.valMetric("accuracy").get(79) > 0.9, h.toString());
    assertTrue(h.loss().get(79) < h.loss().get(0) / 3, h.toString());
  }

  @Test
  void seededTrainingIsBitIdentical() {
    Tensor[] train = quadrants(3, 200);
    FitOptions options = new FitOptions().epochs(5).batchSize(16).seed(7).validationSplit(0.25);
    Sequential a = xorModel();
    Sequential b = xorModel();
    History ha = a.fit(train[0], train[1], options);
    History hb = b.fit(train[0], train[1], options);
    assertEquals(ha.asMap(), hb.asMap());
    List<Tensor> wa = a.getWeights();
    assertEquals(wa, b.getWeights());
    assertEquals(a.predict(train[0]), b.predict(train[0]));
  }
}
