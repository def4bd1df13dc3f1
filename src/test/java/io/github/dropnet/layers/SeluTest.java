package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeluTest {
  private static final double SCALE = 1.0507009873554804934193349852946;
  private static final double ALPHA = 1.6732632423543772848170429916717;

  @Test
  void constantsAreKlambauersAndAlphaPrimeIsTheirNegatedProduct() {
    assertEquals(SCALE, Activation.SELU_SCALE, 0.0);
    assertEquals(ALPHA, Activation.SELU_ALPHA, 0.0);
    assertEquals(-1.7580993408473766, -Activation.SELU_SCALE * Activation.SELU_ALPHA, 0.0);
  }

  @Test
  void valuesFollowTheDefinition() {
    double[] x = {-30, -2, -0.5, -1e-9, 0, 1e-9, 0.5, 3};
    double[] y = x.clone();
    Activation.SELU.apply(y, 1, x.length);
    for (int i = 0; i < x.length; i++) {
      double expected = x[i] > 0 ? SCALE * x[i] : SCALE * ALPHA * (Math.exp(x[i]) - 1);
      assertEquals(expected, y[i], 1e-15 * Math.max(1, Math.abs(expected)), "x = " + x[i]);
    }
    // selu(-2) = lambda * alpha * (e^-2 - 1) and selu(1) = lambda, computed in float64 by Python
    double[] two = {-2.0, 1.0};
    Activation.SELU.apply(two, 1, 2);
    assertEquals(-1.5201664685956948, two[0], 1e-15);
    assertEquals(1.0507009873554805, two[1], 0.0);
    // the negative saturation is alpha'
    double[] far = {-800};
    Activation.SELU.apply(far, 1, 1);
    assertEquals(-1.7580993408473766, far[0], 1e-15);
  }

  @Test
  void backwardFromTheOutputIsTheDerivative() {
    double[] x = {-3, -0.7, -1e-3, 0, 2e-3, 0.4, 5};
    double[] y = x.clone();
    Activation.SELU.apply(y, 1, x.length);
    double[] g = {1, 1, 1, 1, 1, 1, 1};
    Activation.SELU.backward(y, g, 1, x.length);
    for (int i = 0; i < x.length; i++) {
      double expected = x[i] > 0 ? SCALE : SCALE * ALPHA * Math.exp(x[i]);
      if (x[i] == 0) {
        expected = SCALE; // TensorFlow's choice at 0: the right derivative
      }
      assertEquals(expected, g[i], 1e-12, "x = " + x[i]);
    }
  }

  @Test
  void gradientsOfASeluDenseLayerMatchFiniteDifferences() {
    Dense dense = new Dense(4).activation(Activation.SELU).seed(3);
    GradientCheck.check(dense, GradientCheck.random(5, 3, 6), 1);
  }

  @Test
  void seluKeepsStandardisedActivationsStandardisedWithLecunWeights() {
    // the self-normalising property: N(0, 1) inputs through a LeCun-normal SELU layer stay
    // close to zero mean and unit variance
    SplittableRandom rng = new SplittableRandom(11);
    double[] x = new double[2000 * 256];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    Dense dense = new Dense(256).activation(Activation.SELU)
        .kernelInitializer(KernelInitializer.LECUN_NORMAL).useBias(false).seed(5);
    Tensor y = dense.forward(Tensor.of(x, 2000, 256), false);
    double mean = y.mean();
    double var = y.sub(Tensor.full(mean, y.shape())).mul(y.sub(Tensor.full(mean, y.shape())))
        .mean();
    assertTrue(Math.abs(mean) < 0.1, "mean " + mean);
    assertTrue(Math.abs(var - 1) < 0.15, "variance " + var);
  }
}
