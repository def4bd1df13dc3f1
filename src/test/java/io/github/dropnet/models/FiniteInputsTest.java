package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.losses.BinaryCrossentropy;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.testing.GradientCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No NaN escapes from a finite input: inputs scaled to +-1e4 drive softmax, sigmoid, tanh and the
 * LSTM gates deep into saturation and the losses to their clipped ends, and every output, loss
 * and gradient stays finite.
 */
class FiniteInputsTest {

  private static void assertFinite(String what, Tensor t) {
    for (double v : t.data()) {
      assertTrue(Double.isFinite(v), what + " has " + v);
    }
  }

  private static void assertFinite(String what, List<Tensor> ts) {
    for (Tensor t : ts) {
      assertFinite(what, t);
    }
  }

  private static void check(Sequential model, Tensor x, Tensor y, Loss loss) {
    Tensor out = model.forward(x, true);
    assertFinite("output", out);
    double l = loss.compute(out, y);
    assertTrue(Double.isFinite(l), "loss " + l);
    Tensor g = loss.gradient(out, y);
    assertFinite("loss gradient", g);
    assertFinite("input gradient", model.backward(g));
    assertFinite("weight gradients", model.getGradients());
  }

  private static Tensor oneHotAgainst(int rows, int classes) {
    Tensor y = Tensor.zeros(rows, classes);
    for (int i = 0; i < rows; i++) {
      y.set(1, i, i % classes);
    }
    return y;
  }

  @Test
  void cnnWithSoftmaxStaysFiniteOnHugeInputs() {
    Sequential model = new Sequential(
        new Conv2D(4, 3, 3).padding(Padding.SAME).activation(Activation.TANH).seed(1),
        new MaxPool2D(2, 2),
        new Flatten(),
        new Dropout(0.5).seed(2),
        new Dense(5).activation(Activation.SOFTMAX).seed(3));
    Tensor x = GradientCheck.random(4, 6, 8, 8, 2).mul(1e4);
    check(model, x, oneHotAgainst(6, 5), new CategoricalCrossentropy(false));
  }

  @Test
  void lstmWithSigmoidOutputStaysFiniteOnHugeInputs() {
    Sequential model = new Sequential(
        new LSTM(6).dropout(0.2).recurrentDropout(0.2).seed(5),
        new Dense(3).activation(Activation.SIGMOID).seed(6));
    Tensor x = GradientCheck.random(7, 4, 5, 3).mul(1e4);
    Tensor y = Tensor.of(new double[] {0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1}, 4, 3);
    check(model, x, y, new BinaryCrossentropy(false));
  }

  @Test
  void logitsOfAThousandStayFiniteThroughTheFusedLosses() {
    Sequential model = new Sequential(new Dense(4).seed(8));
    Tensor x = GradientCheck.random(9, 5, 3).mul(3e3);
    check(model, x, oneHotAgainst(5, 4), new CategoricalCrossentropy(true));
  }
}
