package io.github.dropnet.layers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LSTM without dropout: golden values, gradients, initialisation, validation, threads. */
class LSTMTest {

  // ---- golden values

  @ParameterizedTest
  @ValueSource(strings = {"lstm_return_sequences", "lstm_last_output", "lstm_t1_batch1"})
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    assertEquals("tanh", f.attr("activation"));
    assertEquals("sigmoid", f.attr("recurrent_activation"));
    Tensor x = f.tensor("input");
    // training without dropout must be the same computation as inference
    for (boolean training : new boolean[] {false, true}) {
      LSTM lstm = new LSTM(f.intAttr("units")).returnSequences(f.boolAttr("return_sequences"));
      lstm.build(x.shape());
      lstm.setWeights(List.of(f.tensor("kernel"), f.tensor("recurrent_kernel"), f.tensor("bias")));

      assertClose(f.tensor("output"), lstm.forward(x, training), name + " output");
      assertClose(f.tensor("grad_input"), lstm.backward(f.tensor("grad_output")),
          name + " grad_input");
      List<Tensor> grads = lstm.getGradients();
      assertClose(f.tensor("grad_kernel"), grads.get(0), name + " grad_kernel");
      assertClose(f.tensor("grad_recurrent_kernel"), grads.get(1),
          name + " grad_recurrent_kernel");
      assertClose(f.tensor("grad_bias"), grads.get(2), name + " grad_bias");
    }
  }

  // ---- gradients

  /** Edge sizes (batch 1, T = 1, one feature) and every unit count from 1 to 5, both modes. */
  static Stream<Arguments> configurations() {
    List<Arguments> cases = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(20240611L);
    for (boolean sequences : new boolean[] {false, true}) {
      cases.add(Arguments.of(1, 1, 1, 1, sequences));
      cases.add(Arguments.of(1, 1, 3, 2, sequences));
      cases.add(Arguments.of(2, 1, 1, 3, sequences));
      cases.add(Arguments.of(1, 4, 1, 1, sequences));
      for (int units = 1; units <= 5; units++) {
        for (int repeat = 0; repeat < 2; repeat++) {
          cases.add(Arguments.of(
              rng.nextInt(1, 4), rng.nextInt(1, 5), rng.nextInt(1, 5), units, sequences));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "N={0} T={1} in={2} units={3} returnSequences={4}")
  @MethodSource("configurations")
  void gradientsMatchFiniteDifferences(
      int batch, int steps, int features, int units, boolean sequences) {
    long seed = 1000L * batch + 100L * steps + 10L * features + units + (sequences ? 7 : 0);
    LSTM lstm = new LSTM(units).returnSequences(sequences).seed(seed);
    Tensor x = GradientCheck.random(seed, batch, steps, features);
    lstm.build(x.shape());
    // weights spread wider than the initial ones, so every gate works away from its linear part
    lstm.setWeights(List.of(
        GradientCheck.random(seed + 1, features, 4 * units).mul(1.5),
        GradientCheck.random(seed + 2, units, 4 * units).mul(1.5),
        GradientCheck.random(seed + 3, 4 * units)));
    GradientCheck.check(lstm, x, seed);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithInitialWeights() {
    LSTM lstm = new LSTM(4).returnSequences(true).seed(11);
    GradientCheck.check(lstm, GradientCheck.random(12, 3, 5, 2), 13);
  }

  @Test
  void weightGradientsAreOverwrittenByEachBackward() {
    LSTM lstm = new LSTM(3).seed(4);
    Tensor x = GradientCheck.random(5, 2, 3, 2);
    Tensor g = GradientCheck.random(6, 2, 3);
    lstm.forward(x, true);
    lstm.backward(g);
    List<Tensor> first = lstm.getGradients();
    lstm.forward(x, true);
    lstm.backward(g);
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i).data(), lstm.getGradients().get(i).data());
      assertArrayEquals(first.get(i).data(), lstm.gradients().get(i).data());
    }
  }

  // ---- initialisation

  @Test
  void seededInitialisationIsDeterministic() {
    LSTM a = new LSTM(7).seed(5);
    LSTM b = new LSTM(7).seed(5);
    a.build(-1, -1, 3);
    b.build(4, 9, 3);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(a.getWeights().get(i).data(), b.getWeights().get(i).data());
    }
    LSTM other = new LSTM(7).seed(6);
    other.build(-1, -1, 3);
    assertFalse(java.util.Arrays.equals(
        a.getWeights().get(0).data(), other.getWeights().get(0).data()));
  }

  @Test
  void unseededLayersStartDifferently() {
    LSTM a = new LSTM(4);
    LSTM b = new LSTM(4);
    a.build(-1, -1, 3);
    b.build(-1, -1, 3);
    assertFalse(java.util.Arrays.equals(
        a.getWeights().get(0).data(), b.getWeights().get(0).data()));
  }

  @Test
  void initialWeightsFollowKeras() {
    int units = 6;
    int features = 5;
    LSTM lstm = new LSTM(units).seed(21);
    lstm.build(-1, -1, features);
    List<Tensor> w = lstm.getWeights();
    assertArrayEquals(new int[] {features, 4 * units}, w.get(0).shape());
    assertArrayEquals(new int[] {units, 4 * units}, w.get(1).shape());
    assertArrayEquals(new int[] {4 * units}, w.get(2).shape());

    double limit = Math.sqrt(6.0 / (features + 4 * units));
    double maxAbs = 0;
    for (double v : w.get(0).data()) {
      assertTrue(Math.abs(v) <= limit, "kernel value " + v + " beyond the glorot limit " + limit);
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assertTrue(maxAbs > limit / 2, "kernel values should spread over the glorot range");

    // orthonormal rows: U . U^T = I
    double[] u = w.get(1).data();
    for (int r = 0; r < units; r++) {
      for (int s = 0; s < units; s++) {
        double dot = 0;
        for (int k = 0; k < 4 * units; k++) {
          dot += u[r * 4 * units + k] * u[s * 4 * units + k];
        }
        assertEquals(r == s ? 1.0 : 0.0, dot, 1e-12, "U.U^T at (" + r + ", " + s + ")");
      }
    }

    double[] bias = w.get(2).data();
    for (int k = 0; k < 4 * units; k++) {
      assertEquals(k >= units && k < 2 * units ? 1.0 : 0.0, bias[k], "bias[" + k + "]");
    }
  }

  // ---- shapes, weights and validation

  @Test
  void outputShapes() {
    assertArrayEquals(new int[] {-1, 4}, new LSTM(4).outputShape(-1, -1, 3));
    assertArrayEquals(new int[] {-1, -1, 4},
        new LSTM(4).returnSequences(true).outputShape(-1, -1, 3));
    assertArrayEquals(new int[] {2, 5, 4},
        new LSTM(4).returnSequences(true).outputShape(2, 5, 3));
    assertArrayEquals(new int[] {2, 4}, new LSTM(4).forward(Tensor.zeros(2, 5, 3)).shape());
    assertArrayEquals(new int[] {2, 5, 4},
        new LSTM(4).returnSequences(true).forward(Tensor.zeros(2, 5, 3)).shape());
  }

  @Test
  void batchAndStepsMayChangeAfterBuild() {
    LSTM lstm = new LSTM(3).returnSequences(true).seed(1);
    lstm.build(4, 6, 2);
    assertArrayEquals(new int[] {1, 2, 3}, lstm.forward(Tensor.zeros(1, 2, 2)).shape());
    assertArrayEquals(new int[] {0, 9, 3}, lstm.forward(Tensor.zeros(0, 9, 2)).shape());
    assertArrayEquals(new int[] {7, 9, 3}, lstm.outputShape(7, 9, 2));
  }

  @Test
  void paramCountAndToString() {
    LSTM lstm = new LSTM(128);
    assertEquals(0, lstm.paramCount());
    lstm.build(-1, 50, 32);
    assertEquals(4 * 128 * (32 + 128 + 1), lstm.paramCount());
    assertEquals("LSTM[units=128, returnSequences=false, dropout=0.0, recurrentDropout=0.0]",
        lstm.toString());
    assertEquals("LSTM[units=3, returnSequences=true, dropout=0.25, recurrentDropout=0.5]",
        new LSTM(3).returnSequences(true).dropout(0.25).recurrentDropout(0.5).toString());
  }

  @Test
  void getters() {
    LSTM lstm = new LSTM(9).returnSequences(true).dropout(0.1).recurrentDropout(0.2);
    assertEquals(9, lstm.units());
    assertTrue(lstm.returnSequences());
    assertEquals(0.1, lstm.dropout());
    assertEquals(0.2, lstm.recurrentDropout());
    LSTM plain = new LSTM(2);
    assertFalse(plain.returnSequences());
    assertEquals(0.0, plain.dropout());
    assertEquals(0.0, plain.recurrentDropout());
  }

  @Test
  void weightsAreCopiesAndParametersAreLive() {
    LSTM lstm = new LSTM(2).seed(3);
    lstm.build(-1, -1, 3);
    Tensor kernel = lstm.getWeights().get(0);
    double original = kernel.data()[0];
    kernel.data()[0] = 42;
    assertEquals(original, lstm.getWeights().get(0).data()[0]);

    List<Tensor> given = List.of(Tensor.full(0.5, 3, 8), Tensor.full(-0.5, 2, 8),
        Tensor.full(0.25, 8));
    lstm.setWeights(given);
    given.get(0).data()[0] = 9;
    assertEquals(0.5, lstm.getWeights().get(0).data()[0]);

    lstm.parameters().get(2).data()[1] = 3;
    assertEquals(3, lstm.getWeights().get(2).data()[1]);
    assertEquals(List.of(), new LSTM(2).getWeights());
    assertEquals(List.of(), new LSTM(2).getGradients());
  }

  @Test
  void rejectsNonPositiveUnits() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LSTM(0));
    assertEquals("LSTM: units must be a positive integer, received 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LSTM(-3));
  }

  @Test
  void rejectsWrongRank() {
    LSTM lstm = new LSTM(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lstm.forward(Tensor.zeros(3, 5), false));
    assertEquals("LSTM: expected an input of rank 3 (N, T, features), received shape (3, 5)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> lstm.outputShape(3, 5, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> lstm.build(5, 2));
  }

  @Test
  void rejectsShapesWithoutStepsOrFeatures() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LSTM(4).forward(Tensor.zeros(3, 0, 2), false));
    assertTrue(e.getMessage().contains("(3, 0, 2)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LSTM(4).build(3, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new LSTM(4).outputShape(3, -2, 2));
    e = assertThrows(IllegalArgumentException.class, () -> new LSTM(4).build(-1, -1, -1));
    assertTrue(e.getMessage().contains("(-1, -1, -1)"), e.getMessage());
  }

  @Test
  void rejectsOtherFeatureCountAfterBuild() {
    LSTM lstm = new LSTM(4);
    lstm.build(3, 5, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lstm.forward(Tensor.zeros(3, 5, 4), false));
    assertTrue(e.getMessage().startsWith("LSTM: "), e.getMessage());
    assertTrue(e.getMessage().contains("(3, 5, 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("(3, 5, 4)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> lstm.outputShape(-1, -1, 3));
  }

  @Test
  void setWeightsChecksStateCountAndShapes() {
    LSTM lstm = new LSTM(2);
    List<Tensor> good = List.of(Tensor.zeros(3, 8), Tensor.zeros(2, 8), Tensor.zeros(8));
    IllegalStateException notBuilt =
        assertThrows(IllegalStateException.class, () -> lstm.setWeights(good));
    assertTrue(notBuilt.getMessage().startsWith("LSTM: "), notBuilt.getMessage());

    lstm.build(-1, -1, 3);
    lstm.setWeights(good);
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> lstm.setWeights(List.of(Tensor.zeros(3, 8), Tensor.zeros(2, 8))));
    assertEquals("LSTM: setWeights expected 3 tensors, received 2", count.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> lstm.setWeights(List.of(Tensor.zeros(3, 8), Tensor.zeros(8, 2), Tensor.zeros(8))));
    assertEquals("LSTM: setWeights expected weight 1 of shape (2, 8), received (8, 2)",
        shape.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> lstm.setWeights(List.of(Tensor.zeros(3, 8), Tensor.zeros(2, 8), Tensor.zeros(4))));
  }

  @Test
  void backwardChecksStateAndGradientShape() {
    LSTM lstm = new LSTM(3);
    lstm.build(-1, -1, 2);
    IllegalStateException early =
        assertThrows(IllegalStateException.class, () -> lstm.backward(Tensor.zeros(2, 3)));
    assertEquals("LSTM: backward called before forward", early.getMessage());

    lstm.forward(Tensor.zeros(2, 4, 2), true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lstm.backward(Tensor.zeros(2, 4, 3)));
    assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 4, 3)"), e.getMessage());
  }

  @Test
  void settersThrowAfterBuild() {
    LSTM lstm = new LSTM(3);
    lstm.forward(Tensor.zeros(1, 2, 2), false);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> lstm.returnSequences(true));
    assertEquals("LSTM: returnSequences must be called before the layer is built",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> lstm.dropout(0.1));
    assertThrows(IllegalStateException.class, () -> lstm.recurrentDropout(0.1));
    assertThrows(IllegalStateException.class, () -> lstm.seed(1));
  }

  @Test
  void saturatedGatesStayFinite() {
    LSTM lstm = new LSTM(3).returnSequences(true).seed(8);
    Tensor x = GradientCheck.random(9, 2, 6, 4).mul(1e6);
    Tensor y = lstm.forward(x, true);
    Tensor dx = lstm.backward(Tensor.ones(y.shape()));
    for (double v : y.data()) {
      assertTrue(Double.isFinite(v));
    }
    for (double v : dx.data()) {
      assertTrue(Double.isFinite(v));
    }
  }

  // ---- threads

  @Test
  void inferenceFromFourThreadsEqualsOneThread() throws Exception {
    LSTM lstm = new LSTM(16).returnSequences(true).dropout(0.5).recurrentDropout(0.5).seed(3);
    lstm.build(-1, -1, 8);
    List<Tensor> inputs = new ArrayList<>();
    List<double[]> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Tensor x = GradientCheck.random(100 + i, 1 + i, 3 + i, 8);
      inputs.add(x);
      expected.add(lstm.forward(x, false).toArray());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int worker = 0; worker < 4; worker++) {
        int start = worker;
        results.add(pool.submit(() -> {
          for (int round = 0; round < 30; round++) {
            int i = (start + round) % inputs.size();
            if (!java.util.Arrays.equals(expected.get(i), lstm.forward(inputs.get(i)).data())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get(), "a concurrent inference differed from the single-thread result");
      }
    } finally {
      pool.shutdown();
    }
  }
}
