package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.AlphaDropout;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.DropBlock2D;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.GaussianDropout;
import io.github.dropnet.layers.GaussianNoise;
import io.github.dropnet.layers.KernelInitializer;
import io.github.dropnet.layers.RateSchedule;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.optimizers.Adam;
import io.github.dropnet.optimizers.SGD;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of the dropout family, run as written. */
class DropoutFamilyDocExamplesTest {

  @Test
  void gaussianDropoutExample() {
    GaussianDropout noise = new GaussianDropout(0.2).seed(42);   // sigma = 0.5
    Tensor y = noise.forward(Tensor.ones(20, 500), true);       // mean about 1, std about 0.5
    Tensor dx = noise.backward(Tensor.ones(20, 500));           // equals y: dy * e
    assertEquals(1, y.mean(), 0.02);
    assertEquals(0.5, Math.sqrt(y.sub(Tensor.full(y.mean(), 20, 500)).mul(
        y.sub(Tensor.full(y.mean(), 20, 500))).mean()), 0.02);
    assertEquals(y, dx);
  }

  @Test
  void gaussianNoiseExample() {
    Tensor x = Tensor.ones(3, 4);
    GaussianNoise noise = new GaussianNoise(0.1).seed(7);
    Tensor y = noise.forward(x, true);    // x + N(0, 0.01) noise
    assertNotEquals(x, y);
    assertSame(x, noise.forward(x, false));
  }

  @Test
  void alphaDropoutExampleBuildsAndTrainsASeluNetwork() {
    Sequential snn = new Sequential(
        new Dense(64).activation(Activation.SELU).kernelInitializer(KernelInitializer.LECUN_NORMAL),
        new AlphaDropout(0.1).seed(3),
        new Dense(10).kernelInitializer(KernelInitializer.LECUN_NORMAL));
    assertArrayEquals(new int[] {5, 10}, snn.forward(Tensor.ones(5, 8), true).shape());
    snn.compile(new Adam(1e-2), new MeanSquaredError());
    Tensor x = TestParts.uniform(11, 32, 8);
    Tensor y = TestParts.uniform(12, 32, 10);
    History h = snn.fit(x, y, new FitOptions().epochs(30).batchSize(8).seed(4));
    assertTrue(h.loss().get(29) < h.loss().get(0) / 2, "it trains: " + h.loss());
  }

  @Test
  void dropConnectExample() {
    Sequential model = new Sequential(
        new DropConnect(new Dense(128).activation(Activation.RELU), 0.5).seed(1),
        new Dense(10));
    model.compile(new SGD(0.01), new MeanSquaredError());
    model.fit(Tensor.ones(4, 3), Tensor.zeros(4, 10), 1, 2);
    assertTrue(model.summary().contains("DropConnect"), model.summary());
  }

  @Test
  void dropBlockExample() {
    DropBlock2D drop = new DropBlock2D(0.1, 7).seed(1);
    Tensor y = drop.forward(Tensor.ones(8, 32, 32, 16), true);  // 7x7 holes, mean 1 (to rounding)
    DropBlock2D ramped = new DropBlock2D(0.1, 7)
        .rateSchedule(RateSchedule.linear(0.0, 0.1, 20));     // the paper's ramp, over 20 epochs
    assertEquals(1, y.mean(), 1e-9);
    assertEquals(0.0, ramped.rate(), 0.0);
  }

  @Test
  void rateSchedulerExample() {
    Tensor x = TestParts.uniform(1, 20, 5);
    Tensor y = Tensor.zeros(20, 10);
    Dropout dropout = new Dropout(0.5).rateSchedule(RateSchedule.linear(0.0, 0.5, 10));
    Sequential model = new Sequential(
        new Dense(256).activation(Activation.RELU),
        dropout,   // ramp up over 10 epochs
        new Dense(10));
    model.compile(new SGD(0.01), new MeanSquaredError());
    model.fit(x, y, new FitOptions().epochs(20).callbacks(new RateScheduler()));
    assertEquals(0.5, dropout.rate(), 0.0);
  }
}
