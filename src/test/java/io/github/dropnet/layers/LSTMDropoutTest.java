package io.github.dropnet.layers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LSTM variational dropout: one mask pair per call, shared by all steps and gates. */
class LSTMDropoutTest {

  @ParameterizedTest(name = "N={0} T={1} in={2} units={3} returnSequences={4} rates {5}, {6}")
  @CsvSource({
      "3, 4, 5, 3, true, 0.4, 0.3",
      "3, 4, 5, 3, false, 0.4, 0.3",
      "1, 1, 1, 1, true, 0.5, 0.5",
      "2, 5, 3, 4, false, 0.0, 0.6",
      "2, 5, 3, 4, true, 0.6, 0.0",
      "2, 3, 2, 2, false, 1.0, 1.0",
      "2, 3, 2, 2, true, 1.0, 0.2",
  })
  void trainingGradientsMatchFiniteDifferencesWithFixedMasks(
      int batch, int steps, int features, int units, boolean sequences,
      double rate, double recurrentRate) {
    LSTM lstm = new LSTM(units).returnSequences(sequences)
        .dropout(rate).recurrentDropout(recurrentRate).seed(77);
    Tensor x = GradientCheck.random(78, batch, steps, features);
    lstm.build(x.shape());
    lstm.setWeights(List.of(
        GradientCheck.random(79, features, 4 * units),
        GradientCheck.random(80, units, 4 * units),
        GradientCheck.random(81, 4 * units)));
    GradientCheck.check(Frozen.training(lstm, 5), x, 82);
  }

  @Test
  void fixedMasksReallyDropSomething() {
    LSTM lstm = new LSTM(3).returnSequences(true).dropout(0.4).recurrentDropout(0.3).seed(77);
    Tensor x = GradientCheck.random(78, 3, 4, 5);
    lstm.reseed(5);
    Tensor training = lstm.forward(x, true);
    assertFalse(Arrays.equals(training.data(), lstm.forward(x, false).data()));
  }

  /**
   * Unit j sees only feature j (candidate block of the kernel = I), with no recurrence, all
   * inputs 1 and a zero bias: a sequence whose feature j is dropped has h[:, j] = 0 at every
   * step, and one whose feature j is kept equals a plain LSTM with kernel 2I (1 / (1 - 0.5)).
   */
  @Test
  void oneInputMaskServesEveryTimeStep() {
    int units = 8;
    int batch = 6;
    int steps = 5;
    Tensor kernel = candidateIdentity(units);
    LSTM lstm = new LSTM(units).returnSequences(true).dropout(0.5).seed(3);
    lstm.build(-1, -1, units);
    lstm.setWeights(List.of(kernel, Tensor.zeros(units, 4 * units), Tensor.zeros(4 * units)));
    LSTM kept = new LSTM(units).returnSequences(true);
    kept.build(-1, -1, units);
    kept.setWeights(List.of(kernel.mul(2.0), Tensor.zeros(units, 4 * units),
        Tensor.zeros(4 * units)));

    Tensor x = Tensor.ones(batch, steps, units);
    assertOneMaskPerSequence(lstm.forward(x, true), Tensor.zeros(batch, steps, units),
        kept.forward(x, false));
  }

  /**
   * Unit j feeds back only into its own candidate gate (recurrent kernel = I on that block) and
   * every unit sees the same constant input: a sequence whose unit j is dropped from the
   * recurrent input follows an LSTM without recurrence at every step, and one whose unit j is
   * kept follows an LSTM with recurrent kernel 2I.
   */
  @Test
  void oneRecurrentMaskServesEveryTimeStep() {
    int units = 8;
    int batch = 6;
    int steps = 5;
    Tensor kernel = Tensor.zeros(1, 4 * units);
    for (int j = 0; j < units; j++) {
      kernel.set(1.0, 0, 2 * units + j);
    }
    Tensor selfLoop = candidateIdentity(units);
    Tensor bias = Tensor.zeros(4 * units);
    LSTM lstm = new LSTM(units).returnSequences(true).recurrentDropout(0.5).seed(4);
    lstm.build(-1, -1, 1);
    lstm.setWeights(List.of(kernel, selfLoop, bias));
    LSTM dropped = new LSTM(units).returnSequences(true);
    dropped.build(-1, -1, 1);
    dropped.setWeights(List.of(kernel, Tensor.zeros(units, 4 * units), bias));
    LSTM kept = new LSTM(units).returnSequences(true);
    kept.build(-1, -1, 1);
    kept.setWeights(List.of(kernel, selfLoop.mul(2.0), bias));

    Tensor x = Tensor.ones(batch, steps, 1);
    assertOneMaskPerSequence(lstm.forward(x, true), dropped.forward(x, false),
        kept.forward(x, false));
  }

  @Test
  void masksChangeBetweenCallsAndRepeatAfterReseed() {
    LSTM lstm = new LSTM(4).dropout(0.5).recurrentDropout(0.5).seed(1);
    Tensor x = GradientCheck.random(2, 3, 6, 5);
    double[] first = lstm.forward(x, true).toArray();
    double[] second = lstm.forward(x, true).toArray();
    assertFalse(Arrays.equals(first, second));
    lstm.reseed(1);
    assertArrayEquals(first, lstm.forward(x, true).data());
    assertArrayEquals(second, lstm.forward(x, true).data());
  }

  @Test
  void seededInstancesDrawTheSameMasks() {
    Tensor x = GradientCheck.random(2, 3, 6, 5);
    Tensor g = GradientCheck.random(3, 3, 6, 4);
    LSTM a = new LSTM(4).returnSequences(true).dropout(0.3).recurrentDropout(0.4).seed(99);
    LSTM b = new LSTM(4).returnSequences(true).dropout(0.3).recurrentDropout(0.4).seed(99);
    for (int call = 0; call < 3; call++) {
      assertArrayEquals(a.forward(x, true).data(), b.forward(x, true).data(), "call " + call);
      assertArrayEquals(a.backward(g).data(), b.backward(g).data(), "call " + call);
    }
    LSTM c = new LSTM(4).returnSequences(true).dropout(0.3).recurrentDropout(0.4).seed(99);
    c.build(x.shape());
    c.reseed(100);
    assertFalse(Arrays.equals(a.forward(x, true).data(), c.forward(x, true).data()));
  }

  @Test
  void inferenceIgnoresDropout() {
    Tensor x = GradientCheck.random(6, 3, 6, 5);
    Tensor g = GradientCheck.random(7, 3, 4);
    LSTM noisy = new LSTM(4).dropout(0.5).recurrentDropout(0.5).seed(12);
    LSTM plain = new LSTM(4).seed(12);
    noisy.forward(x, true);
    assertArrayEquals(plain.forward(x, false).data(), noisy.forward(x, false).data());
    assertArrayEquals(plain.backward(g).data(), noisy.backward(g).data());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(plain.getGradients().get(i).data(), noisy.getGradients().get(i).data());
    }
  }

  @Test
  void rateOneDropsEverythingWithoutNaN() {
    Tensor x = GradientCheck.random(6, 2, 4, 3);
    x.set(Double.POSITIVE_INFINITY, 0, 1, 2);
    x.set(Double.NaN, 1, 3, 0);
    LSTM all = new LSTM(3).returnSequences(true).dropout(1).recurrentDropout(1).seed(2);
    Tensor y = all.forward(x, true);
    Tensor dx = all.backward(Tensor.ones(y.shape()));

    // only the bias is left: the same as an LSTM with zero kernels on any input
    LSTM biasOnly = new LSTM(3).returnSequences(true).seed(2);
    biasOnly.build(x.shape());
    biasOnly.setWeights(List.of(Tensor.zeros(3, 12), Tensor.zeros(3, 12),
        all.getWeights().get(2)));
    assertClose(biasOnly.forward(Tensor.zeros(2, 4, 3), false), y, "rate 1 output");
    for (double v : dx.data()) {
      assertEquals(0.0, v);
    }
    for (double v : all.getGradients().get(0).data()) {
      assertEquals(0.0, v);
    }
    for (double v : all.getGradients().get(1).data()) {
      assertEquals(0.0, v);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsRatesOutsideTheUnitInterval(double rate) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LSTM(2).dropout(rate));
    assertEquals("LSTM: dropout must be in [0, 1], received " + rate, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LSTM(2).recurrentDropout(rate));
    assertEquals("LSTM: recurrentDropout must be in [0, 1], received " + rate, e.getMessage());
  }

  @Test
  void acceptsTheEndsOfTheUnitInterval() {
    LSTM lstm = new LSTM(2).dropout(0).recurrentDropout(1).dropout(1).recurrentDropout(0);
    assertEquals(1.0, lstm.dropout());
    assertEquals(0.0, lstm.recurrentDropout());
  }

  /** A (u, 4u) matrix that is the identity on the candidate block and 0 elsewhere. */
  private static Tensor candidateIdentity(int units) {
    Tensor k = Tensor.zeros(units, 4 * units);
    for (int j = 0; j < units; j++) {
      k.set(1.0, j, 2 * units + j);
    }
    return k;
  }

  /**
   * Checks that every (sequence, unit) of {@code y} (N, T, u) follows {@code droppedY} at every
   * step or {@code keptY} at every step, never a mix of the two; that rate 0.5 dropped some and
   * kept some; and that the sequences did not all get the same mask row.
   */
  private static void assertOneMaskPerSequence(Tensor y, Tensor droppedY, Tensor keptY) {
    int[] shape = y.shape();
    int droppedCount = 0;
    int keptCount = 0;
    Set<String> rows = new HashSet<>();
    for (int b = 0; b < shape[0]; b++) {
      StringBuilder row = new StringBuilder();
      for (int j = 0; j < shape[2]; j++) {
        boolean isDropped = matchesAllSteps(y, droppedY, b, j);
        boolean isKept = matchesAllSteps(y, keptY, b, j);
        assertTrue(isDropped ^ isKept,
            "sequence " + b + " unit " + j + " must follow one mask value at every step");
        droppedCount += isDropped ? 1 : 0;
        keptCount += isKept ? 1 : 0;
        row.append(isDropped ? '0' : '1');
      }
      rows.add(row.toString());
    }
    assertTrue(droppedCount > 0 && keptCount > 0, "rate 0.5 should drop some, not all");
    assertTrue(rows.size() > 1, "each sequence has its own mask row");
  }

  private static boolean matchesAllSteps(Tensor y, Tensor reference, int b, int j) {
    for (int t = 0; t < y.dim(1); t++) {
      double e = reference.get(b, t, j);
      if (!(Math.abs(y.get(b, t, j) - e) <= 1e-12 + 1e-12 * Math.abs(e))) {
        return false;
      }
    }
    return true;
  }
}
