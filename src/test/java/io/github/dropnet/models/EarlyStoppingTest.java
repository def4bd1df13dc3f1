package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.models.TestParts.Linear;
import io.github.dropnet.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

  /** Feeds {@code values} of {@code key} epoch by epoch; returns the epoch it stopped after, or -1. */
  private static int drive(EarlyStopping stop, Sequential model, String key, double... values) {
    stop.onTrainBegin(model);
    for (int epoch = 0; epoch < values.length; epoch++) {
      stop.onEpochEnd(epoch, Map.of(key, values[epoch]));
      if (model.isStopTrainingRequested()) {
        return epoch;
      }
    }
    return -1;
  }

  private static Sequential compiled(Metric... metrics) {
    Sequential model = new Sequential(new Linear(1, 1));
    model.compile(new SGD(0.1), new MeanSquaredError(), metrics);
    model.build(-1, 2);
    return model;
  }

  @Test
  void stopsOncePatienceRunsOut() {
    EarlyStopping stop = new EarlyStopping().patience(2);
    assertEquals(3, drive(stop, compiled(), "val_loss", 1.0, 0.8, 0.9, 0.85, 0.7));
    assertEquals(3, stop.stoppedEpoch());
    assertEquals(1, stop.bestEpoch());
    assertEquals(0.8, stop.best());
  }

  @Test
  void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
    assertEquals(2, drive(new EarlyStopping(), compiled(), "val_loss", 1.0, 0.9, 0.9));
    // never on the first epoch
    assertEquals(-1, drive(new EarlyStopping().baseline(0), compiled(), "val_loss", 1.0));
  }

  @Test
  void improvementsSmallerThanMinDeltaDoNotCount() {
    EarlyStopping stop = new EarlyStopping().monitor("loss").minDelta(-0.1).patience(1);
    assertEquals(1, drive(stop, compiled(), "loss", 1.0, 0.95, 0.5));
    EarlyStopping exact = new EarlyStopping().monitor("loss").minDelta(0.1).patience(1);
    assertEquals(-1, drive(exact, compiled(), "loss", 1.0, 0.85, 0.7));
  }

  @Test
  void accuracyIsMaximisedInAutoMode() {
    EarlyStopping stop = new EarlyStopping().monitor("val_accuracy").patience(1);
    assertEquals(3, drive(stop, compiled(Metric.accuracy()), "val_accuracy", 0.5, 0.6, 0.7, 0.65));
    assertEquals(0.7, stop.best());
    EarlyStopping min = new EarlyStopping().monitor("val_accuracy").mode(EarlyStopping.Mode.MIN);
    assertEquals(1, drive(min, compiled(Metric.accuracy()), "val_accuracy", 0.5, 0.6));
  }

  @Test
  void aBaselineMustBeBeaten() {
    EarlyStopping stop = new EarlyStopping().baseline(0.5).patience(2);
    // improving on the best but not on the baseline does not reset the wait
    assertEquals(2, drive(stop, compiled(), "val_loss", 0.9, 0.8, 0.85));
    EarlyStopping beaten = new EarlyStopping().baseline(0.5).patience(2);
    assertEquals(-1, drive(beaten, compiled(), "val_loss", 0.9, 0.4, 0.45, 0.3));
  }

  @Test
  void startFromEpochIgnoresTheWarmUp() {
    EarlyStopping stop = new EarlyStopping().startFromEpoch(2);
    assertEquals(3, drive(stop, compiled(), "val_loss", 1, 2, 3, 4, 5));
    assertEquals(2, stop.bestEpoch());
  }

  @Test
  void aMissingMonitorOrDirectionIsAnError() {
    IllegalStateException missing = assertThrows(
        IllegalStateException.class,
        () -> drive(new EarlyStopping(), compiled(), "loss", 1.0));
    assertEquals(
        "EarlyStopping: monitor \"val_loss\" is not in the logs, which have [loss] "
            + "(is there validation data?)",
        missing.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> new EarlyStopping().monitor("val_f1").onTrainBegin(compiled()));
    new EarlyStopping().monitor("val_f1").mode(EarlyStopping.Mode.MAX).onTrainBegin(compiled());
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().patience(-1));
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().monitor(""));
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().minDelta(Double.NaN));
  }

  /** A loss whose value follows a script, one value per epoch, with the MSE gradient. */
  private static final class Scripted implements Loss, Callback {
    private final double[] script;
    private int epoch;

    Scripted(double... script) {
      this.script = script;
    }

    @Override
    public void onEpochBegin(int epoch) {
      this.epoch = epoch;
    }

    @Override
    public double compute(Tensor yPred, Tensor yTrue) {
      return script[epoch];
    }

    @Override
    public Tensor gradient(Tensor yPred, Tensor yTrue) {
      return new MeanSquaredError().gradient(yPred, yTrue);
    }
  }

  /** Copies of the weights at the end of every epoch. */
  private static final class WeightRecorder implements Callback {
    final List<List<Tensor>> weights = new ArrayList<>();
    private Sequential model;

    @Override
    public void onTrainBegin(Sequential model) {
      this.model = model;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      weights.add(model.getWeights());
    }
  }

  private static History fit(Scripted loss, int epochs, Callback... callbacks) {
    Sequential model = new Sequential(new Linear(1, 5));
    model.compile(new SGD(0.1), loss);
    Tensor x = TestParts.uniform(1, 20, 2);
    Tensor y = TestParts.linearTarget(x, new double[] {1, -1}, 0.5);
    List<Callback> all = new ArrayList<>(List.of(loss));
    all.addAll(List.of(callbacks));
    History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(5).seed(4)
        .validationSplit(0.25).callbacks(all.toArray(new Callback[0])));
    lastModel = model;
    return h;
  }

  private static Sequential lastModel;

  @Test
  void fitStopsAtTheRightEpochAndRestoresTheBestWeights() {
    Scripted loss = new Scripted(3, 2, 1, 1.5, 1.2, 1.1, 0.5, 0.4);
    EarlyStopping stop = new EarlyStopping().patience(3).restoreBestWeights(true);
    WeightRecorder recorder = new WeightRecorder();
    History h = fit(loss, 8, stop, recorder);
    assertEquals(6, h.epochs(), "epochs 0..5 ran");
    double[] expected = {3, 2, 1, 1.5, 1.2, 1.1};
    assertEquals(expected.length, h.valLoss().size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], h.valLoss().get(i), 1e-12);
    }
    assertEquals(5, stop.stoppedEpoch());
    assertEquals(2, stop.bestEpoch());
    assertEquals(recorder.weights.get(2), lastModel.getWeights());
    assertNotEquals(recorder.weights.get(5), lastModel.getWeights());
  }

  @Test
  void bestWeightsAreRestoredAlsoWhenTrainingRunsToTheEnd() {
    Scripted loss = new Scripted(3, 1, 2);
    EarlyStopping stop = new EarlyStopping().patience(5).restoreBestWeights(true);
    WeightRecorder recorder = new WeightRecorder();
    History h = fit(loss, 3, stop, recorder);
    assertEquals(3, h.epochs());
    assertEquals(0, stop.stoppedEpoch());
    assertEquals(recorder.weights.get(1), lastModel.getWeights());
  }

  @Test
  void withoutRestoringTheLastWeightsStay() {
    Scripted loss = new Scripted(3, 2, 1, 1.5, 1.2);
    EarlyStopping stop = new EarlyStopping().patience(1);
    WeightRecorder recorder = new WeightRecorder();
    History h = fit(loss, 5, stop, recorder);
    assertEquals(4, h.epochs());
    assertEquals(recorder.weights.get(3), lastModel.getWeights());
    assertFalse(recorder.weights.get(2).equals(lastModel.getWeights()));
    assertTrue(lastModel.isStopTrainingRequested());
  }
}
