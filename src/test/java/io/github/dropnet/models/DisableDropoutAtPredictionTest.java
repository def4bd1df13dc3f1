package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.data.Labels;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.optimizers.Adam;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The question "how do I disable dropout at prediction?" and its answers, replayed on whole
 * models: prediction leaves dropout out by default, keeps it on when asked (the answers'
 * "PermaDropout", for a distribution of predictions), and switching it on in a trained model
 * needs no retraining and changes nothing in it.
 */
class DisableDropoutAtPredictionTest {

  @Test
  void theQuestionsModelPredictsWithoutDropout() {
    // model.add(Dropout(0.5)); model.add(Dense(classes)), then predict_proba
    Dense dense = new Dense(4).activation(Activation.SOFTMAX).seed(1);
    Sequential model = new Sequential(new Dropout(0.5).seed(2), dense);
    Tensor x = TestParts.uniform(3, 6, 10);
    Tensor p = model.predict(x);
    assertArrayEquals(dense.forward(x, false).toArray(), p.toArray(),
        "predict is the Dense layer alone on the input, bit for bit");
    for (int r = 0; r < 6; r++) {
      double sum = 0;
      for (int c = 0; c < 4; c++) {
        sum += p.get(r, c);
      }
      assertEquals(1, sum, 1e-12, "row " + r + " of the probabilities");
    }
    assertNotEquals(p, model.predict(x, true), "predict(x, true) keeps dropout on");
  }

  @Test
  void permaDropoutLstmModelPredictsADistribution() {
    // LSTM(4n, return_sequences) -> PermaDropout(0.3) -> LSTM(2n) -> PermaDropout(0.3)
    // -> Dense(n, softmax), compiled with categorical cross-entropy and Adam
    int n = 5;
    Sequential model = new Sequential(
        new LSTM(4 * n).returnSequences(true).seed(1),
        new Dropout(0.3).seed(2),
        new LSTM(2 * n).seed(3),
        new Dropout(0.3).seed(4),
        new Dense(n).activation(Activation.SOFTMAX).seed(5));
    model.compile(new Adam(1e-3), new CategoricalCrossentropy(false), Metric.accuracy());
    Tensor x = sequences(6, 16, 7, 3);
    Tensor y = Labels.oneHot(labels(7, 16, n), n);
    model.fit(x, y, new FitOptions().epochs(2).batchSize(8).seed(8).verbose(0));

    Tensor first = model.predict(x, true);
    Tensor second = model.predict(x, true);
    assertNotEquals(first, second, "dropout kept on: two predictions of one input differ");
    for (Tensor p : List.of(first, second)) {
      for (int r = 0; r < 16; r++) {
        double sum = 0;
        for (int c = 0; c < n; c++) {
          double v = p.get(r, c);
          assertTrue(v >= 0 && v <= 1, "probability " + v);
          sum += v;
        }
        assertEquals(1, sum, 1e-12, "row " + r);
      }
    }
    assertEquals(model.predict(x), model.predict(x), "without dropout, prediction repeats");
  }

  @Test
  void switchingDropoutOnInATrainedModelNeedsNoRetraining() {
    // K.function([input, K.learning_phase()], [output]) on a trained model
    Sequential model = new Sequential(
        new Dense(8).activation(Activation.RELU).seed(1),
        new Dropout(0.5).seed(2),
        new Dense(3).activation(Activation.SOFTMAX).seed(3));
    model.compile(new Adam(1e-2), new CategoricalCrossentropy(false));
    Tensor x = TestParts.uniform(4, 32, 5);
    Tensor y = Labels.oneHot(labels(5, 32, 3), 3);
    model.fit(x, y, new FitOptions().epochs(3).batchSize(8).seed(6).verbose(0));

    List<Tensor> weights = model.getWeights();
    Tensor before = model.predict(x);
    Tensor withDropout = model.predict(x, true);
    assertNotEquals(before, withDropout, "dropout switched on changes the prediction");
    assertEquals(weights, model.getWeights(), "predicting with dropout on trains nothing");
    assertEquals(before, model.predict(x), "and leaves the ordinary prediction as it was");
  }

  /** (n, steps, features) uniform in [0, 1). */
  private static Tensor sequences(long seed, int n, int steps, int features) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(n, steps, features);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble();
    }
    return t;
  }

  /** n class indices in [0, classes), shape (n). */
  private static Tensor labels(long seed, int n, int classes) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      t.data()[i] = rng.nextInt(classes);
    }
    return t;
  }
}
