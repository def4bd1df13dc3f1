package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Central finite differences of whole models built from the real layers, in training mode with
 * every dropout mask held fixed (the model is reseeded before each forward): the chain of
 * backwards, not only each layer alone, must give the gradient of what the forward computes.
 */
class SequentialGradientTest {
  private static final long MASKS = 5;

  /** Conv2D(relu) -> MaxPool2D -> Dropout -> Flatten -> Dense(softmax), for (N, 6, 6, 2). */
  private static Sequential convModel() {
    return new Sequential(
        new Conv2D(2, 3, 3).activation(Activation.RELU).seed(1),
        new MaxPool2D(2, 2),
        new Dropout(0.4),
        new Flatten(),
        new Dense(3).activation(Activation.SOFTMAX).seed(2));
  }

  /** LSTM (with its own dropouts) -> Dropout -> Dense, for (N, T, 2), output (N, T, 2). */
  private static Sequential lstmModel() {
    return new Sequential(
        new LSTM(3).returnSequences(true).dropout(0.3).recurrentDropout(0.3).seed(3),
        new Dropout(0.4),
        new Dense(2).activation(Activation.TANH).seed(4));
  }

  @Test
  void convModelInputAndWeightGradientsMatchFiniteDifferences() {
    Sequential model = convModel();
    Tensor x = GradientCheck.random(10, 2, 6, 6, 2);
    assertMasksDropSomething(model, x);
    GradientCheck.check(Frozen.training(model, MASKS), x, 11);
  }

  @Test
  void lstmModelInputAndWeightGradientsMatchFiniteDifferences() {
    Sequential model = lstmModel();
    Tensor x = GradientCheck.random(20, 2, 4, 2);
    assertMasksDropSomething(model, x);
    GradientCheck.check(Frozen.training(model, MASKS), x, 21);
  }

  @Test
  void convModelLossGradientsMatchFiniteDifferences() {
    Tensor y = Tensor.of(new double[] {0, 1, 0, 0, 0, 1}, 2, 3);
    checkLoss(convModel(), new CategoricalCrossentropy(false),
        GradientCheck.random(30, 2, 6, 6, 2), y);
  }

  @Test
  void lstmModelLossGradientsMatchFiniteDifferences() {
    checkLoss(lstmModel(), new MeanSquaredError(),
        GradientCheck.random(40, 2, 4, 2), GradientCheck.random(41, 2, 4, 2));
  }

  /** The training forward with the fixed masks differs from inference: dropout is really on. */
  private static void assertMasksDropSomething(Sequential model, Tensor x) {
    model.reseed(MASKS);
    double[] training = model.forward(x, true).toArray();
    assertFalse(Arrays.equals(training, model.forward(x, false).toArray()));
  }

  /**
   * Checks the gradients of a training step's loss, masks held fixed: with respect to the input
   * (from {@code backward}) and to every weight of the model (from {@code backwardWeightsOnly},
   * as {@code fit} computes them).
   */
  private static void checkLoss(Sequential model, Loss loss, Tensor x, Tensor y) {
    DoubleSupplier lossNow = () -> {
      model.reseed(MASKS);
      return loss.compute(model.forward(x, true), y);
    };
    assertMasksDropSomething(model, x);

    model.reseed(MASKS);
    Tensor dx = model.backward(loss.gradient(model.forward(x, true), y));
    GradientCheck.compare("input", dx.toArray(), numeric(lossNow, x.data()));

    model.reseed(MASKS);
    model.backwardWeightsOnly(loss.gradient(model.forward(x, true), y));
    List<Tensor> grads = model.getGradients();
    List<Tensor> params = model.parameters();
    for (int p = 0; p < params.size(); p++) {
      GradientCheck.compare("weight " + p, grads.get(p).toArray(),
          numeric(lossNow, params.get(p).data()));
    }
  }

  /** Central differences of {@code f} with respect to each entry of {@code v}, in place. */
  private static double[] numeric(DoubleSupplier f, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double saved = v[i];
      v[i] = saved + GradientCheck.STEP;
      double plus = f.getAsDouble();
      v[i] = saved - GradientCheck.STEP;
      double minus = f.getAsDouble();
      v[i] = saved;
      out[i] = (plus - minus) / (2 * GradientCheck.STEP);
    }
    return out;
  }
}
