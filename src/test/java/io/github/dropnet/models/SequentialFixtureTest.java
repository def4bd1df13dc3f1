package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.ActivationLayer;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.DataFormat;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.losses.SparseCategoricalCrossentropy;
import io.github.dropnet.optimizers.SGD;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole models against the shared golden cases: forward, loss, backward and every gradient. */
class SequentialFixtureTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"model_cnn_softmax_cce", "model_lstm_dense_mse", "model_mlp_sparse_cce"})
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    Sequential model = new Sequential();
    List<String> types = f.attrs("layers");
    for (int i = 0; i < types.size(); i++) {
      model.add(layer(f, "l" + i + ".", types.get(i)));
    }
    Loss loss = loss(f);
    model.compile(new SGD(0.1), loss);
    Tensor x = f.tensor("input");
    Tensor yTrue = f.tensor("y_true");
    model.build(x.shape());

    List<Tensor> weights = new ArrayList<>();
    List<Tensor> expectedGrads = new ArrayList<>();
    for (String t : f.tensorNames()) {
      if (t.matches("l\\d+\\..+")) {
        weights.add(f.tensor(t));
        expectedGrads.add(f.tensor("grad_" + t));
      }
    }
    model.setWeights(weights);

    Tensor yPred = model.forward(x, true);
    TensorAssert.assertClose(f.tensor("y_pred"), yPred, name + " y_pred");
    assertArrayEquals(yPred.shape(), model.outputShape(x.shape()));
    double l = loss.compute(yPred, yTrue);
    TensorAssert.assertClose(f.tensor("loss"), Tensor.scalar(l), name + " loss");
    Tensor dx = model.backward(loss.gradient(yPred, yTrue));
    TensorAssert.assertClose(f.tensor("grad_input"), dx, name + " grad_input");
    List<Tensor> grads = model.getGradients();
    assertEquals(expectedGrads.size(), grads.size());
    for (int i = 0; i < grads.size(); i++) {
      TensorAssert.assertClose(expectedGrads.get(i), grads.get(i), name + " gradient " + i);
    }

    // inference gives the same (no layer here behaves differently in training)
    TensorAssert.assertClose(f.tensor("y_pred"), model.predict(x), name + " predict");
    assertEquals(l, model.evaluate(x, yTrue), 1e-12 + 1e-9 * Math.abs(l));
    assertTrue(model.summary().contains("Total params: "));
  }

  private static Layer layer(Fixture f, String p, String type) {
    switch (type) {
      case "Dense":
        return new Dense(f.intAttr(p + "units")).activation(activation(f, p));
      case "Conv2D":
        return new Conv2D(f.intAttr(p + "filters"), f.intAttr(p + "kernel_size", 0),
                f.intAttr(p + "kernel_size", 1))
            .strides(f.intAttr(p + "strides", 0), f.intAttr(p + "strides", 1))
            .dilation(f.intAttr(p + "dilation", 0), f.intAttr(p + "dilation", 1))
            .padding(Padding.valueOf(upper(f, p + "padding")))
            .dataFormat(DataFormat.valueOf(upper(f, p + "data_format")))
            .activation(activation(f, p));
      case "MaxPool2D":
        return new MaxPool2D(f.intAttr(p + "pool_size", 0), f.intAttr(p + "pool_size", 1))
            .strides(f.intAttr(p + "strides", 0), f.intAttr(p + "strides", 1))
            .padding(Padding.valueOf(upper(f, p + "padding")))
            .dataFormat(DataFormat.valueOf(upper(f, p + "data_format")));
      case "Activation":
        return new ActivationLayer(activation(f, p));
      case "Flatten":
        return new Flatten();
      case "LSTM":
        return new LSTM(f.intAttr(p + "units")).returnSequences(f.boolAttr(p + "return_sequences"));
      default:
        throw new IllegalArgumentException(f + ": no layer for type " + type);
    }
  }

  private static String upper(Fixture f, String key) {
    return f.attr(key).toUpperCase(Locale.ROOT);
  }

  private static Activation activation(Fixture f, String p) {
    String a = f.attr(p + "activation");
    return a.equals("none") ? Activation.LINEAR : Activation.valueOf(a.toUpperCase(Locale.ROOT));
  }

  private static Loss loss(Fixture f) {
    switch (f.attr("loss")) {
      case "mean_squared_error":
        return new MeanSquaredError();
      case "categorical_crossentropy":
        return new CategoricalCrossentropy(f.boolAttr("from_logits"));
      case "sparse_categorical_crossentropy":
        return new SparseCategoricalCrossentropy(f.boolAttr("from_logits"));
      default:
        throw new IllegalArgumentException(f + ": no loss " + f.attr("loss"));
    }
  }
}
