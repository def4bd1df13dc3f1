package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.nonZero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The questions users ask about dropout, and the worked examples they learn from, replayed
 * against this layer; plus the examples of Dropout's own documentation.
 */
class DropoutDocExamplesTest {

  /** The (2, 3, 4) tensor of the Keras noise_shape answer. */
  private static final Tensor KERAS_X = Tensor.of(new double[] {
      1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13,
      14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, 2, 3, 4);

  // ---- "Keras Dropout with noise_shape", answer 1 ----

  @Test
  void noiseShape214KeepsOrDropsAllThreeTimestepsOfEachFeatureTogether() {
    for (double rate : new double[] {0.5, 0.3}) {
      double scale = 1 / (1 - rate);
      int[][] keptCount = new int[2][4];
      int draws = 200;
      boolean samplesDiffered = false;
      Dropout d = new Dropout(rate, 2, 1, 4).seed(2017);
      for (int call = 0; call < draws; call++) {
        Tensor y = d.forward(KERAS_X, true);
        for (int f = 0; f < 4; f++) {
          samplesDiffered |= (y.get(0, 0, f) != 0) != (y.get(1, 0, f) != 0);
        }
        for (int b = 0; b < 2; b++) {
          for (int f = 0; f < 4; f++) {
            boolean kept = y.get(b, 0, f) != 0;
            keptCount[b][f] += kept ? 1 : 0;
            for (int t = 0; t < 3; t++) {
              double expected = kept ? KERAS_X.get(b, t, f) * scale : 0.0;
              assertEquals(expected, y.get(b, t, f), 0.0,
                  "rate " + rate + " call " + call + " at (" + b + ", " + t + ", " + f + ")");
            }
          }
        }
      }
      for (int b = 0; b < 2; b++) {
        for (int f = 0; f < 4; f++) {
          int kept = keptCount[b][f];
          assertTrue(kept > 0 && kept < draws,
              "rate " + rate + ": (batch " + b + ", feature " + f + ") kept " + kept + " of "
                  + draws + "; both outcomes must occur");
        }
      }
      assertTrue(samplesDiffered,
          "rate " + rate + ": each sample has its own mask, yet the two never differed");
    }
  }

  @Test
  void theAnswersOwnMaskGivesTheAnswersOwnResult() {
    // The answer draws [[1, 1, 1, 0]] and [[1, 0, 0, 1]] at noise shape (2, 1, 4) and shows the
    // masked weights (no rescaling, so AT_INFERENCE). Look for a seed that draws that mask.
    double[] expected = {
        1, 2, 3, 0, 5, 6, 7, 0, 10, 11, 12, 0,
        14, 0, 0, 17, 18, 0, 0, 21, 22, 0, 0, 25};
    for (long seed = 0; seed < 10_000; seed++) {
      Dropout d = new Dropout(0.5, 2, 1, 4).scaling(Dropout.Scaling.AT_INFERENCE).seed(seed);
      Tensor y = d.forward(KERAS_X, true);
      if (y.get(0, 0, 3) == 0 && y.get(1, 0, 1) == 0 && y.get(1, 0, 2) == 0
          && y.get(0, 0, 0) != 0 && y.get(0, 0, 1) != 0 && y.get(0, 0, 2) != 0
          && y.get(1, 0, 0) != 0 && y.get(1, 0, 3) != 0) {
        assertArrayEquals(expected, y.toArray(), "seed " + seed);
        return;
      }
    }
    fail("no seed below 10000 drew the answer's mask; each has probability 1/256");
  }

  // ---- answer 2: noise_shape=[None, 1, features] with a dynamic batch ----

  @Test
  void dynamicBatchNoiseShareTheMaskAcrossTimestepsUnlikePlainDropout() {
    Dropout dl = new Dropout(0.2).seed(5);
    Dropout dl1 = new Dropout(0.2, -1, 1, 3).seed(5);
    dl.build(-1, 2, 3);
    dl1.build(-1, 2, 3); // None: the batch is unknown until the data comes
    boolean plainDiffered = false;
    for (int call = 0; call < 20; call++) {
      int batch = call % 2 == 0 ? 5 : 3;
      Tensor input = nonZero(call, batch, 2, 3);
      Tensor out = dl.forward(input, true);
      Tensor out1 = dl1.forward(input, true);
      for (int b = 0; b < batch; b++) {
        for (int f = 0; f < 3; f++) {
          boolean kept0 = out1.get(b, 0, f) != 0;
          boolean kept1 = out1.get(b, 1, f) != 0;
          assertEquals(kept0, kept1, "noise (-1, 1, 3): call " + call + " b=" + b + " f=" + f);
          plainDiffered |= (out.get(b, 0, f) != 0) != (out.get(b, 1, f) != 0);
        }
      }
    }
    assertTrue(plainDiffered, "plain dropout never drew different masks for the two timesteps");
  }

  @Test
  void answerTwosPrintedOutputIsReplayedWithItsOwnMask() {
    // the answer's input (batch 5, 2 time steps, 3 features) and its out1, from
    // Dropout(0.2, noise_shape=[5, 1, 3]); TensorFlow printed out1 in float32
    Tensor input = Tensor.of(new double[] {
        0.53853024, 0.80089701, 0.64374258, 0.06481775, 0.31187039, 0.5029061,
        0.70746014, 0.08990712, 0.58195288, 0.75798534, 0.50140453, 0.04914242,
        0.85253707, 0.55813084, 0.70741476, 0.98812977, 0.21565134, 0.67909392,
        0.9837272, 0.3504008, 0.37425778, 0.67648931, 0.74456052, 0.6229444,
        0.45599217, 0.80992091, 0.04458478, 0.12214568, 0.09821599, 0.51525869}, 5, 2, 3);
    double[] out1 = {
        0.6731628, 0, 0.8046782, 0.08102219, 0, 0.6286326,
        0, 0.11238389, 0, 0, 0.62675565, 0,
        1.0656713, 0.69766355, 0.8842684, 1.2351623, 0.26956415, 0.84886736,
        0, 0.438001, 0.46782222, 0, 0.93070066, 0.7786805,
        0.5699902, 1.0124011, 0.05573097, 0.1526821, 0.12276999, 0.64407337};
    for (long seed = 0; seed < 2_000_000; seed++) {
      Tensor y = new Dropout(0.2, 5, 1, 3).seed(seed).forward(input, true);
      if (sameZeros(y.toArray(), out1)) {
        double[] got = y.toArray();
        for (int i = 0; i < got.length; i++) {
          // float32 printing: 8 significant digits
          assertEquals(out1[i], got[i], 1e-7 * Math.abs(out1[i]), "seed " + seed + ", at " + i);
        }
        // the answer's point: None (-1) for the batch draws the very same mask
        assertEquals(y, new Dropout(0.2, -1, 1, 3).seed(seed).forward(input, true),
            "noise shape (-1, 1, 3) against (5, 1, 3), seed " + seed);
        return;
      }
    }
    fail("no seed below 2,000,000 drew the answer's mask; each has probability 3.4e-5");
  }

  private static boolean sameZeros(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] == 0) != (b[i] == 0)) {
        return false;
      }
    }
    return true;
  }

  // ---- "Deep Learning from Scratch" memo: the classic form ----

  @Test
  void deepLearningFromScratchMemoWithAtInferenceScaling() {
    Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4}, 5);
    Dropout dropout = new Dropout(0.5).scaling(Dropout.Scaling.AT_INFERENCE).seed(4873117585L);
    Dropout twin = new Dropout(0.5).scaling(Dropout.Scaling.AT_INFERENCE).seed(4873117585L);

    Tensor y = dropout.forward(x, true);
    double[] mask = twin.forward(Tensor.ones(5), true).toArray(); // same draw, on ones
    for (int i = 0; i < 5; i++) {
      assertTrue(mask[i] == 0 || mask[i] == 1, "mask[" + i + "] = " + mask[i]);
      assertEquals(x.get(i) * mask[i], y.get(i), 0.0, "x * mask at " + i);
      if (x.get(i) != 0) {
        assertEquals(mask[i], y.get(i) / x.get(i), 0.0, "the mask the output implies at " + i);
      }
    }

    Tensor dout = Tensor.of(new double[] {0.0, 0.1, 0.2, 0.3, 0.4}, 5);
    Tensor dx = dropout.backward(dout);
    for (int i = 0; i < 5; i++) {
      assertEquals(dout.get(i) * mask[i], dx.get(i), 0.0, "dout * mask at " + i);
    }

    assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2}, dropout.forward(x, false).toArray());

    // "the output changes every time it runs", and each is x with some entries zeroed
    Set<Tensor> outputs = new HashSet<>();
    for (int call = 0; call < 10; call++) {
      Tensor out = dropout.forward(x, true);
      for (int i = 0; i < 5; i++) {
        assertTrue(out.get(i) == 0 || out.get(i) == x.get(i), "call " + call + ": " + out);
      }
      outputs.add(out);
    }
    assertTrue(outputs.size() > 1, "ten training forwards drew one mask");
  }

  @Test
  void theMemosMaskGivesTheMemosValues() {
    // mask = rand > 0.5 gave [False, False, True, False, True]; look for a seed that draws it
    Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4}, 5);
    Tensor dout = Tensor.of(new double[] {0.0, 0.1, 0.2, 0.3, 0.4}, 5);
    double[] memoMask = {0, 0, 1, 0, 1};
    for (long seed = 0; seed < 10_000; seed++) {
      Dropout dropout = new Dropout().scaling(Dropout.Scaling.AT_INFERENCE).seed(seed);
      double[] mask = dropout.forward(Tensor.ones(5), true).toArray();
      if (Arrays.equals(memoMask, mask)) {
        dropout.reseed(seed);
        assertArrayEquals(new double[] {0, 0, 2, 0, 4}, dropout.forward(x, true).toArray());
        assertArrayEquals(new double[] {0, 0, 0.2, 0, 0.4}, dropout.backward(dout).toArray());
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2}, dropout.forward(x, false).toArray());
        return;
      }
    }
    fail("no seed below 10000 drew the memo's mask; each has probability 1/32");
  }

  @Test
  void theMemosDefaultRatioIsOneHalf() {
    // Dropout() in the memo, as nn.Dropout() in PyTorch; Keras asks for the rate
    assertEquals(0.5, new Dropout().rate(), 0.0);
    Dropout d = new Dropout().seed(3);
    Tensor y = d.forward(Tensor.ones(10_000), true);
    long kept = Arrays.stream(y.toArray()).filter(v -> v != 0).count();
    assertEquals(5_000, kept, 4 * 50, "kept of 10,000 at rate 0.5 (sd 50)");
    assertTrue(Arrays.stream(y.toArray()).allMatch(v -> v == 0 || v == 2));
  }

  // ---- "How do I disable dropout at prediction?" ----

  @Test
  void predictionIsTheIdentityAndPermaDropoutIsTrainingTrue() {
    Tensor x = nonZero(42, 3, 10);
    Dropout d = new Dropout(0.5).seed(1);
    assertSame(x, d.forward(x, false), "inference returns the input itself");
    assertSame(x, d.forward(x), "forward(x) is inference");

    // PermaDropout(0.3): dropout kept on at prediction, a different output on each call
    Dropout perma = new Dropout(0.3).seed(2);
    double scale = 1 / (1 - 0.3);
    List<Tensor> predictions = new ArrayList<>();
    for (int call = 0; call < 5; call++) {
      Tensor p = perma.forward(x, true);
      for (int i = 0; i < p.size(); i++) {
        double v = p.data()[i];
        assertTrue(v == 0 || v == x.data()[i] * scale, "call " + call + ", element " + i);
      }
      for (Tensor earlier : predictions) {
        assertNotEquals(earlier, p, "call " + call);
      }
      predictions.add(p);
    }
  }

  // ---- the examples in Dropout's javadoc ----

  @Test
  void classDocExample() {
    Dropout drop = new Dropout(0.5, -1, 1, -1).seed(42);
    Tensor x = Tensor.ones(2, 3, 4);
    Tensor y = drop.forward(x, true);
    Tensor dx = drop.backward(Tensor.ones(2, 3, 4));
    for (int b = 0; b < 2; b++) {
      for (int f = 0; f < 4; f++) {
        double v = y.get(b, 0, f);
        assertTrue(v == 2.0 || v == 0.0);
        for (int t = 0; t < 3; t++) {
          assertEquals(v, y.get(b, t, f), 0.0);
          assertEquals(v, dx.get(b, t, f), 0.0, "the same mask, scaled by 2");
        }
      }
    }
    assertSame(x, drop.forward(x, false));
  }

  @Test
  void monteCarloDocExampleAveragesToTheInput() {
    Tensor x = nonZero(9, 20, 10);
    Dropout drop = new Dropout(0.3).seed(7);
    Tensor sum = Tensor.zeros(x.shape());
    for (int t = 0; t < 100; t++) {
      sum = sum.add(drop.forward(x, true));
    }
    Tensor mean = sum.mul(1.0 / 100);
    // mean / x averages 20,000 draws of m / 0.7 (mean 1, variance 0.3 / 0.7): sd 0.0046
    double ratio = mean.div(x).mean();
    assertEquals(1.0, ratio, 4 * Math.sqrt(0.3 / 0.7 / 20_000), "mean / x = " + ratio);

    drop.reseed(7); // a repeatable Monte Carlo run
    Tensor again = Tensor.zeros(x.shape());
    for (int t = 0; t < 100; t++) {
      again = again.add(drop.forward(x, true));
    }
    assertEquals(sum, again);
  }
}
