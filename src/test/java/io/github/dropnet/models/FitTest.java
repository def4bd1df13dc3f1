package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.models.TestParts.Linear;
import io.github.dropnet.models.TestParts.Noise;
import io.github.dropnet.models.TestParts.Tanh;
import io.github.dropnet.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FitTest {
  private static final double[] W = {0.5, -1.5, 2.0};
  private static final double B = 0.25;

  private static Sequential linearModel() {
    Sequential model = new Sequential(new Linear(1, 7));
    model.compile(new SGD(0.1), new MeanSquaredError());
    return model;
  }

  @Test
  void aLinearModelFitsALinearRegression() {
    Tensor x = TestParts.uniform(1, 200, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = linearModel();
    History h = model.fit(x, y, 60, 16);
    assertEquals(60, h.epochs());
    assertEquals(60, h.loss().size());
    assertTrue(h.loss().get(0) > 0.1, "starts off: " + h.loss());
    assertTrue(h.loss().get(59) < 1e-6, "converges: " + h.loss());
    assertTrue(model.evaluate(x, y) < 1e-6);
    List<Tensor> w = model.getWeights();
    for (int i = 0; i < 3; i++) {
      assertEquals(W[i], w.get(0).get(i, 0), 1e-3);
    }
    assertEquals(B, w.get(1).get(0), 1e-3);
  }

  @Test
  void takesCeilOfRowsOverBatchSizeStepsPerEpoch() {
    SGD sgd = new SGD(0.01);
    Sequential model = new Sequential(new Linear(1, 7));
    model.compile(sgd, new MeanSquaredError());
    Tensor x = TestParts.uniform(1, 10, 3);
    model.fit(x, TestParts.linearTarget(x, W, B), 3, 4);
    assertEquals(3 * 3, sgd.iterations());
  }

  @Test
  void theEpochLossIsTheMeanOfTheBatchLossesWeightedByBatchSize() {
    // with a learning rate of 0 the weights never move, so the epoch loss is the loss over all rows
    Sequential model = new Sequential(new Linear(1, 7));
    model.compile(new SGD(0), new MeanSquaredError());
    Tensor x = TestParts.uniform(2, 10, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    double whole = new MeanSquaredError().compute(model.predict(x), y);
    History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(4).seed(1));
    assertEquals(whole, h.loss().get(0), 1e-12);
    assertEquals(whole, h.loss().get(1), 1e-12);
  }

  private static Sequential noisyModel() {
    Sequential model =
        new Sequential(new Linear(8, 3), new Tanh(), new Noise(0.3, 99), new Linear(1, 4));
    model.compile(new SGD(0.05), new MeanSquaredError());
    return model;
  }

  @Test
  void seededFitsAreBitIdentical() {
    Tensor x = TestParts.uniform(3, 64, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    FitOptions options = new FitOptions().epochs(5).batchSize(10).seed(1234)
        .validationSplit(0.25);
    Sequential a = noisyModel();
    Sequential b = noisyModel();
    // the layers' own streams differ: the fit's seed must override them
    b.layers().get(2).forward(Tensor.ones(1, 8), true);
    History ha = a.fit(x, y, options);
    History hb = b.fit(x, y, options);
    assertEquals(ha.asMap(), hb.asMap());
    assertEquals(a.getWeights(), b.getWeights());

    Sequential c = noisyModel();
    History hc = c.fit(x, y, new FitOptions().epochs(5).batchSize(10).seed(1235).validationSplit(0.25));
    assertFalse(ha.loss().equals(hc.loss()), "another seed, another run");
  }

  @Test
  void withoutShufflingTheRowsKeepTheirOrder() {
    Tensor x = TestParts.uniform(4, 20, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential a = linearModel();
    Sequential b = linearModel();
    a.fit(x, y, new FitOptions().epochs(2).batchSize(5).shuffle(false));
    b.fit(x, y, new FitOptions().epochs(2).batchSize(5).shuffle(false));
    assertEquals(a.getWeights(), b.getWeights());

    // the same as stepping by hand through consecutive slices
    Sequential manual = new Sequential(new Linear(1, 7));
    manual.build(-1, 3);
    MeanSquaredError mse = new MeanSquaredError();
    SGD sgd = new SGD(0.1);
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int from = 0; from < 20; from += 5) {
        Tensor xb = Rows.slice(x, from, from + 5);
        Tensor pred = manual.forward(xb, true);
        manual.backward(mse.gradient(pred, Rows.slice(y, from, from + 5)));
        sgd.step(manual.parameters(), manual.gradients());
      }
    }
    assertEquals(manual.getWeights(), a.getWeights());
  }

  @Test
  void validationDataAppearInTheHistory() {
    Tensor x = TestParts.uniform(5, 40, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Tensor xv = TestParts.uniform(6, 10, 3);
    Tensor yv = TestParts.linearTarget(xv, W, B);
    Sequential model = linearModel();
    List<Double> expectedVal = new ArrayList<>();
    Callback probe = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        expectedVal.add(model.evaluate(xv, yv, 8)); // validation batches are fit's batches
      }
    };
    History h = model.fit(x, y, new FitOptions().epochs(3).batchSize(8).seed(2)
        .validationData(xv, yv).callbacks(probe));
    assertEquals(List.of("loss", "val_loss"), new ArrayList<>(h.asMap().keySet()));
    assertEquals(expectedVal, h.valLoss());
    assertEquals(h.valLoss(), h.metric("val_loss"));
  }

  @Test
  void validationSplitHoldsOutTheLastRows() {
    Tensor x = TestParts.uniform(7, 50, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = new Sequential(new Linear(1, 7));
    SGD sgd = new SGD(0.05);
    model.compile(sgd, new MeanSquaredError());
    List<Double> expectedVal = new ArrayList<>();
    Tensor held = Rows.slice(x, 40, 50);
    Tensor heldY = Rows.slice(y, 40, 50);
    Callback probe = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        expectedVal.add(model.evaluate(held, heldY));
      }
    };
    History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(10).validationSplit(0.2)
        .callbacks(probe));
    assertEquals(2 * 4, sgd.iterations(), "40 training rows in batches of 10");
    assertEquals(expectedVal, h.valLoss());

    // validation data win over a split, as in Keras
    SGD sgd2 = new SGD(0.05);
    model.compile(sgd2, new MeanSquaredError());
    model.fit(x, y, new FitOptions().epochs(1).batchSize(10).validationSplit(0.2)
        .validationData(held, heldY));
    assertEquals(5, sgd2.iterations());
  }

  @Test
  void metricsAreReportedForTrainingAndValidation() {
    // a fixed classifier (learning rate 0): accuracy over all rows is known
    Sequential model = new Sequential(new Linear(2, 3));
    model.compile(new SGD(0), new MeanSquaredError(), Metric.accuracy());
    Tensor x = TestParts.uniform(8, 30, 3);
    Tensor pred = model.predict(x);
    double[] oneHot = new double[60];
    for (int r = 0; r < 30; r++) {
      // rows 0..19 labelled with the predicted class, the rest with the other one
      int argmax = pred.get(r, 1) > pred.get(r, 0) ? 1 : 0;
      oneHot[r * 2 + (r < 20 ? argmax : 1 - argmax)] = 1;
    }
    Tensor y = Tensor.wrap(oneHot, 30, 2);
    History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(7).seed(3)
        .validationData(Rows.slice(x, 0, 10), Rows.slice(y, 0, 10)));
    assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"),
        new ArrayList<>(h.asMap().keySet()));
    assertEquals(20.0 / 30, h.metric("accuracy").get(0), 1e-12);
    assertEquals(20.0 / 30, h.metric("accuracy").get(1), 1e-12);
    assertEquals(List.of(1.0, 1.0), h.valMetric("accuracy"));
    assertEquals(20.0 / 30, model.evaluateMetrics(x, y).get("accuracy"), 1e-12);
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> h.metric("precision"));
    assertTrue(missing.getMessage().contains("[loss, accuracy, val_loss, val_accuracy]"));
  }

  @Test
  void callbacksSeeEveryEventInOrder() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = linearModel();
    List<String> events = new ArrayList<>();
    Callback recorder = new Callback() {
      @Override
      public void onTrainBegin(Sequential m) {
        events.add("train begin " + (m == model));
      }

      @Override
      public void onEpochBegin(int epoch) {
        events.add("epoch begin " + epoch);
      }

      @Override
      public void onBatchEnd(int batch, Map<String, Double> logs) {
        events.add("batch " + batch + " " + logs.keySet());
      }

      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        events.add("epoch end " + epoch + " " + logs.keySet());
      }

      @Override
      public void onTrainEnd(Map<String, Double> logs) {
        events.add("train end " + logs.keySet());
      }
    };
    model.fit(x, y, new FitOptions().epochs(2).batchSize(6).validationData(x, y).callbacks(recorder));
    assertEquals(List.of(
        "train begin true",
        "epoch begin 0", "batch 0 [loss]", "batch 1 [loss]", "epoch end 0 [loss, val_loss]",
        "epoch begin 1", "batch 0 [loss]", "batch 1 [loss]", "epoch end 1 [loss, val_loss]",
        "train end [loss, val_loss]"), events);
  }

  @Test
  void whatACallbackAddsToTheLogsReachesLaterCallbacksTheHistoryAndTheProgressLine() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = linearModel();
    List<Double> seen = new ArrayList<>();
    Callback adds = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("lr", 0.1 * (epoch + 1)); // as Keras' ReduceLROnPlateau reports its rate
      }
    };
    Callback reads = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        seen.add(logs.get("lr"));
      }
    };
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(5).callbacks(adds, reads)
        .verbose(2).output(new PrintStream(bytes, true)));
    assertEquals(List.of(0.1, 0.2), seen);
    assertEquals(List.of(0.1, 0.2), h.metric("lr"));
    assertTrue(bytes.toString().contains(" - lr: 0.1000\n"), bytes.toString());
  }

  @Test
  void aStopRequestEndsTheEpochAndTheFit() {
    Tensor x = TestParts.uniform(9, 40, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = new Sequential(new Linear(1, 7));
    SGD sgd = new SGD(0.1);
    model.compile(sgd, new MeanSquaredError());
    List<Integer> epochsEnded = new ArrayList<>();
    Callback stopper = new Callback() {
      Sequential m;

      @Override
      public void onTrainBegin(Sequential m) {
        this.m = m;
      }

      @Override
      public void onBatchEnd(int batch, Map<String, Double> logs) {
        if (batch == 1) {
          m.stopTraining();
        }
      }

      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochsEnded.add(epoch);
      }
    };
    History h = model.fit(x, y, new FitOptions().epochs(5).batchSize(10).callbacks(stopper));
    assertEquals(2, sgd.iterations(), "stopped after the second batch");
    assertEquals(List.of(0), epochsEnded);
    assertEquals(1, h.epochs());
    assertTrue(model.isStopTrainingRequested());
    // the next fit clears the request
    model.fit(x, y, 1, 10);
    assertEquals(2 + 4, sgd.iterations());
    assertFalse(model.isStopTrainingRequested());
  }

  @Test
  void zeroEpochsTrainNothing() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Sequential model = linearModel();
    model.build(-1, 3);
    List<Tensor> before = model.getWeights();
    History h = model.fit(x, TestParts.linearTarget(x, W, B), 0, 4);
    assertEquals(0, h.epochs());
    assertEquals(List.of(), h.loss());
    assertEquals(before, model.getWeights());
  }

  @Test
  void fitMisuseIsReportedClearly() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential uncompiled = new Sequential(new Linear(1, 7));
    IllegalStateException notCompiled =
        assertThrows(IllegalStateException.class, () -> uncompiled.fit(x, y, 1, 4));
    assertEquals(
        "Sequential: fit needs an optimizer and a loss; call compile(optimizer, loss) first",
        notCompiled.getMessage());

    Sequential model = linearModel();
    assertEquals(
        "fit: x and y must have the same number of rows, received x (10, 3) and y (9, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> model.fit(x, Rows.slice(y, 0, 9), 1, 4)).getMessage());
    assertEquals(
        "fit: batchSize must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> model.fit(x, y, 1, 0)).getMessage());
    assertEquals(
        "fit: epochs must be >= 0, received -1",
        assertThrows(IllegalArgumentException.class, () -> model.fit(x, y, -1, 4)).getMessage());
    assertEquals(
        "fit: validationSplit must be in [0, 1), received 1.0",
        assertThrows(IllegalArgumentException.class,
            () -> new FitOptions().validationSplit(1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FitOptions().validationSplit(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new FitOptions().validationSplit(Double.NaN));
    assertEquals(
        "fit: validationSplit 0.95 of 10 rows leaves 0 training and 10 validation rows; both need "
            + "at least 1",
        assertThrows(IllegalArgumentException.class,
            () -> model.fit(x, y, new FitOptions().validationSplit(0.95))).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> model.fit(x, y, new FitOptions().validationSplit(1e-17)), "no validation rows");
    assertEquals(
        "fit: validation x and y must have the same number of rows, received x (10, 3) and y (9, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> new FitOptions().validationData(x, Rows.slice(y, 0, 9))).getMessage());
    assertEquals(
        "fit: x has no rows, received shape (0, 3)",
        assertThrows(IllegalArgumentException.class,
            () -> model.fit(Tensor.zeros(0, 3), Tensor.zeros(0, 1), 1, 4)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FitOptions().verbose(3));
    assertThrows(IllegalArgumentException.class, () -> model.fit(x, y, null));
  }

  @Test
  void evaluateAndPredictMisuseNameTheirOwnCall() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Tensor y = TestParts.linearTarget(x, W, B);
    Sequential model = linearModel();
    assertEquals(
        "evaluate: x and y must have the same number of rows, received x (10, 3) and y (9, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> model.evaluate(x, Rows.slice(y, 0, 9))).getMessage());
    assertEquals("evaluate: x and y must not be null",
        assertThrows(IllegalArgumentException.class,
            () -> model.evaluateMetrics(x, null)).getMessage());
    // an unbuilt model builds from the input with its batch left open: the message gives both
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sequential(new Linear(1, 7)).predict(Tensor.ones(3)));
    assertTrue(e.getMessage().startsWith(
        "Sequential: cannot build for inputs of shape (3,) (batch left open, (-1,)): "),
        e.getMessage());
  }

  @Test
  void lossErrorsPropagate() {
    Sequential model = new Sequential(new Linear(2, 7));
    Loss strict = new Loss() {
      @Override
      public double compute(Tensor yPred, Tensor yTrue) {
        if (yPred.dim(1) != yTrue.dim(1)) {
          throw new IllegalArgumentException("Strict: shapes differ");
        }
        return 0;
      }

      @Override
      public Tensor gradient(Tensor yPred, Tensor yTrue) {
        return Tensor.zeros(yPred.shape());
      }
    };
    model.compile(new SGD(0.1), strict);
    Tensor x = TestParts.uniform(9, 10, 3);
    assertEquals("Strict: shapes differ",
        assertThrows(IllegalArgumentException.class,
            () -> model.fit(x, Tensor.zeros(10, 1), 1, 4)).getMessage());
  }

  @Test
  void historyToStringAndMapAreKerasShaped() {
    Tensor x = TestParts.uniform(9, 10, 3);
    Sequential model = linearModel();
    History h = model.fit(x, TestParts.linearTarget(x, W, B), new FitOptions().epochs(2).seed(1)
        .validationSplit(0.2));
    Map<String, List<Double>> map = h.asMap();
    assertEquals(h.loss(), map.get("loss"));
    assertThrows(UnsupportedOperationException.class, () -> map.put("x", List.of()));
    assertTrue(h.toString().startsWith("History[epochs=2, loss=["), h.toString());
    assertTrue(h.toString().contains(", val_loss=["), h.toString());
    assertTrue(h.has("val_loss"));
    assertFalse(h.has("accuracy"));
    assertArrayEquals(new int[] {-1, 3}, model.inputShape());
  }
}
