package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.ActivationLayer;
import io.github.dropnet.layers.AlphaDropout;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.DataFormat;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.DropBlock2D;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.GaussianDropout;
import io.github.dropnet.layers.GaussianNoise;
import io.github.dropnet.layers.KernelInitializer;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.layers.RateSchedule;
import io.github.dropnet.layers.Scheduled;
import io.github.dropnet.models.ModelBytes.Raw;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Saving and loading models: round trips, atomic saves, and every refusal message. */
class ModelFileTest {
  @TempDir Path dir;

  // ================================================================ helpers

  /** Getters that report state or weights, not configuration. */
  private static final Set<String> NOT_CONFIGURATION = Set.of(
      "getWeights", "getGradients", "parameters", "gradients", "paramCount", "isBuilt",
      "hashCode", "toString", "getClass", "inputShape", "metrics", "isStopTrainingRequested",
      "summary", "optimizer", "loss");

  /**
   * Options that the model file documents as not saved (see ModelFile, "Not saved"): rate
   * schedules, which are arbitrary functions. A loaded layer has none; its rate is the one the
   * saved layer had, as a constant. LSTM's schedules have no getters, so only rateSchedule is
   * seen here; the others are listed because the documentation lists them.
   */
  static final Set<String> NOT_SAVED = Set.of(
      "rateSchedule", "dropoutSchedule", "recurrentDropoutSchedule");

  /**
   * Every public no-argument getter of the layer, by name, nested layers included: a getter added
   * later is compared too, so a configuration option the codec forgets fails these tests.
   */
  static Map<String, String> configuration(Layer layer) {
    return configuration(layer, false);
  }

  /** {@link #configuration} without the options of {@link #NOT_SAVED}: what a file keeps. */
  static Map<String, String> savedConfiguration(Layer layer) {
    return configuration(layer, true);
  }

  private static Map<String, String> configuration(Layer layer, boolean savedOnly) {
    Map<String, String> config = new TreeMap<>();
    config.put("class", layer.getClass().getName());
    for (Method m : layer.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || m.getReturnType() == void.class
          || Modifier.isStatic(m.getModifiers()) || NOT_CONFIGURATION.contains(m.getName())
          || m.getDeclaringClass() == Object.class
          || (savedOnly && NOT_SAVED.contains(m.getName()))) {
        continue;
      }
      try {
        config.put(m.getName(), describe(m.invoke(layer), savedOnly));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new AssertionError("cannot read " + m, e);
      }
    }
    config.put("toString", layer.toString());
    return config;
  }

  private static String describe(Object v, boolean savedOnly) {
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof Layer l) {
      return configuration(l, savedOnly).toString();
    }
    if (v instanceof List<?> list) {
      return list.stream()
          .map(e -> describe(e, savedOnly))
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(v);
  }

  /** The layer and every layer nested in it: a Sequential's layers, a DropConnect's inner one. */
  static List<Layer> withNested(Layer layer) {
    List<Layer> all = new ArrayList<>();
    all.add(layer);
    if (layer instanceof Sequential s) {
      s.layers().forEach(l -> all.addAll(withNested(l)));
    } else if (layer instanceof DropConnect d) {
      all.addAll(withNested(d.inner()));
    }
    return all;
  }

  /** Moves every schedule of the layer (nested ones too) away from its start, as a fit would. */
  static void advanceSchedules(Layer layer) {
    for (Layer l : withNested(layer)) {
      if (l instanceof Scheduled s) {
        s.onSchedule(3, 40);
      }
    }
  }

  /** Asserts that a loaded layer (nested ones too) holds no schedule: they are not saved. */
  static void assertNoSchedules(Layer loaded, String what) {
    for (Layer l : withNested(loaded)) {
      for (String key : NOT_SAVED) {
        String value = configuration(l).get(key);
        if (value != null) {
          assertEquals("Optional.empty", value, what + ": " + l + " loaded with a " + key);
        }
      }
    }
  }

  /** Asserts equal shapes and bit-identical values, NaN payloads and signed zeros included. */
  static void assertBitIdentical(List<Tensor> expected, List<Tensor> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": tensor count");
    for (int i = 0; i < expected.size(); i++) {
      assertBitIdentical(expected.get(i), actual.get(i), what + " tensor " + i);
    }
  }

  static void assertBitIdentical(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double[] e = expected.data();
    double[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
        throw new AssertionError(what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
      }
    }
  }

  /** Random weights in place of the initial ones, so a round trip cannot pass by re-seeding. */
  static void randomizeWeights(Layer layer, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Tensor> weights = new ArrayList<>();
    for (Tensor w : layer.getWeights()) {
      double[] d = new double[w.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = rng.nextDouble(-1, 1);
      }
      weights.add(Tensor.of(d, w.shape()));
    }
    layer.setWeights(weights);
  }

  static Tensor randomInput(int[] shape, long seed) {
    int[] s = shape.clone();
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        s[i] = 2;
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(s);
    double[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble(-2, 2);
    }
    return x;
  }

  private Path save(int[] inputShape, Layer... layers) throws IOException {
    Path path = dir.resolve("model.dnm");
    ModelFile.write(path, inputShape, List.of(layers));
    return path;
  }

  private byte[] bytes(int[] inputShape, Layer... layers) throws IOException {
    return Files.readAllBytes(save(inputShape, layers));
  }

  private static Layer[] built(int[] shape, Layer... layers) {
    int[] s = shape;
    for (Layer l : layers) {
      l.build(s);
      randomizeWeights(l, 17 + s.length);
      s = l.outputShape(s);
    }
    return layers;
  }

  private static IOException refused(byte[] file) {
    return assertThrows(IOException.class, () -> ModelBytes.read(file));
  }

  private static void assertMessage(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part),
          "message should contain '" + part + "': " + e.getMessage());
    }
  }

  // ================================================================ round trips

  /** One case per layer type and option set; all options away from their defaults. */
  static Stream<Arguments> everyLayer() {
    return Stream.of(
        Arguments.of("Dense", (Supplier<Layer>) () -> new Dense(5)
                .activation(Activation.TANH).useBias(false).kernelInitializer(
                    KernelInitializer.HE_NORMAL).seed(7),
            (Supplier<Layer>) () -> new Dense(5), Set.of("units"), new int[] {-1, 3, 4}),
        Arguments.of("Dense with bias", (Supplier<Layer>) () -> new Dense(4)
                .activation(Activation.SELU).kernelInitializer(KernelInitializer.LECUN_NORMAL)
                .seed(-5),
            (Supplier<Layer>) () -> new Dense(4), Set.of("units", "useBias"), new int[] {-1, 6}),
        Arguments.of("Conv2D strided", (Supplier<Layer>) () -> new Conv2D(4, 3, 2)
                .strides(2, 1).padding(Padding.SAME).dataFormat(DataFormat.CHANNELS_FIRST)
                .activation(Activation.RELU).useBias(false)
                .kernelInitializer(KernelInitializer.GLOROT_NORMAL).seed(3),
            (Supplier<Layer>) () -> new Conv2D(4, 3, 2),
            Set.of("filters", "kernelSize", "dilation"), new int[] {-1, 2, 7, 6}),
        Arguments.of("Conv2D dilated", (Supplier<Layer>) () -> new Conv2D(3, 2, 2)
                .dilation(2, 3).activation(Activation.SIGMOID)
                .kernelInitializer(KernelInitializer.HE_UNIFORM).seed(9),
            (Supplier<Layer>) () -> new Conv2D(3, 2, 2),
            Set.of("filters", "kernelSize", "strides", "padding", "dataFormat", "useBias"),
            new int[] {-1, 8, 9, 2}),
        Arguments.of("MaxPool2D", (Supplier<Layer>) () -> new MaxPool2D(2, 3)
                .strides(1, 2).padding(Padding.SAME).dataFormat(DataFormat.CHANNELS_FIRST),
            (Supplier<Layer>) () -> new MaxPool2D(2, 3), Set.of("poolSize"),
            new int[] {-1, 3, 5, 7}),
        Arguments.of("LSTM", (Supplier<Layer>) () -> new LSTM(3)
                .returnSequences(true).dropout(0.25).recurrentDropout(0.5).seed(11),
            (Supplier<Layer>) () -> new LSTM(3), Set.of("units"), new int[] {-1, 4, 2}),
        Arguments.of("Dropout", (Supplier<Layer>) () -> new Dropout(0.3, -1, 1, 4)
                .scaling(Dropout.Scaling.AT_INFERENCE).seed(5)
                .rateSchedule(RateSchedule.linear(0.3, 0.1, 6)),
            (Supplier<Layer>) () -> new Dropout(0.3), Set.of("rate"), new int[] {-1, 3, 4}),
        Arguments.of("spatial Dropout", (Supplier<Layer>) () -> Dropout.spatial2D(
                0.5, DataFormat.CHANNELS_FIRST).seed(-8)
                .rateSchedule(RateSchedule.step(0.5, 0.5, 2)),
            (Supplier<Layer>) () -> new Dropout(0.5), Set.of("rate", "scaling"),
            new int[] {-1, 2, 3, 3}),
        Arguments.of("Sequential", (Supplier<Layer>) () -> new Sequential(
                new Dense(3).activation(Activation.RELU).seed(1), new Dropout(0.5).seed(2),
                new Sequential(new Dense(2).seed(3))),
            (Supplier<Layer>) Sequential::new, Set.of(), new int[] {-1, 4}),
        Arguments.of("Flatten", (Supplier<Layer>) Flatten::new,
            (Supplier<Layer>) Flatten::new, Set.of(), new int[] {-1, 2, 3, 4}),
        Arguments.of("ActivationLayer", (Supplier<Layer>) () -> new ActivationLayer(
                Activation.SOFTMAX),
            (Supplier<Layer>) () -> new ActivationLayer(Activation.LINEAR), Set.of(),
            new int[] {-1, 5}),
        Arguments.of("GaussianDropout", (Supplier<Layer>) () -> new GaussianDropout(0.2, -1, 1, 4)
                .seed(5).rateSchedule(RateSchedule.linear(0.2, 0.4, 6)),
            (Supplier<Layer>) () -> new GaussianDropout(0.2), Set.of("rate", "stddev"),
            new int[] {-1, 3, 4}),
        Arguments.of("GaussianNoise", (Supplier<Layer>) () -> new GaussianNoise(0.3).seed(-2),
            (Supplier<Layer>) () -> new GaussianNoise(0.3), Set.of("stddev"),
            new int[] {-1, 3, 4}),
        Arguments.of("AlphaDropout", (Supplier<Layer>) () -> new AlphaDropout(0.1, -1, 1, 5)
                .seed(4).rateSchedule(RateSchedule.exponential(0.1, 0.5)),
            (Supplier<Layer>) () -> new AlphaDropout(0.1), Set.of("rate"),
            new int[] {-1, 3, 5}),
        Arguments.of("DropBlock2D", (Supplier<Layer>) () -> new DropBlock2D(0.2, 3)
                .dataFormat(DataFormat.CHANNELS_FIRST).seed(6)
                .rateSchedule(RateSchedule.linear(0.0, 0.2, 6)),
            (Supplier<Layer>) () -> new DropBlock2D(0.2, 3), Set.of("rate", "blockSize"),
            new int[] {-1, 2, 6, 7}),
        Arguments.of("DropConnect of a Dense", (Supplier<Layer>) () -> new DropConnect(
                new Dense(4).activation(Activation.SELU)
                    .kernelInitializer(KernelInitializer.LECUN_NORMAL).seed(2), 0.3)
                .dropBias(true).seed(8).rateSchedule(RateSchedule.linear(0.3, 0.1, 6)),
            (Supplier<Layer>) () -> new DropConnect(new Dense(4), 0.3), Set.of("rate"),
            new int[] {-1, 5}),
        Arguments.of("DropConnect of a Conv2D", (Supplier<Layer>) () -> new DropConnect(
                new Conv2D(2, 2, 3).padding(Padding.SAME).dataFormat(DataFormat.CHANNELS_FIRST)
                    .kernelInitializer(KernelInitializer.HE_UNIFORM).seed(3), 0.5)
                .dropBias(true).seed(-1).rateSchedule(RateSchedule.step(0.5, 0.5, 2)),
            (Supplier<Layer>) () -> new DropConnect(new Conv2D(2, 2, 3), 0.5), Set.of("rate"),
            new int[] {-1, 2, 5, 6}),
        Arguments.of("Sequential of the dropout family", (Supplier<Layer>) () -> new Sequential(
                new GaussianNoise(0.1).seed(1),
                new DropConnect(new Conv2D(3, 3, 3).padding(Padding.SAME)
                    .kernelInitializer(KernelInitializer.HE_NORMAL).seed(2), 0.2).seed(3)
                    .rateSchedule(RateSchedule.linear(0.2, 0.4, 6)),
                new DropBlock2D(0.2, 2).seed(4).rateSchedule(RateSchedule.linear(0.0, 0.2, 6)),
                new Flatten(),
                new GaussianDropout(0.3).seed(5),
                new DropConnect(new Dense(8).activation(Activation.SELU)
                    .kernelInitializer(KernelInitializer.LECUN_NORMAL).seed(6), 0.25)
                    .dropBias(true).seed(7),
                new AlphaDropout(0.1).seed(8).rateSchedule(RateSchedule.exponential(0.1, 0.5)),
                new Dropout(0.2).seed(9),
                new Dense(3).activation(Activation.SOFTMAX).seed(10)),
            (Supplier<Layer>) Sequential::new, Set.of(), new int[] {-1, 6, 6, 2}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void roundTripKeepsConfigurationWeightsAndOutputs(
      String name, Supplier<Layer> make, Supplier<Layer> defaults, Set<String> unchanged,
      int[] shape) throws IOException {
    Layer original = make.get();
    // the case really sets every option away from its default (except constructor arguments),
    // the schedules that are not saved included, so that saving a scheduled layer is tested
    Map<String, String> config = configuration(original);
    Map<String, String> plain = configuration(defaults.get());
    for (String key : config.keySet()) {
      if (!key.equals("class") && !key.equals("toString") && !unchanged.contains(key)) {
        assertNotEquals(plain.get(key), config.get(key), name + ": option " + key
            + " is left at its default");
      }
    }
    // a scheduled rate is saved at its current value, mid-schedule here
    advanceSchedules(original);
    original.build(shape);
    randomizeWeights(original, 42);

    ModelFile.Loaded loaded = ModelFile.read(save(shape, original));

    assertArrayEquals(shape, loaded.inputShape());
    assertEquals(1, loaded.layers().size());
    Layer copy = loaded.layers().get(0);
    assertEquals(savedConfiguration(original), savedConfiguration(copy), name + ": configuration");
    assertNoSchedules(copy, name);
    assertBitIdentical(original.getWeights(), copy.getWeights(), name + " weights");
    Tensor x = randomInput(shape, 5);
    assertBitIdentical(original.forward(x, false), copy.forward(x, false), name + " output");
    // the random stream restarts from the saved seed, at the saved rate: the first training pass
    // of each agrees
    Layer fresh = make.get();
    advanceSchedules(fresh);
    fresh.build(shape);
    fresh.setWeights(original.getWeights());
    Layer again = ModelFile.read(save(shape, fresh)).layers().get(0);
    assertBitIdentical(fresh.forward(x, true), again.forward(x, true), name + " training output");
  }

  @Test
  void chainedModelsRoundTripBitForBit() throws IOException {
    int[] image = {-1, 9, 8, 2};
    Layer[] conv = built(image, new Conv2D(3, 3, 3).padding(Padding.SAME).seed(1),
        new MaxPool2D(2, 2), new Flatten(), new Dense(5).activation(Activation.RELU).seed(2),
        new Dense(3).seed(3), new ActivationLayer(Activation.SOFTMAX));
    int[] series = {-1, 6, 3};
    Layer[] lstm = built(series, new LSTM(4).returnSequences(true).seed(4), new LSTM(2).seed(5),
        new Dense(1).seed(6));
    for (Object[] c : new Object[][] {{image, conv}, {series, lstm}}) {
      int[] shape = (int[]) c[0];
      Layer[] layers = (Layer[]) c[1];
      ModelFile.Loaded loaded = ModelFile.read(save(shape, layers));
      assertEquals(layers.length, loaded.layers().size());
      Tensor x = randomInput(shape, 9);
      Tensor a = x;
      Tensor b = x;
      for (int i = 0; i < layers.length; i++) {
        Layer copy = loaded.layers().get(i);
        assertEquals(configuration(layers[i]), configuration(copy));
        assertBitIdentical(layers[i].getWeights(), copy.getWeights(), "layer " + i);
        a = layers[i].forward(a, false);
        b = copy.forward(b, false);
      }
      assertBitIdentical(a, b, "model output");
    }
  }

  @Test
  void nestedModelsRoundTripBitForBit() throws IOException {
    int[] shape = {-1, 3, 5};
    Sequential inner = new Sequential(new LSTM(4).returnSequences(true).dropout(0.2).seed(1),
        new Sequential(new Dense(3).seed(2), new Dropout(0.3, -1, 1, -1).seed(3)));
    Layer[] layers = built(shape, new Dense(5).seed(4), inner, new Flatten(), new Dense(2));
    ModelFile.Loaded loaded = ModelFile.read(save(shape, layers));
    Sequential model = loaded.toSequential();
    Sequential original = new Sequential(layers);
    assertEquals(configuration(original), configuration(model));
    assertBitIdentical(original.getWeights(), model.getWeights(), "nested weights");
    Tensor x = randomInput(shape, 3);
    assertBitIdentical(original.predict(x), model.predict(x), "nested output");
    Sequential copyOfInner = (Sequential) model.layers().get(1);
    assertArrayEquals(new int[] {-1, 3, 5}, copyOfInner.inputShape(), "built by the outer model");
  }

  @Test
  void aSequentialModelSavesAndLoadsWhole() throws IOException {
    Sequential model = new Sequential(new Conv2D(2, 3, 3).seed(1), new MaxPool2D(2, 2),
        new Flatten(), new Dropout(0.5).seed(2), new Dense(3).activation(Activation.SOFTMAX));
    model.build(-1, 8, 8, 1);
    Path path = dir.resolve("model.dnm");
    ModelFile.write(path, model);
    Sequential loaded = ModelFile.read(path).toSequential();
    assertArrayEquals(model.inputShape(), loaded.inputShape());
    assertEquals(configuration(model), configuration(loaded));
    Tensor x = randomInput(model.inputShape(), 8);
    assertBitIdentical(model.predict(x), loaded.predict(x), "predictions");
    assertEquals(model.summary(), loaded.summary());

    Sequential unbuilt = new Sequential(new Dense(2).seed(5));
    ModelFile.write(path, unbuilt);
    Sequential back = ModelFile.read(path).toSequential();
    assertFalse(back.isBuilt());
    assertEquals(configuration(unbuilt), configuration(back));
  }

  @Test
  void aModelInsideItselfIsRefused() {
    Sequential a = new Sequential(new Dense(1));
    Sequential b = new Sequential(a);
    a.add(b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("m"), null, List.of(a)));
    assertMessage(e, "Sequential contains itself");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    int depth = ModelFile.MAX_DEPTH + 1;
    Raw raw = new Raw().u1(0).i32(1);
    for (int i = 0; i < depth; i++) {
      raw.string("Sequential").u2(1).field("layers", 'L').i32(1);
    }
    raw.string("Flatten").u2(0).u2(0);
    for (int i = 0; i < depth; i++) {
      raw.u2(0);
    }
    raw.i32(0);
    assertMessage(refused(ModelBytes.frame(1, raw.bytes())), "nested more than 32 deep");
  }

  @Test
  void nestingUpToTheLimitLoads() throws IOException {
    Layer layer = new Dense(2).seed(1);
    for (int i = 0; i < ModelFile.MAX_DEPTH; i++) {
      layer = new Sequential(layer);
    }
    ModelFile.Loaded loaded = ModelFile.read(save(new int[] {-1, 3}, built(new int[] {-1, 3},
        layer)));
    assertEquals(configuration(layer), configuration(loaded.layers().get(0)));
    Sequential tooDeep = new Sequential(layer);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("deep"), new int[] {-1, 3}, List.of(tooDeep)));
    assertMessage(e, "nested more than 32 deep");
  }

  @Test
  void specialValuesSurviveBitForBit() throws IOException {
    Dense dense = new Dense(3);
    dense.build(-1, 2);
    double nanWithPayload = Double.longBitsToDouble(0x7ff8_0000_0000_0123L);
    Tensor kernel = Tensor.of(new double[] {-0.0, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, nanWithPayload}, 2, 3);
    Tensor bias = Tensor.of(new double[] {1e-310, -1.5, 0.0}, 3);
    dense.setWeights(List.of(kernel, bias));
    Layer copy = ModelFile.read(save(new int[] {-1, 2}, dense)).layers().get(0);
    assertBitIdentical(List.of(kernel, bias), copy.getWeights(), "special values");
  }

  @Test
  void unbuiltLayersSaveTheirConfigurationOnly() throws IOException {
    Layer[] layers = {new Dense(4).activation(Activation.RELU).seed(1), new LSTM(2).seed(3),
        new Flatten(), new DropConnect(new Conv2D(2, 3, 3)
            .kernelInitializer(KernelInitializer.LECUN_UNIFORM).seed(4), 0.2).dropBias(true),
        new DropBlock2D(0.1, 5).seed(5), new GaussianNoise(0.5)};
    ModelFile.Loaded loaded = ModelFile.read(save(null, layers));
    assertNull(loaded.inputShape());
    for (int i = 0; i < layers.length; i++) {
      assertEquals(configuration(layers[i]), configuration(loaded.layers().get(i)));
      assertTrue(loaded.layers().get(i).getWeights().isEmpty());
    }
    Dense builtDense = new Dense(2);
    builtDense.build(-1, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("m"), null, List.of(builtDense)));
    assertMessage(e, "layer 0 (Dense)", "no input shape");
    IllegalArgumentException unbuilt = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("m"), new int[] {-1, 3}, List.of(new Dense(2))));
    assertMessage(unbuilt, "layer 0 (Dense) is not built");
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void unseededLayersLoadUnseeded() throws IOException {
    int[] shape = {-1, 3, 4};
    Layer[] layers = built(shape, new LSTM(2).returnSequences(true), new Dropout(0.5),
        new Dense(2));
    for (Layer copy : ModelFile.read(save(shape, layers)).layers()) {
      assertEquals("OptionalLong.empty", configuration(copy).get("seed"), copy.toString());
    }
  }

  @Test
  void newLayersLoadUnseededWhenUnseeded() throws IOException {
    int[] image = {-1, 4, 4, 2};
    Layer[] layers = built(image, new GaussianNoise(0.2), new DropBlock2D(0.1, 2),
        new DropConnect(new Conv2D(2, 2, 2), 0.5), new GaussianDropout(0.2),
        new AlphaDropout(0.1), new DropConnect(new Dense(2), 0.5));
    for (Layer copy : ModelFile.read(save(image, layers)).layers()) {
      assertEquals("OptionalLong.empty", configuration(copy).get("seed"), copy.toString());
    }
  }

  @Test
  void aScheduledRateIsSavedAsTheConstantItIsAtTheSave() throws IOException {
    int[] shape = {-1, 3, 4};
    Dropout dropout = new Dropout(0.5).rateSchedule(RateSchedule.linear(0.5, 0.1, 4)).seed(1);
    LSTM lstm = new LSTM(2).returnSequences(true)
        .dropoutSchedule(RateSchedule.linear(0.4, 0.0, 4))
        .recurrentDropoutSchedule(RateSchedule.step(0.2, 0.5, 1)).seed(2);
    dropout.onSchedule(2, 10);
    lstm.onSchedule(2, 10);
    Layer[] layers = built(shape, dropout, lstm);
    List<Layer> loaded = ModelFile.read(save(shape, layers)).layers();
    Dropout d = (Dropout) loaded.get(0);
    LSTM l = (LSTM) loaded.get(1);
    assertEquals(dropout.rate(), d.rate());
    assertTrue(d.rateSchedule().isEmpty(), "the schedule is not saved");
    assertEquals(lstm.dropout(), l.dropout());
    assertEquals(lstm.recurrentDropout(), l.recurrentDropout());
    // without a schedule, the loaded rates stay where they were saved
    d.onSchedule(4, 99);
    l.onSchedule(4, 99);
    assertEquals(0.3, d.rate(), 1e-15);
    assertEquals(0.2, l.dropout(), 1e-15);
    assertEquals(0.05, l.recurrentDropout(), 1e-15);
  }

  @Test
  void emptyModelRoundTrips() throws IOException {
    ModelFile.Loaded loaded = ModelFile.read(save(new int[] {-1, 3}));
    assertArrayEquals(new int[] {-1, 3}, loaded.inputShape());
    assertTrue(loaded.layers().isEmpty());
  }

  @Test
  void loadedShapeIsACopy() throws IOException {
    ModelFile.Loaded loaded = ModelFile.read(save(new int[] {-1, 3}));
    loaded.inputShape()[1] = 99;
    assertArrayEquals(new int[] {-1, 3}, loaded.inputShape());
  }

  // ================================================================ the documented layout

  @Test
  void fileFollowsTheDocumentedFrame() throws IOException {
    Dense dense = (Dense) built(new int[] {-1, 2}, new Dense(1))[0];
    byte[] file = bytes(new int[] {-1, 2}, dense);
    byte[] magic = {(byte) 0x89, 'D', 'R', 'O', 'P', 'N', 'E', 'T', '\r', '\n', 0x1A, '\n'};
    assertArrayEquals(magic, Arrays.copyOf(file, 12));
    ByteBuffer b = ByteBuffer.wrap(file);
    assertEquals(ModelFile.FORMAT_VERSION, b.getInt(12));
    assertEquals(file.length - 28, b.getLong(16));
    byte[] refixed = ModelBytes.fixCrc(file.clone());
    assertArrayEquals(file, refixed, "the last 4 bytes are the CRC-32C of the rest");
  }

  /** A file written by hand from the documented layout loads as the layer it describes. */
  @Test
  void handWrittenFileLoads() throws IOException {
    byte[] body = new Raw()
        .u1(1).ints(-1, 2) // input shape
        .i32(1) // one layer
        .string("Dense").u2(3)
        .field("units", 'I').i32(2)
        .field("activation", 'S').string("RELU")
        .field("useBias", 'Z').u1(1)
        .u2(2)
        .ints(2, 2).f64(1).f64(2).f64(3).f64(4)
        .ints(2).f64(0.5).f64(-0.5)
        .i32(0) // no sections
        .bytes();
    ModelFile.Loaded loaded = ModelBytes.read(ModelBytes.frame(1, body));
    Dense dense = (Dense) loaded.layers().get(0);
    assertEquals(2, dense.units());
    assertEquals(Activation.RELU, dense.activation());
    assertTrue(dense.seed().isEmpty());
    Tensor y = dense.forward(Tensor.of(new double[] {1, 1}, 1, 2));
    assertArrayEquals(new double[] {4.5, 5.5}, y.toArray());
  }

  /** A Dense record whose fields the test chooses; input shape (-1, 2), kernel (2, 2), bias. */
  private static byte[] denseFile(String tag, Raw fields, int fieldCount, int sections,
      byte[] sectionBytes) {
    Raw raw = new Raw().u1(1).ints(-1, 2).i32(1).string(tag).u2(fieldCount)
        .raw(fields.bytes())
        .u2(2).ints(2, 2).f64(1).f64(2).f64(3).f64(4).ints(2).f64(0).f64(0)
        .i32(sections).raw(sectionBytes);
    return ModelBytes.frame(1, raw.bytes());
  }

  private static Raw denseFields(int units) {
    return new Raw().field("units", 'I').i32(units).field("activation", 'S').string("LINEAR")
        .field("useBias", 'Z').u1(1);
  }

  @Test
  void optionalUnknownSectionIsSkipped() throws IOException {
    byte[] section = new Raw().string("opt.future").u1(0).i64(5).raw(new byte[5]).bytes();
    ModelFile.Loaded loaded = ModelBytes.read(denseFile("Dense", denseFields(2), 3, 1, section));
    assertEquals(2, ((Dense) loaded.layers().get(0)).units());
  }

  /**
   * The kernel initialiser came after the first release: it is written only away from its
   * default, so that files of models that keep the default load in the readers before it, and a
   * file without it loads with the default.
   */
  @Test
  void kernelInitializerIsWrittenOnlyAwayFromItsDefault() throws IOException {
    int[] shape = {-1, 2};
    byte[] name = "kernelInitializer".getBytes(StandardCharsets.UTF_8);
    assertFalse(contains(bytes(shape, built(shape, new Dense(2).seed(1))), name));
    assertFalse(contains(bytes(shape, built(shape, new Dense(2)
        .kernelInitializer(KernelInitializer.GLOROT_UNIFORM))), name));
    assertTrue(contains(bytes(shape, built(shape, new Dense(2)
        .kernelInitializer(KernelInitializer.HE_NORMAL))), name));
    int[] image = {-1, 4, 4, 1};
    assertFalse(contains(bytes(image, built(image, new Conv2D(1, 2, 2))), name));

    Dense old = (Dense) ModelBytes.read(denseFile("Dense", denseFields(2), 3, 0, new byte[0]))
        .layers().get(0);
    assertEquals(KernelInitializer.GLOROT_UNIFORM, old.kernelInitializer());
    Raw stated = denseFields(2).field("kernelInitializer", 'S').string("GLOROT_UNIFORM");
    Dense explicit = (Dense) ModelBytes.read(denseFile("Dense", stated, 4, 0, new byte[0]))
        .layers().get(0);
    assertEquals(KernelInitializer.GLOROT_UNIFORM, explicit.kernelInitializer());
    Raw unknown = denseFields(2).field("kernelInitializer", 'S').string("ORTHOGONAL");
    assertMessage(refused(denseFile("Dense", unknown, 4, 0, new byte[0])),
        "layer 0 (Dense): configuration field 'kernelInitializer' holds 'ORTHOGONAL'");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** A DropConnect record around the given inner records, for input shape (-1, 2). */
  private static byte[] dropConnectFile(int innerCount, Raw inner, int ownWeights) {
    Raw raw = new Raw().u1(1).ints(-1, 2).i32(1).string("DropConnect").u2(3)
        .field("inner", 'L').i32(innerCount).raw(inner.bytes())
        .field("rate", 'D').f64(0.5).field("dropBias", 'Z').u1(0)
        .u2(ownWeights);
    for (int i = 0; i < ownWeights; i++) {
      raw.ints(1).f64(0);
    }
    return ModelBytes.frame(1, raw.i32(0).bytes());
  }

  /** A Dense(2) record with its weights, for input (-1, 2). */
  private static Raw denseRecord() {
    return new Raw().string("Dense").u2(3).raw(denseFields(2).bytes())
        .u2(2).ints(2, 2).f64(1).f64(2).f64(3).f64(4).ints(2).f64(0).f64(0);
  }

  @Test
  void dropConnectLoadsOneDenseOrConv2DAndRefusesAnythingElse() throws IOException {
    DropConnect ok = (DropConnect) ModelBytes.read(dropConnectFile(1, denseRecord(), 0))
        .layers().get(0);
    assertInstanceOf(Dense.class, ok.inner());
    assertEquals(0.5, ok.rate());
    Tensor y = ok.forward(Tensor.of(new double[] {1, 1}, 1, 2), false);
    assertArrayEquals(new double[] {4, 6}, y.toArray());

    Raw two = new Raw().raw(denseRecord().bytes()).raw(denseRecord().bytes());
    assertMessage(refused(dropConnectFile(2, two, 0)),
        "layer 0 (DropConnect): configuration field 'inner' must hold 1 layer, found 2");
    assertMessage(refused(dropConnectFile(0, new Raw(), 0)),
        "configuration field 'inner' must hold 1 layer, found 0");
    Raw flatten = new Raw().string("Flatten").u2(0).u2(0);
    IOException wrong = refused(dropConnectFile(1, flatten, 0));
    assertMessage(wrong, "layer 0 (DropConnect): invalid configuration",
        "supports Dense and Conv2D layers, received Flatten");
    assertInstanceOf(IllegalArgumentException.class, wrong.getCause());
    assertMessage(refused(dropConnectFile(1, denseRecord(), 2)),
        "layer 0 (DropConnect): holds 2 weights of its own");
  }

  // ================================================================ atomic saves

  @Test
  void savingReplacesAGoodFileAndLeavesNothingElse() throws IOException {
    Path path = dir.resolve("model.dnm");
    ModelFile.write(path, new int[] {-1, 3}, List.of(built(new int[] {-1, 3}, new Dense(2))));
    Layer[] second = built(new int[] {-1, 4}, new Dense(5).seed(1), new Dense(1));
    ModelFile.write(path, new int[] {-1, 4}, List.of(second));
    ModelFile.Loaded loaded = ModelFile.read(path);
    assertArrayEquals(new int[] {-1, 4}, loaded.inputShape());
    assertBitIdentical(second[1].getWeights(), loaded.layers().get(1).getWeights(), "second");
    assertEquals(List.of(path), listDir());
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void aSaveFailingHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path path = dir.resolve("model.dnm");
    ModelFile.write(path, new int[] {-1, 3}, List.of(built(new int[] {-1, 3}, new Dense(2))));
    byte[] good = Files.readAllBytes(path);

    // the second layer was built for 5 inputs, the first gives it 3: found while writing
    Dense first = (Dense) built(new int[] {-1, 4}, new Dense(3))[0];
    Dense second = (Dense) built(new int[] {-1, 5}, new Dense(2))[0];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(path, new int[] {-1, 4}, List.of(first, second)));
    assertMessage(e, "Dense");

    // a layer whose getWeights throws in the middle of the save
    Exploding.registerOnce();
    RuntimeException boom = assertThrows(RuntimeException.class,
        () -> ModelFile.write(path, new int[] {-1, 4}, List.of(first, new Exploding())));
    assertEquals("getWeights failed", boom.getMessage());

    assertArrayEquals(good, Files.readAllBytes(path), "the old file is untouched");
    assertEquals(List.of(path), listDir(), "no temporary file is left behind");
  }

  @Test
  void saveRefusesAnUnknownLayerClassByName() {
    Layer stranger = new Unsavable();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("m"), new int[] {-1, 2}, List.of(new Dense(1),
            stranger)));
    assertMessage(e, Unsavable.class.getName());
    assertFalse(Files.exists(dir.resolve("m")));
  }

  @Test
  void saveRefusesBadArguments() {
    Path p = dir.resolve("m");
    assertThrows(IllegalArgumentException.class, () -> ModelFile.write(null, null, List.of()));
    assertThrows(IllegalArgumentException.class, () -> ModelFile.write(p, null, null));
    assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(p, new int[] {-2, 3}, List.of()));
    assertThrows(IllegalArgumentException.class, () -> ModelFile.write(p, new int[0], List.of()));
    List<Layer> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(IllegalArgumentException.class, () -> ModelFile.write(p, null, withNull));
    IOException e = assertThrows(IOException.class, () -> ModelFile.write(dir, null, List.of()));
    assertMessage(e, "is a directory");
    // a missing directory is named with the target, not with the hidden temporary file
    Path nowhere = dir.resolve("missing").resolve("m.dnet");
    IOException missing =
        assertThrows(IOException.class, () -> ModelFile.write(nowhere, null, List.of()));
    assertTrue(missing.getMessage().startsWith(nowhere + ": no such directory"),
        missing.getMessage());
  }

  @Test
  void readingADirectoryNamesIt() {
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(dir));
    assertEquals(dir + ": is a directory", e.getMessage());
  }

  /** A layer no codec knows. */
  static final class Unsavable extends Stub {}

  /** A layer whose codec exists but whose getWeights fails, to interrupt a save halfway. */
  static final class Exploding extends Stub {
    private static boolean registered;

    static synchronized void registerOnce() {
      if (!registered) {
        LayerCodecs.register(new LayerCodec<>("test.Exploding", Exploding.class) {
          @Override
          void writeConfig(Exploding layer, LayerConfig config) {}

          @Override
          Exploding create(LayerConfig config, Nested nested) {
            return new Exploding();
          }

          @Override
          int[][] weightShapes(Exploding layer, int[] inputShape) {
            return new int[0][];
          }
        });
        registered = true;
      }
    }

    @Override
    public List<Tensor> getWeights() {
      throw new IllegalStateException("getWeights failed");
    }
  }

  abstract static class Stub implements Layer {
    @Override
    public void build(int... inputShape) {}

    @Override
    public int[] outputShape(int... inputShape) {
      return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
      return input;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
      return gradOutput;
    }

    @Override
    public List<Tensor> getWeights() {
      return List.of();
    }

    @Override
    public void setWeights(List<Tensor> weights) {}

    @Override
    public List<Tensor> getGradients() {
      return List.of();
    }
  }

  // ================================================================ refusals

  private byte[] goodFile() throws IOException {
    int[] shape = {-1, 3, 2};
    return bytes(shape, built(shape, new LSTM(2).seed(1), new Dense(2).seed(2)));
  }

  @Test
  void foreignFileIsNotADropnetModel() throws IOException {
    byte[] text = "just some text, not a model at all\n".getBytes(StandardCharsets.UTF_8);
    assertMessage(refused(text), "model.dnm: not a dropnet model file");
    assertMessage(refused(new byte[] {'P', 'K', 3, 4}), "not a dropnet model file");
    Path zip = dir.resolve("other.bin");
    Files.write(zip, text);
    IOException e = assertThrows(IOException.class, () -> ModelFile.read(zip));
    assertMessage(e, zip.toString(), "not a dropnet model file");
  }

  @Test
  void textModeTransferIsCaughtByTheMagic() throws IOException {
    byte[] file = goodFile();
    String crlf = new String(file, StandardCharsets.ISO_8859_1).replace("\n", "\r\n");
    assertMessage(refused(crlf.getBytes(StandardCharsets.ISO_8859_1)), "not a dropnet model file");
    byte[] stripped = file.clone();
    stripped[0] &= 0x7F;
    assertMessage(refused(stripped), "not a dropnet model file");
  }

  @Test
  void truncatedFileSaysHowManyBytesAreMissingAndWhere() throws IOException {
    byte[] file = goodFile();
    int n = file.length;
    assertMessage(refused(Arrays.copyOf(file, n - 10)),
        "model.dnm: truncated: expected 10 more bytes at offset " + (n - 10));
    assertMessage(refused(Arrays.copyOf(file, 30)),
        "truncated: expected " + (n - 30) + " more bytes at offset 30");
    assertMessage(refused(Arrays.copyOf(file, 7)), "truncated: expected 17 more bytes at offset 7");
    assertMessage(refused(new byte[0]), "truncated: expected 24 more bytes at offset 0");
  }

  @Test
  void flippedBitIsAChecksumMismatch() throws IOException {
    byte[] file = goodFile();
    byte[] flipped = file.clone();
    flipped[file.length / 2] ^= 0x10;
    assertMessage(refused(flipped), "model.dnm: corrupted: checksum mismatch");
    byte[] badCrc = file.clone();
    badCrc[file.length - 1] ^= 1;
    assertMessage(refused(badCrc), "corrupted: checksum mismatch");
  }

  @Test
  void trailingBytesAreRefused() throws IOException {
    byte[] file = goodFile();
    byte[] longer = Arrays.copyOf(file, file.length + 3);
    assertMessage(refused(longer),
        "corrupted: 3 unexpected bytes after the end of the model at offset " + file.length);
  }

  @Test
  void newerFormatIsRefusedByName() throws IOException {
    byte[] file = goodFile();
    ByteBuffer.wrap(file).putInt(12, 2);
    assertMessage(refused(file.clone()), "corrupted: checksum mismatch");
    ModelBytes.fixCrc(file);
    assertMessage(refused(file),
        "model.dnm: written by a newer dropnet (format 2), this reads up to 1");
    ByteBuffer.wrap(file).putInt(12, 0);
    assertMessage(refused(ModelBytes.fixCrc(file)), "format version 0 does not exist");
  }

  @Test
  void manyTinyForgedRecordsFailAtTheFirstUnknownTag() {
    // sixty thousand six-byte records of an empty tag: each would cost hundreds of bytes of heap
    Raw raw = new Raw().u1(0).i32(60_000);
    byte[] empty = new Raw().string("").u2(0).u2(0).bytes();
    for (int i = 0; i < 60_000; i++) {
      raw.raw(empty);
    }
    IOException e = refused(ModelBytes.frame(1, raw.i32(0).bytes()));
    assertMessage(e, "layer 0 at offset", "unknown layer type ''");
  }

  @Test
  void moreLayerRecordsThanTheLimitAreRefused() {
    int n = ModelFile.MAX_LAYERS + 1;
    byte[] flatten = new Raw().string("Flatten").u2(0).u2(0).bytes();
    Raw one = new Raw().u1(0).i32(n);
    for (int i = 0; i < n; i++) {
      one.raw(flatten);
    }
    assertMessage(refused(ModelBytes.frame(1, one.i32(0).bytes())),
        "layer count " + n + " is outside [0, " + ModelFile.MAX_LAYERS + "]");
    // the limit holds for the whole file: two nested models of 40,000 layers each
    Raw nested = new Raw().u1(0).i32(2);
    for (int m = 0; m < 2; m++) {
      nested.string("Sequential").u2(1).field("layers", 'L').i32(40_000);
      for (int i = 0; i < 40_000; i++) {
        nested.raw(flatten);
      }
      nested.u2(0);
    }
    assertMessage(refused(ModelBytes.frame(1, nested.i32(0).bytes())),
        "malformed at offset", "more than " + ModelFile.MAX_LAYERS + " layer records");
  }

  @Test
  void aSharedLayerInstanceIsRefusedRatherThanSavedUntied() {
    // such a model predicts (weights shared) but cannot train; a file would load it untied
    Dense shared = new Dense(5).seed(3);
    List<Layer> layers = List.of(shared, new Dropout(0.5), new Sequential(shared));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.write(dir.resolve("shared.dnm"), null, layers));
    assertMessage(e, "the same Dense instance appears twice");
    assertFalse(Files.exists(dir.resolve("shared.dnm")));
  }

  @Test
  void unknownLayerTypeIsNamed() {
    IOException e = refused(denseFile("Dunce", denseFields(2), 3, 0, new byte[0]));
    assertMessage(e, "layer 0 at offset", "unknown layer type 'Dunce'", "Dense");
  }

  @Test
  void configurationTheLayerRejectsCarriesItsReason() {
    IOException e = refused(denseFile("Dense", denseFields(0), 3, 0, new byte[0]));
    assertMessage(e, "layer 0 (Dense): invalid configuration", "units");
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  @Test
  void missingUnknownAndMistypedFieldsAreRefused() {
    Raw missing = new Raw().field("units", 'I').i32(2).field("activation", 'S').string("LINEAR");
    assertMessage(refused(denseFile("Dense", missing, 2, 0, new byte[0])),
        "layer 0 (Dense): configuration field 'useBias' is missing");
    Raw extra = denseFields(2).field("kernelRegularizer", 'D').f64(0.01);
    assertMessage(refused(denseFile("Dense", extra, 4, 0, new byte[0])),
        "layer 0 (Dense): unknown configuration field 'kernelRegularizer'");
    Raw mistyped = new Raw().field("units", 'J').i64(2).field("activation", 'S').string("LINEAR")
        .field("useBias", 'Z').u1(1);
    assertMessage(refused(denseFile("Dense", mistyped, 3, 0, new byte[0])),
        "field 'units' should have type 'I', found 'J'");
    Raw enumValue = new Raw().field("units", 'I').i32(2).field("activation", 'S').string("SWISH")
        .field("useBias", 'Z').u1(1);
    assertMessage(refused(denseFile("Dense", enumValue, 3, 0, new byte[0])),
        "field 'activation' holds 'SWISH'");
    Raw twice = denseFields(2).field("units", 'I').i32(3);
    assertMessage(refused(denseFile("Dense", twice, 4, 0, new byte[0])),
        "malformed at offset", "field 'units' of Dense appears twice");
  }

  @Test
  void weightsThatDoNotFitTheConfigurationAreRefusedBeforeBuilding() {
    // a forged unit count: build would allocate a (2, 2^30) kernel; the file holds (2, 2)
    IOException e = refused(denseFile("Dense", denseFields(1 << 30), 3, 0, new byte[0]));
    assertMessage(e, "layer 0 (Dense): the file holds weights of shapes [(2, 2), (2,)]",
        "(2, 1073741824)");
  }

  @Test
  void requiredUnknownSectionIsRefused() {
    byte[] section = new Raw().string("optimizer.v9").u1(1).i64(2).raw(new byte[2]).bytes();
    assertMessage(refused(denseFile("Dense", denseFields(2), 3, 1, section)),
        "required section 'optimizer.v9' is unknown to this version");
  }

  @Test
  void forgedSizesAreMalformedNotAllocated() throws IOException {
    byte[] file = goodFile();
    int dims = 0;
    int counts = 0;
    for (ModelBytes.Slot slot : ModelBytes.slots(file)) {
      if (slot.what().endsWith("shape[0]") && slot.what().contains("weight")) {
        byte[] forged = file.clone();
        slot.write(forged, Integer.MAX_VALUE);
        IOException e = refused(ModelBytes.fixCrc(forged));
        assertMessage(e, "malformed at offset", "needs more bytes than");
        dims++;
      }
      if (slot.what().endsWith("layer count")) {
        byte[] forged = file.clone();
        slot.write(forged, -1);
        assertMessage(refused(ModelBytes.fixCrc(forged)), "layer count -1 is outside");
        counts++;
      }
    }
    assertEquals(5, dims, "LSTM has 3 weights, Dense 2");
    assertEquals(1, counts);
  }
}
