package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.DropoutMask;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropConnectTest {

  /** The (n, n) identity: a linear Dense without bias then outputs its kernel. */
  private static Tensor identity(int n) {
    Tensor t = Tensor.zeros(n, n);
    for (int i = 0; i < n; i++) {
      t.set(1.0, i, i);
    }
    return t;
  }

  private static Dense linearDense(int in, int units, boolean bias, long seed) {
    Dense d = new Dense(units).useBias(bias).seed(seed);
    d.build(-1, in);
    return d;
  }

  // ---- Deeplearning4j's DropConnect check: masked weights are 0 or w / (1 - rate) ----

  @Test
  void maskedWeightsTakeOnlyZeroAndWOverOneMinusRateAndTheTrueWeightsStayUntouched() {
    Dense dense = linearDense(20, 30, false, 3);
    List<Tensor> before = dense.getWeights();
    double[] w = before.get(0).toArray();
    DropConnect dc = new DropConnect(dense, 0.4).seed(11);
    Tensor masked = dc.forward(identity(20), true);
    double scale = 1.0 / (1 - 0.4);
    int zeros = 0;
    for (int i = 0; i < w.length; i++) {
      double v = masked.data()[i];
      assertTrue(v == 0.0 || v == w[i] * scale, "weight " + i + ": " + v + " for " + w[i]);
      zeros += v == 0.0 ? 1 : 0;
    }
    assertEquals(0.4, zeros / 600.0, 0.07, "fraction dropped");
    assertEquals(before, dense.getWeights(), "the live weights are restored");
    assertEquals(before, dc.getWeights());
  }

  @Test
  void theMaskOfCallKIsTheDropoutMaskOfTheParametersSubKey() {
    DropConnect dc = new DropConnect(linearDense(6, 7, true, 1), 0.3).dropBias(true).seed(5);
    for (int k = 0; k < 3; k++) {
      dc.forward(Tensor.ones(2, 6), true);
      long key = Rng.key(5, k);
      assertArrayEquals(DropoutMask.create(Rng.bits(key, 0), DropoutMask.threshold(0.3), 42),
          dc.masks()[0], "kernel mask, call " + k);
      assertArrayEquals(DropoutMask.create(Rng.bits(key, 1), DropoutMask.threshold(0.3), 7),
          dc.masks()[1], "bias mask, call " + k);
      dc.backward(Tensor.ones(2, 7));
    }
  }

  @Test
  void theBiasIsDroppedOnlyWhenAsked() {
    Dense dense = linearDense(3, 200, true, 2);
    Tensor bias = Tensor.full(0.5, 200);
    dense.setWeights(List.of(dense.getWeights().get(0), bias));
    Tensor zeros = Tensor.zeros(1, 3);
    assertEquals(bias.reshape(1, 200), new DropConnect(dense, 0.5).seed(1).forward(zeros, true));
    Tensor y = new DropConnect(dense, 0.5).dropBias(true).seed(1).forward(zeros, true);
    int dropped = 0;
    for (double v : y.data()) {
      assertTrue(v == 0.0 || v == 1.0, "bias entry " + v);
      dropped += v == 0 ? 1 : 0;
    }
    assertTrue(dropped > 60 && dropped < 140, "about half the bias dropped: " + dropped);
  }

  @Test
  void conv2DKernelsAreMaskedTheSameWay() {
    Conv2D conv = new Conv2D(4, 1, 1).useBias(false).seed(6);
    conv.build(-1, 1, 1, 5);
    double[] w = conv.getWeights().get(0).toArray(); // (1, 1, 5, 4)
    // one-hot pixels: sample i has channel i set, so output i is kernel row i
    Tensor x = identity(5).reshape(5, 1, 1, 5);
    Tensor y = new DropConnect(conv, 0.5).seed(2).forward(x, true);
    for (int i = 0; i < 20; i++) {
      double v = y.data()[i];
      assertTrue(v == 0.0 || v == w[i] * 2.0, "conv weight " + i + ": " + v);
    }
    assertArrayEquals(w, conv.getWeights().get(0).toArray(), 0.0);
  }

  // ---- gradients ----

  @Test
  void gradientsMatchFiniteDifferencesWithTheMasksHeldFixed() {
    Tensor x = GradientCheck.random(4, 3, 5);
    GradientCheck.check(
        Frozen.training(new DropConnect(new Dense(4).activation(Activation.TANH).seed(1), 0.4), 7),
        x, 1);
    GradientCheck.check(Frozen.training(
        new DropConnect(new Dense(4).activation(Activation.SELU).seed(2), 0.4).dropBias(true), 7),
        x, 2);
    Tensor img = GradientCheck.random(5, 2, 5, 5, 2);
    GradientCheck.check(Frozen.training(
        new DropConnect(new Conv2D(3, 2, 2).seed(3), 0.3).dropBias(true), 9), img, 3);
    GradientCheck.check(new DropConnect(new Dense(4).seed(4), 0.4), x, 4);
  }

  /** Conv2D inside DropConnect in training: bias kept or dropped, both formats, strided SAME. */
  @Test
  void conv2DGradientsMatchFiniteDifferencesAcrossConfigurationsWithTheMasksHeldFixed() {
    DataFormat first = DataFormat.CHANNELS_FIRST;
    Tensor last = GradientCheck.random(6, 2, 5, 5, 2);
    Tensor firstX = GradientCheck.random(7, 2, 2, 5, 5);
    checkConv(new Conv2D(3, 2, 2).seed(3), false, last, 1);
    checkConv(new Conv2D(3, 2, 2).dataFormat(first).seed(4), true, firstX, 2);
    checkConv(new Conv2D(3, 2, 2).dataFormat(first).seed(5), false, firstX, 3);
    checkConv(new Conv2D(3, 3, 3).strides(2, 2).padding(Padding.SAME)
        .activation(Activation.TANH).seed(6), true, last, 4);
    checkConv(new Conv2D(3, 3, 2).strides(2, 1).padding(Padding.SAME).dataFormat(first).seed(7),
        false, firstX, 5);
  }

  /** Finite differences of {@code conv} in DropConnect with a non-zero bias, masks held fixed. */
  private static void checkConv(Conv2D conv, boolean dropBias, Tensor x, long seed) {
    DropConnect dc = new DropConnect(conv, 0.4).dropBias(dropBias);
    dc.build(x.shape());
    Tensor kernel = dc.getWeights().get(0);
    dc.setWeights(List.of(kernel, GradientCheck.random(seed, conv.filters())));
    Layer frozen = Frozen.training(dc, 10 + seed);
    assertNotEquals(dc.forward(x, false), frozen.forward(x, true), "the masks drop something");
    GradientCheck.check(frozen, x, seed);
  }

  @Test
  void theWeightGradientIsTheMaskedLayersGradientThroughTheMask() {
    Dense dense = linearDense(4, 3, false, 8);
    DropConnect dc = new DropConnect(dense, 0.5).seed(4);
    Tensor x = GradientCheck.random(1, 6, 4);
    Tensor dy = GradientCheck.random(2, 6, 3);
    dc.forward(x, true);
    long[] mask = dc.masks()[0].clone();
    dc.backward(dy);
    double[] expectedMasked = x.reshape(6, 4).toArray(); // dW_masked = x^T . dy
    double[] g = dc.getGradients().get(0).toArray();
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 3; j++) {
        double dwMasked = 0;
        for (int r = 0; r < 6; r++) {
          dwMasked += expectedMasked[r * 4 + i] * dy.get(r, j);
        }
        double expected = DropoutMask.get(mask, i * 3 + j) ? dwMasked * 2.0 : 0.0;
        assertEquals(expected, g[i * 3 + j], 1e-12, "dW[" + i + ", " + j + "]");
      }
    }
  }

  // ---- exceptions leave the weights alone ----

  @Test
  void aThrowingForwardOrBackwardLeavesTheWeightsUnmodified() {
    Dense dense = linearDense(4, 3, true, 9);
    List<Tensor> before = dense.getWeights();
    DropConnect dc = new DropConnect(dense, 0.5).dropBias(true).seed(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dc.forward(Tensor.ones(2, 5), true));
    assertMessageHas(e, "Dense", "(2, 5)");
    assertEquals(before, dense.getWeights(), "restored after a failed forward");

    dc.forward(Tensor.ones(2, 4), true);
    assertThrows(IllegalArgumentException.class, () -> dc.backward(Tensor.ones(2, 4)));
    assertEquals(before, dense.getWeights(), "restored after a failed backward");
    dc.backward(Tensor.ones(2, 3)); // the masks survived the rejected gradient
    assertNull(dc.masks());
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> dc.backward(Tensor.ones(2, 3))), "DropConnect", "twice");
    assertEquals(before, dense.getWeights());
  }

  // ---- inference, determinism, Monte Carlo ----

  @Test
  void inferenceAndRateZeroRunTheWrappedLayerAsIsAndDrawNothing() {
    Dense dense = linearDense(4, 3, true, 1);
    Tensor x = GradientCheck.random(3, 2, 4);
    Tensor plain = dense.forward(x, false);
    DropConnect dc = new DropConnect(dense, 0.5).seed(1);
    assertEquals(plain, dc.forward(x, false));
    assertEquals(plain, new DropConnect(dense, 0.0).seed(1).forward(x, true));
    assertNull(dc.masks());
    Tensor dy = Tensor.ones(2, 3);
    assertEquals(dense.backward(dy), dc.backward(dy));
  }

  @Test
  void eachTrainingStepDrawsANewMaskRepeatablyFromTheSeed() {
    Tensor x = GradientCheck.random(8, 4, 10);
    DropConnect a = new DropConnect(linearDense(10, 10, true, 1), 0.5).seed(3);
    DropConnect b = new DropConnect(linearDense(10, 10, true, 1), 0.5).seed(3);
    Tensor first = a.forward(x, true);
    Tensor second = a.forward(x, true);
    assertNotEquals(first, second, "a new weight mask per training forward (Monte Carlo too)");
    assertEquals(first, b.forward(x, true));
    assertEquals(second, b.forward(x, true));
    a.reseed(3);
    assertEquals(first, a.forward(x, true));
  }

  // ---- configuration ----

  @Test
  void onlyDenseAndConv2DAreAcceptedAndArgumentsAreValidated() {
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> new DropConnect(new LSTM(3), 0.5)), "DropConnect", "Dense and Conv2D", "LSTM");
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> new DropConnect(new Dropout(0.5), 0.5)), "DropConnect", "Dropout");
    assertEquals("DropConnect: inner layer must not be null",
        assertThrows(IllegalArgumentException.class, () -> new DropConnect(null, 0.5))
            .getMessage());
    assertEquals("DropConnect: rate must be in [0, 1], received 1.5",
        assertThrows(IllegalArgumentException.class, () -> new DropConnect(new Dense(2), 1.5))
            .getMessage());
    DropConnect dc = new DropConnect(new Dense(2), 0.5);
    dc.build(-1, 3);
    assertThrows(IllegalStateException.class, () -> dc.dropBias(true));
    assertThrows(IllegalStateException.class, () -> dc.seed(1));
    assertEquals(8, dc.paramCount(), "the wrapped layer's parameters, counted once");
    assertSame(dc.inner().parameters().get(0), dc.parameters().get(0));
    assertArrayEquals(new int[] {-1, 2}, dc.outputShape(-1, 3));
    assertEquals("DropConnect[rate=0.5, dropBias=false, inner=Dense[units=2, activation=LINEAR]]",
        dc.toString());
  }

  @Test
  void rateOneDropsTheWholeKernelWithoutNan() {
    Dense dense = linearDense(3, 2, true, 1);
    Tensor bias = Tensor.of(new double[] {0.25, -1}, 2);
    dense.setWeights(List.of(Tensor.full(Double.MAX_VALUE, 3, 2), bias));
    DropConnect dc = new DropConnect(dense, 1.0).seed(1);
    Tensor y = dc.forward(Tensor.ones(2, 3), true);
    assertEquals(Tensor.of(new double[] {0.25, -1, 0.25, -1}, 2, 2), y);
    dc.backward(Tensor.ones(2, 2));
    assertEquals(Tensor.zeros(3, 2), dc.getGradients().get(0));
  }
}
