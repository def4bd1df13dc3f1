package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.losses.BinaryCrossentropy;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** Unseeded dropout: the fit's seed alone must make runs repeatable. */
  private static Sequential xorModel() {
    Sequential model = new Sequential(
        new Dense(32).activation(Activation.RELU).seed(1),
        new Dropout(0.1),
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
  void seededTrainingIsBitIdenticalAlthoughTheDropoutLayersAreUnseeded() {
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

    Sequential c = xorModel();
    History hc = c.fit(train[0], train[1], new FitOptions().epochs(5).batchSize(16).seed(8)
        .validationSplit(0.25));
    assertFalse(ha.loss().equals(hc.loss()), "another seed, other masks and order");
  }

  @Test
  void seedingReachesDropoutInsideLstmAndNestedModels() {
    SplittableRandom rng = new SplittableRandom(5);
    double[] xs = new double[16 * 5 * 3];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = rng.nextDouble(-1, 1);
    }
    Tensor x = Tensor.wrap(xs, 16, 5, 3);
    Tensor y = TestParts.uniform(6, 16, 2);
    List<List<Tensor>> weights = new ArrayList<>();
    List<Map<String, List<Double>>> histories = new ArrayList<>();
    List<Tensor> start = null;
    for (int run = 0; run < 2; run++) {
      // the layers' own seeds differ between the runs, the starting weights do not: equal runs
      // show that fit's seed, not the layers', drew every mask
      Sequential model = new Sequential(
          new LSTM(4).dropout(0.3).recurrentDropout(0.3).seed(100 + run),
          new Sequential(new Dropout(0.4).seed(200 + run), new Dense(2).seed(2)));
      model.build(-1, 5, 3);
      if (start == null) {
        start = model.getWeights();
      } else {
        model.setWeights(start);
      }
      model.compile(new Adam(0.01), new MeanSquaredError());
      histories.add(model.fit(x, y, new FitOptions().epochs(3).batchSize(5).seed(11)).asMap());
      weights.add(model.getWeights());
    }
    assertEquals(histories.get(0), histories.get(1));
    assertEquals(weights.get(0), weights.get(1));
  }

  @Test
  void monteCarloDropoutWithTheRealLayer() {
    Sequential model = new Sequential(new Dense(8).seed(1), new Dropout(0.5),
        new Dense(3).activation(Activation.SOFTMAX).seed(2));
    Tensor x = TestParts.uniform(3, 4, 5);
    MonteCarlo.Result a = MonteCarlo.predict(model, x, 30, 9);
    MonteCarlo.Result b = MonteCarlo.predict(model, x, 30, 9);
    assertEquals(a.samples(), b.samples(), "repeatable from the seed");
    assertFalse(a.samples().equals(MonteCarlo.predict(model, x, 30, 10).samples()));
    assertTrue(a.std().max() > 0, "dropout on: the passes differ");
    double[] rowSums = a.mean().data();
    for (int r = 0; r < 4; r++) {
      assertEquals(1, rowSums[3 * r] + rowSums[3 * r + 1] + rowSums[3 * r + 2], 1e-12);
      double h = a.entropy().get(r);
      assertTrue(h >= 0 && h <= Math.log(3), "entropy " + h);
      double mi = a.mutualInformation().get(r);
      assertTrue(mi >= -1e-12 && mi <= h + 1e-12, "mutual information " + mi);
    }
    // inference ignores dropout entirely
    assertEquals(model.predict(x), model.predict(x));
  }
}
