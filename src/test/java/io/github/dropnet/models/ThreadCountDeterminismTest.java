package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Dropnet;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.optimizers.Adam;
import io.github.dropnet.testing.GradientCheck;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded fit is bit-identical whatever the library's thread count: the sizes here are large
 * enough that the matrix products and the dropout kernels split their work over the pool (the
 * dropout after the convolution sees 128 x 16 x 16 x 32 = 1,048,576 elements a batch, twice
 * what a dropout kernel needs before it splits).
 */
class ThreadCountDeterminismTest {

  private final int savedThreads = Dropnet.threads();

  @AfterEach
  void restoreThreads() {
    Dropnet.setThreads(savedThreads);
  }

  private static Sequential model() {
    return new Sequential(
        new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU).seed(1),
        new Dropout(0.2).seed(9),
        new MaxPool2D(2, 2),
        new Flatten(),
        new Dropout(0.3).seed(2),
        new Dense(512).activation(Activation.RELU).seed(3),
        new Dropout(0.5).seed(4),
        new Dense(10).activation(Activation.SOFTMAX).seed(5));
  }

  private static Tensor oneHot(int rows, int classes, long seed) {
    Tensor y = Tensor.zeros(rows, classes);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      y.set(1, i, rng.nextInt(classes));
    }
    return y;
  }

  private record Run(History history, List<Tensor> weights, Tensor prediction) {}

  private static Run fitWith(int threads) {
    Dropnet.setThreads(threads);
    Tensor x = GradientCheck.random(6, 256, 16, 16, 2);
    Tensor y = oneHot(256, 10, 7);
    Sequential model = model();
    model.compile(new Adam(1e-3), new CategoricalCrossentropy(false));
    History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(128).seed(8));
    return new Run(h, model.getWeights(), model.predict(x, true));
  }

  @Test
  void seededFitIsBitIdenticalForOneTwoAndThreeThreads() {
    Run one = fitWith(1);
    for (int threads : new int[] {2, 3}) {
      Run other = fitWith(threads);
      assertEquals(one.history().loss(), other.history().loss(), threads + " threads: losses");
      assertEquals(one.weights(), other.weights(), threads + " threads: weights");
      assertEquals(one.prediction(), other.prediction(), threads + " threads: MC prediction");
    }
  }
}
