package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DropoutTest {

  /** The mask a training output implies: 1 where the output is non-zero (inputs are non-zero). */
  static double[] maskOf(Tensor y) {
    double[] m = new double[y.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = y.data()[i] != 0 ? 1 : 0;
    }
    return m;
  }

  /** Uniform values in [0.5, 1.5): never zero, so the output shows the mask. */
  static Tensor nonZero(long seed, int... shape) {
    return GradientCheck.random(seed, shape).mul(0.5).add(1.0);
  }

  static void assertMessageHas(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" lacks " + p);
    }
  }

  // ---- configuration and validation ----

  @Test
  void rateOutsideTheUnitIntervalIsRejectedNamingTheRate() {
    for (double bad : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new Dropout(bad));
      assertMessageHas(e, "Dropout", "rate", String.valueOf(bad));
      assertThrows(IllegalArgumentException.class, () -> new Dropout(bad, -1, 1));
    }
    assertEquals("Dropout: rate must be in [0, 1], received 1.5",
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5)).getMessage());
  }

  @Test
  void negativeNoiseEntriesOtherThanMinusOneAreRejectedAtBuildNamingBothShapes() {
    Dropout d = new Dropout(0.5, -1, -2, 4); // checked against the input, as API.md says
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.build(-1, -1, 4));
    assertMessageHas(e, "Dropout", "noise shape", Shapes.format(-1, -2, 4),
        Shapes.format(-1, -1, 4), "-2");
  }

  @Test
  void aNoiseEntryThatFitsNoInputIsRejectedNamingBothShapes() {
    int[] input = {2, 3, 4};
    int[][] bad = {{2, 0, 4}, {2, 2, 4}, {3, 1, 4}, {-1, 1}, {-1, 1, 4, 1}};
    for (int[] noise : bad) {
      Dropout d = new Dropout(0.5, noise);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> d.build(input));
      assertMessageHas(e, "Dropout", Shapes.format(noise), Shapes.format(input));
      // the same checks guard forward and outputShape
      Dropout f = new Dropout(0.5, noise);
      assertMessageHas(assertThrows(IllegalArgumentException.class,
          () -> f.forward(Tensor.ones(input), true)), Shapes.format(noise), Shapes.format(input));
      assertMessageHas(assertThrows(IllegalArgumentException.class,
          () -> f.outputShape(input)), Shapes.format(noise), Shapes.format(input));
    }
  }

  @Test
  void fixedEntriesAreCheckedAtBuildAndTheRestAtEachInput() {
    // batch fixed at build: a conflicting fixed noise entry fails before any data is seen
    Dropout early = new Dropout(0.5, 5, 1, 4);
    assertThrows(IllegalArgumentException.class, () -> early.build(2, 3, 4));

    // batch unknown at build: the check waits for the data
    Dropout late = new Dropout(0.5, 5, 1, 4);
    late.build(-1, 3, 4);
    assertArrayEquals(new int[] {-1, 3, 4}, late.outputShape(-1, 3, 4));
    assertEquals(5 * 3 * 4, late.forward(Tensor.ones(5, 3, 4), true).size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> late.forward(Tensor.ones(2, 3, 4), true));
    assertMessageHas(e, Shapes.format(5, 1, 4), Shapes.format(2, 3, 4));
    // inference checks it too, so a bad configuration cannot hide until training
    assertThrows(IllegalArgumentException.class, () -> late.forward(Tensor.ones(2, 3, 4), false));
  }

  @Test
  void minusOneTakesTheInputsSizeWhateverTheBatch() {
    Dropout d = new Dropout(0.5, -1, 1, -1).seed(1);
    d.build(-1, 3, 4);
    for (int batch : new int[] {1, 2, 7}) {
      Tensor y = d.forward(Tensor.ones(batch, 3, 4), true);
      assertArrayEquals(new int[] {batch, 3, 4}, y.shape());
      assertEquals(DropoutMask.words(batch * 4), d.maskBits().length);
    }
  }

  @Test
  void settersAfterBuildThrowIllegalState() {
    Dropout built = new Dropout(0.5);
    built.build(2, 3);
    assertMessageHas(assertThrows(IllegalStateException.class, () -> built.seed(1)),
        "Dropout", "seed");
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> built.scaling(Dropout.Scaling.AT_INFERENCE)), "Dropout", "scaling");

    Dropout used = new Dropout(0.5);
    used.forward(Tensor.ones(2, 3), false); // builds itself
    assertThrows(IllegalStateException.class, () -> used.seed(1));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5).scaling(null));
  }

  @Test
  void gettersToStringAndConfigurationRoundTrip() {
    Dropout d = new Dropout(0.5, -1, 1, 4);
    assertEquals(0.5, d.rate());
    assertArrayEquals(new int[] {-1, 1, 4}, d.noiseShape());
    d.noiseShape()[0] = 99; // a copy
    assertArrayEquals(new int[] {-1, 1, 4}, d.noiseShape());
    assertEquals(Dropout.Scaling.INVERTED, d.scaling());
    assertEquals(OptionalLong.empty(), d.seed());
    assertEquals("Dropout[rate=0.5, noiseShape=(-1, 1, 4), scaling=INVERTED]", d.toString());

    Dropout plain = new Dropout(0.25).scaling(Dropout.Scaling.AT_INFERENCE).seed(3);
    assertNull(plain.noiseShape());
    assertEquals(OptionalLong.of(3), plain.seed());
    assertEquals("Dropout[rate=0.25, scaling=AT_INFERENCE, seed=3]", plain.toString());

    // the getters feed the constructor back: same configuration
    Dropout copy = new Dropout(plain.rate(), plain.noiseShape());
    assertNull(copy.noiseShape());
    assertArrayEquals(d.noiseShape(), new Dropout(d.rate(), d.noiseShape()).noiseShape());
  }

  @Test
  void noWeightsAndTheOutputShapeIsTheInputShape() {
    Dropout d = new Dropout(0.3);
    d.build(-1, 8);
    assertEquals(List.of(), d.getWeights());
    assertEquals(List.of(), d.getGradients());
    assertEquals(List.of(), d.parameters());
    assertEquals(0, d.paramCount());
    d.setWeights(List.of());
    assertThrows(IllegalArgumentException.class, () -> d.setWeights(List.of(Tensor.ones(1))));
    assertThrows(IllegalArgumentException.class, () -> d.setWeights(null));
    int[] in = {-1, 8};
    int[] out = d.outputShape(in);
    assertArrayEquals(in, out);
    out[1] = 0;
    assertArrayEquals(new int[] {-1, 8}, in); // outputShape returns a copy
  }

  // ---- forward ----

  @Test
  void inferenceReturnsTheInputItselfUnchanged() {
    Tensor x = nonZero(1, 4, 5);
    double[] before = x.toArray();
    Dropout d = new Dropout(0.5).seed(1);
    assertSame(x, d.forward(x, false));
    assertSame(x, d.forward(x)); // the Layer default is inference
    d.forward(x, true);
    assertArrayEquals(before, x.data(), "training never writes the input");
  }

  @Test
  void trainingKeepsElementsScaledByOneOverOneMinusRateOrZeroesThem() {
    for (double rate : new double[] {0.1, 0.3, 0.5, 0.9}) {
      Tensor x = nonZero(2, 30, 40);
      Tensor y = new Dropout(rate).seed(5).forward(x, true);
      double scale = 1 / (1 - rate);
      int kept = 0;
      for (int i = 0; i < x.size(); i++) {
        double v = y.data()[i];
        if (v != 0) {
          kept++;
          assertEquals(x.data()[i] * scale, v, 0.0, "rate " + rate + " element " + i);
        } else {
          assertEquals(0L, Double.doubleToRawLongBits(v), "a dropped element is +0.0");
        }
      }
      assertTrue(kept > 0 && kept < x.size(), "rate " + rate + " kept " + kept);
    }
  }

  @Test
  void atInferenceScalingMasksInTrainingAndScalesAtInference() {
    Tensor x = nonZero(3, 6, 7);
    Dropout d = new Dropout(0.4).scaling(Dropout.Scaling.AT_INFERENCE).seed(9);
    Tensor y = d.forward(x, true);
    double[] m = maskOf(y);
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.data()[i] * m[i], y.data()[i], 0.0);
    }
    Tensor inf = d.forward(x, false);
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.data()[i] * 0.6, inf.data()[i], 0.0);
    }
  }

  @Test
  void scalarsAndEmptyTensorsWork() {
    Dropout d = new Dropout(0.5).seed(6);
    Set<Double> seen = new HashSet<>();
    for (int call = 0; call < 20; call++) {
      Tensor y = d.forward(Tensor.scalar(3.0), true);
      assertEquals(0, y.rank());
      seen.add(y.get());
      assertEquals(y.get() == 0 ? 0.0 : 2.0, d.backward(Tensor.scalar(1.0)).get(), 0.0);
    }
    assertEquals(Set.of(0.0, 6.0), seen);

    Dropout e = new Dropout(0.5, -1, 1).seed(6);
    assertArrayEquals(new int[] {0, 4}, e.forward(Tensor.zeros(0, 4), true).shape());
    assertEquals(0, e.backward(Tensor.zeros(0, 4)).size());
  }

  // ---- backward ----

  @Test
  void backwardUsesTheMaskOfTheForwardScaledLikeTheForward() {
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      for (int[] noise : new int[][] {null, {-1, 1, -1}, {1, 5, 1}}) {
        double rate = 0.35;
        Dropout d = new Dropout(rate, noise).scaling(s).seed(17);
        Tensor x = nonZero(4, 3, 5, 6);
        Tensor y = d.forward(x, true);
        double[] m = maskOf(y);
        Tensor dy = GradientCheck.random(8, 3, 5, 6);
        Tensor dx = d.backward(dy);
        double scale = s == Dropout.Scaling.INVERTED ? 1 / (1 - rate) : 1;
        for (int i = 0; i < m.length; i++) {
          double expected = m[i] != 0 ? dy.data()[i] * scale : 0.0;
          assertEquals(expected, dx.data()[i], 0.0, s + " element " + i);
        }
      }
    }
  }

  @Test
  void backwardAfterInferenceIsTheIdentityOrTheKeepScale() {
    Tensor x = nonZero(5, 4, 3);
    Tensor dy = GradientCheck.random(6, 4, 3);
    Dropout inv = new Dropout(0.3);
    inv.forward(x, true);
    inv.forward(x, false); // the last forward decides
    assertSame(dy, inv.backward(dy));
    assertSame(dy, inv.backward(dy), "no mask to release: backward may repeat");

    Dropout classic = new Dropout(0.3).scaling(Dropout.Scaling.AT_INFERENCE);
    classic.forward(x, false);
    Tensor dx = classic.backward(dy);
    for (int i = 0; i < dy.size(); i++) {
      assertEquals(dy.data()[i] * (1 - 0.3), dx.data()[i], 0.0);
    }
  }

  @Test
  void backwardBeforeForwardOrWithAWrongShapeFails() {
    Dropout d = new Dropout(0.5);
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> d.backward(Tensor.ones(2, 3))), "Dropout", "before forward");
    d.forward(Tensor.ones(2, 3), true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.backward(Tensor.ones(3, 2)));
    assertMessageHas(e, "Dropout", Shapes.format(2, 3), Shapes.format(3, 2));
    // a rejected gradient does not use up the mask
    assertEquals(6, d.backward(Tensor.ones(2, 3)).size());
  }

  @Test
  void aSecondBackwardAfterOneTrainingForwardThrows() {
    Dropout d = new Dropout(0.5).seed(2);
    d.forward(Tensor.ones(4, 4), true);
    d.backward(Tensor.ones(4, 4));
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> d.backward(Tensor.ones(4, 4))), "Dropout", "backward", "twice");
    d.forward(Tensor.ones(4, 4), true);
    d.backward(Tensor.ones(4, 4)); // a new forward arms a new backward
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Tensor x = GradientCheck.random(10, 3, 4, 5);
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      // training, with the mask held fixed by reseeding before each forward
      GradientCheck.check(Frozen.training(new Dropout(0.4).scaling(s), 3), x, 1);
      GradientCheck.check(Frozen.training(new Dropout(0.4, -1, 1, -1).scaling(s), 3), x, 2);
      // inference
      GradientCheck.check(new Dropout(0.4).scaling(s), x, 3);
    }
  }

  /** Rank-4 and rank-5 noise shapes: broadcast over trailing axes, and over the batch. */
  @Test
  void trainingGradientsWithBroadcastNoiseShapesMatchFiniteDifferences() {
    Tensor x4 = GradientCheck.random(11, 2, 3, 4, 2);
    Tensor x5 = GradientCheck.random(12, 2, 3, 2, 2, 3);
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      checkWithFixedMask(new Dropout(0.5, -1, -1, 1, 1).scaling(s), x4, 1);
      checkWithFixedMask(new Dropout(0.5, 2, 3, 1, 1).scaling(s), x4, 2);
      checkWithFixedMask(new Dropout(0.5, 1, -1, -1, 1).scaling(s), x4, 3);
      checkWithFixedMask(new Dropout(0.5, -1, -1, 1, 1, 1).scaling(s), x5, 4);
      checkWithFixedMask(new Dropout(0.5, 1, -1, 2, 1, 1).scaling(s), x5, 5);
    }
  }

  /**
   * Finite differences of {@code d} in training mode with its mask held fixed, after checking
   * that this mask drops some inputs and keeps others.
   */
  static void checkWithFixedMask(Dropout d, Tensor x, long seed) {
    Layer frozen = Frozen.training(d, seed);
    double[] y = frozen.forward(x, true).data();
    int dropped = 0;
    for (double v : y) {
      dropped += v == 0 ? 1 : 0;
    }
    String what = d + " on " + Shapes.format(x.shape());
    assertTrue(dropped > 0 && dropped < y.length, what + ": " + dropped + " of " + y.length);
    GradientCheck.check(frozen, x, seed + 1);
  }

  // ---- rate 0 and rate 1 (Flax test_dropout_rate_limits) ----

  @Test
  void rateOneGivesExactZerosEvenForInfiniteInputsAndANanFreeZeroGradient() {
    Tensor x = Tensor.of(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        -2.0, 0.0, 3.5, Double.MAX_VALUE}, 2, 3);
    Tensor dy = Tensor.of(new double[] {Double.POSITIVE_INFINITY, -1, 2, Double.NaN, 4, 5}, 2, 3);
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      for (boolean training : new boolean[] {true, false}) {
        Dropout d = new Dropout(1.0).scaling(s).seed(4);
        Tensor y = d.forward(x, training);
        Tensor dx = d.backward(dy);
        if (!training && s == Dropout.Scaling.INVERTED) {
          assertSame(x, y); // inference is the identity whatever the rate
          continue;
        }
        String what = s + (training ? " training" : " inference");
        for (int i = 0; i < 6; i++) {
          assertEquals(0L, Double.doubleToRawLongBits(y.data()[i]), what + " y" + i);
          assertEquals(0L, Double.doubleToRawLongBits(dx.data()[i]), what + " dx" + i);
        }
        assertEquals(0, d.calls(), "rate 1 drops everything without drawing");
      }
    }
  }

  @Test
  void rateZeroIsTheIdentityAndDoesNotAdvanceTheStream() {
    Tensor x = Tensor.of(new double[] {Double.NEGATIVE_INFINITY, -0.0, 1e-300, Double.NaN}, 4);
    Tensor dy = GradientCheck.random(1, 4);
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      Dropout d = new Dropout(0.0).scaling(s).seed(12);
      for (int call = 0; call < 5; call++) {
        assertSame(x, d.forward(x, true));
        assertSame(dy, d.backward(dy));
        assertSame(x, d.forward(x, false));
      }
      assertEquals(0, d.calls(), s + ": no random numbers drawn");
      assertNull(d.maskBits());
    }
  }

  @Test
  void inferenceForwardsDoNotAdvanceTheStream() {
    // a seeded layer interleaving inference calls draws the same training masks as a fresh one
    Tensor x = nonZero(3, 8, 16);
    Dropout fresh = new Dropout(0.5).seed(21);
    Dropout mixed = new Dropout(0.5).seed(21);
    for (int call = 0; call < 4; call++) {
      mixed.forward(x, false);
      mixed.forward(x, false);
      assertEquals(fresh.forward(x, true), mixed.forward(x, true), "call " + call);
    }
    assertEquals(4, mixed.calls());
  }

  // ---- determinism ----

  @Test
  void theKthTrainingForwardUsesKeyOfSeedAndK() {
    long seed = 77;
    Dropout d = new Dropout(0.3, -1, 1, -1).seed(seed);
    for (int k = 0; k < 3; k++) {
      d.forward(Tensor.ones(4, 5, 6), true);
      long[] expected = DropoutMask.create(Rng.key(seed, k), DropoutMask.threshold(0.3), 4 * 6);
      assertArrayEquals(expected, d.maskBits(), "call " + k);
    }
  }

  @Test
  void sameSeedSameSequenceSuccessiveCallsDifferAndReseedRestarts() {
    Tensor x = nonZero(7, 10, 20);
    Dropout a = new Dropout(0.5).seed(100);
    Dropout b = new Dropout(0.5).seed(100);
    List<Tensor> first = new ArrayList<>();
    for (int call = 0; call < 5; call++) {
      Tensor ya = a.forward(x, true);
      assertEquals(ya, b.forward(x, true), "call " + call);
      for (Tensor earlier : first) {
        assertNotEquals(earlier, ya, "successive calls draw new masks");
      }
      first.add(ya);
    }
    assertNotEquals(first.get(0), new Dropout(0.5).seed(101).forward(x, true));

    a.reseed(100);
    assertEquals(0, a.calls());
    for (int call = 0; call < 5; call++) {
      assertEquals(first.get(call), a.forward(x, true), "after reseed, call " + call);
    }
    a.reseed(555);
    assertEquals(new Dropout(0.5).seed(555).forward(x, true), a.forward(x, true));
    assertEquals(OptionalLong.of(555), a.seed());
  }

  @Test
  void unseededLayersDiffer() {
    Tensor x = nonZero(8, 16, 16);
    Tensor y1 = new Dropout(0.5).forward(x, true);
    Tensor y2 = new Dropout(0.5).forward(x, true);
    assertNotEquals(y1, y2);
  }

  // ---- mask memory ----

  @Test
  void theMaskTakesOneBitPerNoiseElementAndIsReleasedAfterUse() {
    Dropout d = new Dropout(0.5, -1, 1, -1).seed(3);
    Tensor x = nonZero(1, 8, 16, 33);
    Tensor y = d.forward(x, true);
    long[] mask = d.maskBits();
    assertEquals(DropoutMask.words(8 * 33), mask.length, "ceil(noise size / 64) words");
    // the bits are the mask: each kept (sample, feature) column shows in the output
    for (int b = 0; b < 8; b++) {
      for (int f = 0; f < 33; f++) {
        assertEquals(DropoutMask.get(mask, b * 33 + f), y.get(b, 0, f) != 0);
      }
    }
    d.backward(Tensor.ones(8, 16, 33));
    assertNull(d.maskBits(), "backward releases the mask");

    Dropout full = new Dropout(0.5).seed(3);
    full.forward(Tensor.ones(3, 5, 7), true);
    assertEquals(DropoutMask.words(105), full.maskBits().length);
    full.forward(Tensor.ones(3, 5, 7), false);
    assertNull(full.maskBits(), "an inference forward holds no mask");
  }

  // ---- Keras test_dropout_partial_noise_shape ----

  @Test
  void kerasPartialNoiseShapeGivesEqualTimeSlices() {
    Tensor x = Tensor.ones(20, 5, 10);
    Dropout d = new Dropout(0.5, -1, 1, -1).seed(1337);
    Tensor y = d.forward(x, true);
    for (int b = 0; b < 20; b++) {
      for (int t = 1; t < 5; t++) {
        for (int f = 0; f < 10; f++) {
          assertEquals(y.get(b, 0, f), y.get(b, t, f), 0.0, "b=" + b + " t=" + t + " f=" + f);
        }
      }
    }
    double kept = y.sum() / 2 / 5; // (sample, feature) columns kept
    assertTrue(kept > 0 && kept < 200, "kept columns " + kept);
  }

  // ---- thread safety ----

  @Test
  void inferenceFromManyThreadsGivesTheSingleThreadResult() throws Exception {
    Dropout d = new Dropout(0.3).scaling(Dropout.Scaling.AT_INFERENCE);
    Tensor x = nonZero(2, 64, 64);
    d.build(x.shape());
    Tensor expected = d.forward(x, false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Tensor>> results = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        results.add(pool.submit(() -> d.forward(x, false)));
      }
      for (Future<Tensor> r : results) {
        assertEquals(expected, r.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
