package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.AlphaDropout;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.DropBlock2D;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.GaussianDropout;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.RateSchedule;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateSchedulerTest {

  private static Tensor x() {
    return TestParts.uniform(3, 40, 4);
  }

  private static Tensor y(Tensor x) {
    return TestParts.linearTarget(x, new double[] {1, -2, 0.5, 3}, 0.1);
  }

  /** Records the dropout's rate whenever a batch ends, and at each epoch's start. */
  private static final class Recorder implements Callback {
    final Dropout dropout;
    final List<Double> atEpochBegin = new ArrayList<>();
    final List<Double> afterBatch = new ArrayList<>();

    Recorder(Dropout dropout) {
      this.dropout = dropout;
    }

    @Override
    public void onEpochBegin(int epoch) {
      atEpochBegin.add(dropout.rate());
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
      afterBatch.add(dropout.rate());
    }
  }

  @Test
  void aFitMovesAnEpochScheduleBeforeEachEpoch() {
    Dropout dropout = new Dropout(0.9).rateSchedule(RateSchedule.linear(0.0, 0.5, 4));
    Sequential model = new Sequential(new Dense(8).seed(1), dropout, new Dense(1).seed(2));
    model.compile(new SGD(0.01), new MeanSquaredError());
    Recorder recorder = new Recorder(dropout);
    RateScheduler scheduler = new RateScheduler();
    Tensor x = x();
    model.fit(x, y(x), new FitOptions().epochs(6).batchSize(10).seed(3)
        .callbacks(scheduler, recorder));
    assertEquals(List.of(0.0, 0.125, 0.25, 0.375, 0.5, 0.5), recorder.atEpochBegin);
    assertEquals(24, recorder.afterBatch.size(), "6 epochs of 4 batches");
    assertEquals(24, scheduler.step());
    assertEquals(5, scheduler.epoch());
  }

  @Test
  void aStepScheduleMovesAfterEveryBatch() {
    Dropout dropout = new Dropout(0).rateSchedule(RateSchedule.linearSteps(0.0, 0.4, 8));
    Sequential model = new Sequential(new Dense(8).seed(1), dropout, new Dense(1).seed(2));
    model.compile(new SGD(0.01), new MeanSquaredError());
    Recorder recorder = new Recorder(dropout);
    Tensor x = x();
    model.fit(x, y(x), new FitOptions().epochs(3).batchSize(10).seed(3)
        .callbacks(new RateScheduler(), recorder));
    // after batch s (counting from 0 over the whole fit), the rate of step s + 1
    for (int s = 0; s < 12; s++) {
      assertEquals(Math.min(0.4, 0.05 * (s + 1)), recorder.afterBatch.get(s), 1e-15, "step " + s);
    }
  }

  @Test
  void theScheduledRateIsTheOneTrainingUses() {
    // rate 0 for two epochs, then every unit dropped: the first layer gets zero gradients and
    // stops moving, while the layer after the dropout keeps learning its bias
    Dense first = new Dense(8).seed(1);
    Dense last = new Dense(1).seed(2);
    Dropout dropout = new Dropout(0).rateSchedule(RateSchedule.byEpoch(e -> e < 2 ? 0.0 : 1.0));
    Sequential model = new Sequential(first, dropout, last);
    model.compile(new SGD(0.05), new MeanSquaredError());
    List<List<Tensor>> firstWeights = new ArrayList<>();
    List<List<Tensor>> lastWeights = new ArrayList<>();
    Callback snapshot = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        firstWeights.add(first.getWeights());
        lastWeights.add(last.getWeights());
      }
    };
    Tensor x = x();
    model.fit(x, y(x), new FitOptions().epochs(4).batchSize(10).seed(5)
        .callbacks(new RateScheduler(), snapshot));
    assertNotEquals(firstWeights.get(0), firstWeights.get(1), "rate 0: the first layer learns");
    assertEquals(firstWeights.get(1), firstWeights.get(3), "rate 1: no gradient reaches it");
    assertNotEquals(lastWeights.get(2), lastWeights.get(3), "the last layer still learns");
  }

  @Test
  void withoutTheSchedulerTheRateStaysAtTheSchedulesStart() {
    Dropout dropout = new Dropout(0.9).rateSchedule(RateSchedule.linear(0.2, 0.5, 2));
    Sequential model = new Sequential(new Dense(4).seed(1), dropout, new Dense(1).seed(2));
    model.compile(new SGD(0.01), new MeanSquaredError());
    Tensor x = x();
    model.fit(x, y(x), 3, 10);
    assertEquals(0.2, dropout.rate(), 0.0);
  }

  @Test
  void updateWalksNestedModelsAndEveryScheduledLayer() {
    Dropout dropout = new Dropout(0).rateSchedule(RateSchedule.byEpoch(e -> 0.1 * e));
    GaussianDropout gaussian = new GaussianDropout(0).rateSchedule(RateSchedule.constant(0.3));
    AlphaDropout alpha = new AlphaDropout(0).rateSchedule(RateSchedule.step(0.4, 0.5, 1));
    DropConnect connect = new DropConnect(new Dense(3), 0)
        .rateSchedule((epoch, step) -> step / 100.0);
    DropBlock2D block = new DropBlock2D(0, 3).rateSchedule(RateSchedule.linear(0, 0.2, 4));
    LSTM lstm = new LSTM(2).dropoutSchedule(RateSchedule.constant(0.25))
        .recurrentDropoutSchedule(RateSchedule.exponential(0.4, 0.5));
    Dropout fixed = new Dropout(0.3);
    Sequential inner = new Sequential(gaussian, new Sequential(alpha, connect));
    Sequential model = new Sequential(dropout, inner, block, lstm, fixed, new Flatten());
    RateScheduler.update(model, 2, 50);
    assertEquals(0.2, dropout.rate(), 1e-15);
    assertEquals(0.3, gaussian.rate(), 0.0);
    assertEquals(0.1, alpha.rate(), 1e-15);
    assertEquals(0.5, connect.rate(), 0.0);
    assertEquals(0.1, block.rate(), 1e-15);
    assertEquals(0.25, lstm.dropout(), 0.0);
    assertEquals(0.1, lstm.recurrentDropout(), 1e-15);
    assertEquals(0.3, fixed.rate(), 0.0);
  }

  @Test
  void aRejectedValueEndsTheFitNamingTheLayer() {
    Dropout dropout = new Dropout(0).rateSchedule(RateSchedule.linear(0.5, 1.5, 2));
    Sequential model = new Sequential(new Dense(4).seed(1), dropout, new Dense(1).seed(2));
    model.compile(new SGD(0.01), new MeanSquaredError());
    Tensor x = x();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.fit(x, y(x), new FitOptions().epochs(3).batchSize(40)
            .callbacks(new RateScheduler())));
    assertEquals(
        "Dropout: the rate schedule gave 1.5 at epoch 2, step 2; rate must be in [0, 1]",
        e.getMessage(), "epoch 1 gives 1.0, still a rate; epoch 2 starts after two batches");
    assertThrows(IllegalStateException.class, () -> new RateScheduler().onEpochBegin(0));
  }

  @Test
  void seluSelfNormalisingNetworksTrainWithAlphaDropoutAndLecunWeights() {
    Tensor x = x();
    Sequential model = new Sequential(
        new Dense(16).activation(Activation.SELU)
            .kernelInitializer(io.github.dropnet.layers.KernelInitializer.LECUN_NORMAL).seed(1),
        new AlphaDropout(0.05).seed(2),
        new Dense(1).kernelInitializer(io.github.dropnet.layers.KernelInitializer.LECUN_NORMAL)
            .seed(3));
    model.compile(new SGD(0.05), new MeanSquaredError());
    History h = model.fit(x, y(x), new FitOptions().epochs(40).batchSize(10).seed(4));
    assertTrue(h.loss().get(39) < 0.2 * h.loss().get(0), "loss " + h.loss());
  }
}
