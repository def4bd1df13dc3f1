package io.github.dropnet;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.github.dropnet.losses.BinaryCrossentropy;
import io.github.dropnet.losses.CategoricalCrossentropy;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.losses.SparseCategoricalCrossentropy;
import io.github.dropnet.models.Sequential;
import io.github.dropnet.optimizers.Adam;
import io.github.dropnet.optimizers.Optimizer;
import io.github.dropnet.optimizers.RMSprop;
import io.github.dropnet.optimizers.SGD;
import io.github.dropnet.testing.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden case of the shared fixtures folder, reproduced through the public API within
 * {@code 1e-9 + 1e-7 * |expected|}: layers (output, input gradient, weight gradients), losses
 * (value, gradient, gradient through the fused activation), optimizers (every step) and whole
 * models (output, loss, input and weight gradients).
 */
class FixturesTest {

  /**
   * Every case of the shared fixtures folder. The layer tests only ask for "some" cases of their
   * kind, so this is where a deleted file shows; a case added to the folder needs no change here,
   * as {@link #reproduces} runs whatever the folder holds.
   */
  private static final Set<String> EXPECTED_CASES = Set.of(
      "activation_sigmoid", "activation_softmax_3d_shifted_logits", "activation_tanh",
      "conv2d_1x1_stride1x2_valid_channels_last", "conv2d_dilation2_same_cin1_channels_last",
      "conv2d_dilation2_valid_channels_first", "conv2d_same_channels_last",
      "conv2d_same_stride2_asym_pad_channels_last", "conv2d_same_stride2_channels_last",
      "conv2d_same_stride2x1_relu_channels_first", "conv2d_valid_channels_last",
      "dense_linear", "dense_relu_batch1", "dense_sigmoid_in1", "dense_softmax",
      "flatten_channels_last_4d",
      "loss_binary_crossentropy", "loss_categorical_crossentropy", "loss_mean_squared_error",
      "loss_sparse_categorical_crossentropy",
      "lstm_last_output", "lstm_return_sequences", "lstm_t1_batch1",
      "maxpool2d_same_3x3_stride2_channels_first", "maxpool2d_same_odd_channels_last",
      "maxpool2d_valid_2x3_stride1x2_channels_first", "maxpool2d_valid_odd_channels_last",
      "model_cnn_softmax_cce", "model_lstm_dense_mse", "model_mlp_sparse_cce",
      "optimizer_adam", "optimizer_adam_large_epsilon", "optimizer_rmsprop",
      "optimizer_rmsprop_momentum", "optimizer_sgd", "optimizer_sgd_momentum",
      "optimizer_sgd_nesterov");

  @Test
  void theFolderHoldsEverySharedCase() throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<Path> files = Files.list(Fixture.dir())) {
      files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .forEach(n -> found.add(n.substring(0, n.length() - ".txt".length())));
    }
    Set<String> missing = new TreeSet<>(EXPECTED_CASES);
    missing.removeAll(found);
    assertTrue(missing.isEmpty(), "fixture cases missing: " + missing + "; found " + found);
  }

  static Stream<Fixture> cases() {
    List<Fixture> all = Fixture.all();
    assertFalse(all.isEmpty(), "no fixtures found in " + Fixture.dir().toAbsolutePath());
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproduces(Fixture f) {
    switch (f.kind) {
      case "layer":
        layerCase(f);
        break;
      case "loss":
        lossCase(f);
        break;
      case "optimizer":
        optimizerCase(f);
        break;
      case "model":
        modelCase(f);
        break;
      default:
        throw new AssertionError(f + ": unknown kind " + f.kind);
    }
  }

  private static final String[] WEIGHT_NAMES = {"kernel", "recurrent_kernel", "bias"};

  private static void layerCase(Fixture f) {
    Layer layer = layer(f, f.type, "");
    Tensor input = f.tensor("input");
    layer.build(input.shape());
    List<Tensor> weights = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String w : WEIGHT_NAMES) {
      if (f.hasTensor(w)) {
        weights.add(f.tensor(w));
        names.add(w);
      }
    }
    layer.setWeights(weights);
    assertClose(f.tensor("output"), layer.forward(input, false), f + " output");
    assertClose(f.tensor("grad_input"), layer.backward(f.tensor("grad_output")),
        f + " grad_input");
    List<Tensor> grads = layer.getGradients();
    assertEquals(names.size(), grads.size(), f + " gradient count");
    for (int i = 0; i < names.size(); i++) {
      assertClose(f.tensor("grad_" + names.get(i)), grads.get(i), f + " grad_" + names.get(i));
    }
  }

  private static void lossCase(Fixture f) {
    Tensor yPred = f.tensor("y_pred");
    Tensor yTrue = f.tensor("y_true");
    boolean fromLogits = f.has("from_logits") && f.boolAttr("from_logits");
    Loss loss = loss(f.type, fromLogits);
    assertClose(f.tensor("loss"), Tensor.scalar(loss.compute(yPred, yTrue)), f + " loss");
    assertClose(f.tensor("grad_y_pred"), loss.gradient(yPred, yTrue), f + " grad_y_pred");
    if (f.hasTensor("logits")) {
      Loss fused = loss(f.type, true);
      Tensor logits = f.tensor("logits");
      assertClose(f.tensor("loss"), Tensor.scalar(fused.compute(logits, yTrue)),
          f + " loss from logits");
      assertClose(f.tensor("grad_logits"), fused.gradient(logits, yTrue), f + " grad_logits");
    }
  }

  private static void optimizerCase(Fixture f) {
    Optimizer opt = optimizer(f);
    Tensor param = f.tensor("param_init");
    Tensor grads = f.tensor("grads");
    Tensor params = f.tensor("params");
    int steps = f.intAttr("steps");
    int n = param.size();
    for (int t = 0; t < steps; t++) {
      Tensor g = Tensor.of(java.util.Arrays.copyOfRange(grads.data(), t * n, (t + 1) * n),
          param.shape());
      opt.step(List.of(param), List.of(g));
      Tensor expected = Tensor.of(
          java.util.Arrays.copyOfRange(params.data(), t * n, (t + 1) * n), param.shape());
      assertClose(expected, param, f + " step " + (t + 1));
    }
  }

  private static void modelCase(Fixture f) {
    List<String> types = f.attrs("layers");
    Sequential model = new Sequential();
    for (int i = 0; i < types.size(); i++) {
      model.add(layer(f, types.get(i), "l" + i + "."));
    }
    Tensor input = f.tensor("input");
    model.build(input.shape());
    List<Tensor> weights = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      for (String w : WEIGHT_NAMES) {
        String name = "l" + i + "." + w;
        if (f.hasTensor(name)) {
          weights.add(f.tensor(name));
          names.add(name);
        }
      }
    }
    model.setWeights(weights);
    boolean fromLogits = f.has("from_logits") && f.boolAttr("from_logits");
    Loss loss = loss(f.attr("loss"), fromLogits);
    Tensor yPred = model.forward(input, false);
    assertClose(f.tensor("y_pred"), yPred, f + " y_pred");
    Tensor yTrue = f.tensor("y_true");
    assertClose(f.tensor("loss"), Tensor.scalar(loss.compute(yPred, yTrue)), f + " loss");
    assertClose(f.tensor("grad_input"), model.backward(loss.gradient(yPred, yTrue)),
        f + " grad_input");
    List<Tensor> grads = model.getGradients();
    assertEquals(names.size(), grads.size(), f + " gradient count");
    for (int i = 0; i < names.size(); i++) {
      assertClose(f.tensor("grad_" + names.get(i)), grads.get(i), f + " grad_" + names.get(i));
    }
  }

  private static Layer layer(Fixture f, String type, String p) {
    switch (type) {
      case "Dense":
        return new Dense(f.intAttr(p + "units")).activation(activation(f.attr(p + "activation")));
      case "Conv2D":
        return new Conv2D(f.intAttr(p + "filters"), f.intAttr(p + "kernel_size", 0),
                f.intAttr(p + "kernel_size", 1))
            .strides(f.intAttr(p + "strides", 0), f.intAttr(p + "strides", 1))
            .dilation(f.intAttr(p + "dilation", 0), f.intAttr(p + "dilation", 1))
            .padding(Padding.valueOf(f.attr(p + "padding").toUpperCase(Locale.ROOT)))
            .dataFormat(DataFormat.valueOf(f.attr(p + "data_format").toUpperCase(Locale.ROOT)))
            .activation(activation(f.attr(p + "activation")));
      case "MaxPool2D":
        return new MaxPool2D(f.intAttr(p + "pool_size", 0), f.intAttr(p + "pool_size", 1))
            .strides(f.intAttr(p + "strides", 0), f.intAttr(p + "strides", 1))
            .padding(Padding.valueOf(f.attr(p + "padding").toUpperCase(Locale.ROOT)))
            .dataFormat(DataFormat.valueOf(f.attr(p + "data_format").toUpperCase(Locale.ROOT)));
      case "LSTM":
        return new LSTM(f.intAttr(p + "units")).returnSequences(f.boolAttr(p + "return_sequences"));
      case "Flatten":
        return new Flatten();
      case "Activation":
        return new ActivationLayer(activation(f.attr(p + "activation")));
      default:
        throw new AssertionError(f + ": unknown layer type " + type);
    }
  }

  private static Activation activation(String name) {
    return name.equals("none") ? Activation.LINEAR
        : Activation.valueOf(name.toUpperCase(Locale.ROOT));
  }

  private static Loss loss(String name, boolean fromLogits) {
    switch (name) {
      case "mean_squared_error":
        return new MeanSquaredError();
      case "categorical_crossentropy":
        return new CategoricalCrossentropy(fromLogits);
      case "sparse_categorical_crossentropy":
        return new SparseCategoricalCrossentropy(fromLogits);
      case "binary_crossentropy":
        return new BinaryCrossentropy(fromLogits);
      default:
        throw new AssertionError("unknown loss " + name);
    }
  }

  private static Optimizer optimizer(Fixture f) {
    double lr = f.doubleAttr("lr");
    switch (f.type) {
      case "SGD":
        return new SGD(lr, f.doubleAttr("momentum"), f.boolAttr("nesterov"));
      case "Adam":
        return new Adam(lr, f.doubleAttr("beta_1"), f.doubleAttr("beta_2"),
            f.doubleAttr("epsilon"));
      case "RMSprop":
        return new RMSprop(lr, f.doubleAttr("rho"), f.doubleAttr("momentum"),
            f.doubleAttr("epsilon"));
      default:
        throw new AssertionError(f + ": unknown optimizer " + f.type);
    }
  }
}
