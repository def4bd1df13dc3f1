package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One trained model shared by many threads for inference gives, on every thread, exactly what it
 * gives on one: inference keeps no scratch state in the model or its layers.
 */
class SharedInferenceTest {

  private static final int THREADS = 6;
  private static final int CALLS_PER_THREAD = 20;

  @Test
  void cnnInferenceFromManyThreadsMatchesOneThread() throws Exception {
    Sequential model = new Sequential(
        new Conv2D(4, 3, 3).padding(Padding.SAME).activation(Activation.RELU).seed(1),
        new MaxPool2D(2, 2),
        new Dropout(0.5).seed(2),
        new Flatten(),
        new Dense(5).activation(Activation.SOFTMAX).seed(3));
    model.build(-1, 8, 8, 2);
    assertSharedInferenceMatches(model, 8, 8, 2);
  }

  @Test
  void lstmInferenceFromManyThreadsMatchesOneThread() throws Exception {
    Sequential model = new Sequential(
        new LSTM(6).dropout(0.3).recurrentDropout(0.3).seed(4),
        new Dense(3).seed(5));
    model.build(-1, 5, 4);
    assertSharedInferenceMatches(model, 5, 4);
  }

  private static void assertSharedInferenceMatches(Sequential model, int... sampleShape)
      throws Exception {
    List<Tensor> inputs = new ArrayList<>();
    List<Tensor> expected = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int[] shape = new int[sampleShape.length + 1];
      shape[0] = 3 + i;
      System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
      Tensor x = GradientCheck.random(100 + i, shape);
      inputs.add(x);
      expected.add(model.predict(x));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        final int id = t;
        done.add(pool.submit(() -> {
          for (int k = 0; k < CALLS_PER_THREAD; k++) {
            int which = (id + k) % THREADS;
            assertEquals(expected.get(which), model.predict(inputs.get(which)),
                "thread " + id + ", call " + k);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
