package io.github.dropnet.models;

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
import java.io.IOException;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * The registry of layer codecs: which classes a model file can hold, under which tags, with which
 * fields. The tags and fields are part of the file format and are documented in {@link ModelFile},
 * whose table must follow every change here: a tag or a field is never renamed or reused, and a new
 * field gets a default so that older files still load.
 *
 * <p>Thread safety: immutable after class initialisation (tests may {@link #register} more).
 */
final class LayerCodecs {
  private static final Map<Class<?>, LayerCodec<?>> BY_CLASS = new LinkedHashMap<>();
  private static final Map<String, LayerCodec<?>> BY_TAG = new LinkedHashMap<>();

  /** What a Dense or Conv2D without a stored kernelInitializer (an older file) was built with. */
  static final KernelInitializer DEFAULT_KERNEL_INITIALIZER = KernelInitializer.GLOROT_UNIFORM;

  static {
    register(new DenseCodec());
    register(new Conv2DCodec());
    register(new MaxPool2DCodec());
    register(new LstmCodec());
    register(new FlattenCodec());
    register(new ActivationCodec());
    register(new DropoutCodec());
    register(new SequentialCodec());
    register(new GaussianDropoutCodec());
    register(new GaussianNoiseCodec());
    register(new AlphaDropoutCodec());
    register(new DropBlock2DCodec());
    register(new DropConnectCodec());
  }

  private LayerCodecs() {}

  /**
   * Adds a codec. Called while this class initialises, and by this package's tests for layers that
   * exist only there; not safe to call while other threads save or load.
   *
   * @throws IllegalStateException if its class or tag already has a codec
   */
  static synchronized void register(LayerCodec<?> codec) {
    if (BY_CLASS.containsKey(codec.type()) || BY_TAG.containsKey(codec.tag())) {
      throw new IllegalStateException("ModelFile: a codec for " + codec.tag() + " exists already");
    }
    BY_CLASS.put(codec.type(), codec);
    BY_TAG.put(codec.tag(), codec);
  }

  /**
   * The codec of this layer's class.
   *
   * @throws IllegalArgumentException naming the class if no codec handles it
   */
  static LayerCodec<?> forLayer(Layer layer) {
    LayerCodec<?> codec = BY_CLASS.get(layer.getClass());
    if (codec == null) {
      throw new IllegalArgumentException(
          "ModelFile: cannot save a layer of class " + layer.getClass().getName()
              + ": no codec for it; savable layers are " + BY_TAG.keySet());
    }
    return codec;
  }

  /** The codec of this tag, or {@code null} if the tag is unknown. */
  static LayerCodec<?> forTag(String tag) {
    return BY_TAG.get(tag);
  }

  /** The known tags, for messages. */
  static String tags() {
    return BY_TAG.keySet().toString();
  }

  /**
   * Writes the kernel initialiser of a Dense or Conv2D only when it is not the default: a field
   * added after the first release, so models that keep the default stay readable by the readers
   * released before it.
   */
  private static void putKernelInitializer(KernelInitializer k, LayerConfig c) {
    if (k != DEFAULT_KERNEL_INITIALIZER) {
      c.putEnum("kernelInitializer", k);
    }
  }

  private static KernelInitializer kernelInitializer(LayerConfig c) throws IOException {
    return c.optEnum("kernelInitializer", KernelInitializer.class, DEFAULT_KERNEL_INITIALIZER);
  }

  /** Writes the seed of a seeded layer; an unseeded one stores none and loads unseeded. */
  private static void putSeed(OptionalLong seed, LayerConfig c) {
    seed.ifPresent(s -> c.putLong("seed", s));
  }

  /** {@code layer} given the stored seed through its {@code seed} setter, or as it is without. */
  private static <L> L seeded(L layer, LayerConfig c, LongFunction<L> seedSetter)
      throws IOException {
    Long seed = c.optLong("seed");
    return seed == null ? layer : seedSetter.apply(seed);
  }

  /**
   * Writes a noise shape when one was given; none loads as {@code null}, which the layers'
   * {@code (rate, noiseShape...)} constructors read as the input's full shape.
   */
  private static void putNoiseShape(int[] noiseShape, LayerConfig c) {
    if (noiseShape != null) {
      c.putInts("noiseShape", noiseShape);
    }
  }

  // ---------------------------------------------------------------- codecs

  /** A codec of a layer without weights. */
  private abstract static class WeightlessCodec<L extends Layer> extends LayerCodec<L> {
    WeightlessCodec(String tag, Class<L> type) {
      super(tag, type);
    }

    @Override
    final int[][] weightShapes(L l, int[] in) {
      return new int[0][];
    }
  }

  private static final class DenseCodec extends LayerCodec<Dense> {
    DenseCodec() {
      super("Dense", Dense.class);
    }

    @Override
    void writeConfig(Dense l, LayerConfig c) {
      c.putInt("units", l.units()).putEnum("activation", l.activation())
          .putBoolean("useBias", l.useBias());
      putSeed(l.seed(), c);
      putKernelInitializer(l.kernelInitializer(), c);
    }

    @Override
    Dense create(LayerConfig c, Nested nested) throws IOException {
      Dense l = new Dense(c.getInt("units"))
          .activation(c.getEnum("activation", Activation.class))
          .useBias(c.getBoolean("useBias"))
          .kernelInitializer(kernelInitializer(c));
      return seeded(l, c, l::seed);
    }

    @Override
    int[][] weightShapes(Dense l, int[] in) {
      int[] kernel = {in[in.length - 1], l.units()};
      return l.useBias() ? new int[][] {kernel, {l.units()}} : new int[][] {kernel};
    }
  }

  private static final class Conv2DCodec extends LayerCodec<Conv2D> {
    Conv2DCodec() {
      super("Conv2D", Conv2D.class);
    }

    @Override
    void writeConfig(Conv2D l, LayerConfig c) {
      c.putInt("filters", l.filters()).putInts("kernelSize", l.kernelSize())
          .putInts("strides", l.strides()).putInts("dilation", l.dilation())
          .putEnum("padding", l.padding()).putEnum("dataFormat", l.dataFormat())
          .putEnum("activation", l.activation()).putBoolean("useBias", l.useBias());
      putSeed(l.seed(), c);
      putKernelInitializer(l.kernelInitializer(), c);
    }

    @Override
    Conv2D create(LayerConfig c, Nested nested) throws IOException {
      int[] k = c.getInts("kernelSize", 2);
      int[] s = c.getInts("strides", 2);
      int[] d = c.getInts("dilation", 2);
      Conv2D l = new Conv2D(c.getInt("filters"), k[0], k[1])
          .strides(s[0], s[1])
          .dilation(d[0], d[1])
          .padding(c.getEnum("padding", Padding.class))
          .dataFormat(c.getEnum("dataFormat", DataFormat.class))
          .activation(c.getEnum("activation", Activation.class))
          .useBias(c.getBoolean("useBias"))
          .kernelInitializer(kernelInitializer(c));
      return seeded(l, c, l::seed);
    }

    @Override
    int[][] weightShapes(Conv2D l, int[] in) {
      int cin = in[l.dataFormat() == DataFormat.CHANNELS_LAST ? 3 : 1];
      int[] k = l.kernelSize();
      int[] kernel = {k[0], k[1], cin, l.filters()};
      return l.useBias() ? new int[][] {kernel, {l.filters()}} : new int[][] {kernel};
    }
  }

  private static final class MaxPool2DCodec extends WeightlessCodec<MaxPool2D> {
    MaxPool2DCodec() {
      super("MaxPool2D", MaxPool2D.class);
    }

    @Override
    void writeConfig(MaxPool2D l, LayerConfig c) {
      c.putInts("poolSize", l.poolSize()).putInts("strides", l.strides())
          .putEnum("padding", l.padding()).putEnum("dataFormat", l.dataFormat());
    }

    @Override
    MaxPool2D create(LayerConfig c, Nested nested) throws IOException {
      int[] p = c.getInts("poolSize", 2);
      int[] s = c.getInts("strides", 2);
      return new MaxPool2D(p[0], p[1])
          .strides(s[0], s[1])
          .padding(c.getEnum("padding", Padding.class))
          .dataFormat(c.getEnum("dataFormat", DataFormat.class));
    }
  }

  private static final class LstmCodec extends LayerCodec<LSTM> {
    LstmCodec() {
      super("LSTM", LSTM.class);
    }

    /** The rates only: their schedules are functions and are not saved (see ModelFile). */
    @Override
    void writeConfig(LSTM l, LayerConfig c) {
      c.putInt("units", l.units()).putBoolean("returnSequences", l.returnSequences())
          .putDouble("dropout", l.dropout()).putDouble("recurrentDropout", l.recurrentDropout());
      putSeed(l.seed(), c);
    }

    @Override
    LSTM create(LayerConfig c, Nested nested) throws IOException {
      LSTM l = new LSTM(c.getInt("units"))
          .returnSequences(c.getBoolean("returnSequences"))
          .dropout(c.getDouble("dropout"))
          .recurrentDropout(c.getDouble("recurrentDropout"));
      return seeded(l, c, l::seed);
    }

    @Override
    int[][] weightShapes(LSTM l, int[] in) {
      int u = l.units();
      // 4u is computed in long and clamped: a forged unit count must not wrap around to a
      // plausible size.
      int g4 = (int) Math.min(4L * u, Integer.MAX_VALUE);
      return new int[][] {{in[2], g4}, {u, g4}, {g4}};
    }
  }

  private static final class FlattenCodec extends WeightlessCodec<Flatten> {
    FlattenCodec() {
      super("Flatten", Flatten.class);
    }

    @Override
    void writeConfig(Flatten l, LayerConfig c) {}

    @Override
    Flatten create(LayerConfig c, Nested nested) {
      return new Flatten();
    }
  }

  private static final class ActivationCodec extends WeightlessCodec<ActivationLayer> {
    ActivationCodec() {
      super("ActivationLayer", ActivationLayer.class);
    }

    @Override
    void writeConfig(ActivationLayer l, LayerConfig c) {
      c.putEnum("activation", l.activation());
    }

    @Override
    ActivationLayer create(LayerConfig c, Nested nested) throws IOException {
      return new ActivationLayer(c.getEnum("activation", Activation.class));
    }
  }

  private static final class DropoutCodec extends WeightlessCodec<Dropout> {
    DropoutCodec() {
      super("Dropout", Dropout.class);
    }

    /** The rate only: a rate schedule is a function and is not saved (see ModelFile). */
    @Override
    void writeConfig(Dropout l, LayerConfig c) {
      c.putDouble("rate", l.rate());
      putNoiseShape(l.noiseShape(), c);
      c.putEnum("scaling", l.scaling());
      putSeed(l.seed(), c);
    }

    @Override
    Dropout create(LayerConfig c, Nested nested) throws IOException {
      Dropout l = new Dropout(c.getDouble("rate"), c.optInts("noiseShape"))
          .scaling(c.getEnum("scaling", Dropout.Scaling.class));
      return seeded(l, c, l::seed);
    }
  }

  /** A model nested as a layer: its layers, each with its own configuration and weights. */
  private static final class SequentialCodec extends LayerCodec<Sequential> {
    SequentialCodec() {
      super("Sequential", Sequential.class);
    }

    @Override
    void writeConfig(Sequential l, LayerConfig c) {
      c.putLayers("layers", l.layers());
    }

    @Override
    Sequential create(LayerConfig c, Nested nested) throws IOException {
      return new Sequential(nested.layers(c.getRecords("layers")).toArray(new Layer[0]));
    }

    @Override
    int[][] weightShapes(Sequential l, int[] in) {
      throw new UnsupportedOperationException("a container: its layers hold the weights");
    }

    @Override
    boolean container() {
      return true;
    }

    @Override
    List<Layer> children(Sequential l) {
      return l.layers();
    }
  }

  private static final class GaussianDropoutCodec extends WeightlessCodec<GaussianDropout> {
    GaussianDropoutCodec() {
      super("GaussianDropout", GaussianDropout.class);
    }

    /** The rate only: a rate schedule is a function and is not saved (see ModelFile). */
    @Override
    void writeConfig(GaussianDropout l, LayerConfig c) {
      c.putDouble("rate", l.rate());
      putNoiseShape(l.noiseShape(), c);
      putSeed(l.seed(), c);
    }

    @Override
    GaussianDropout create(LayerConfig c, Nested nested) throws IOException {
      GaussianDropout l = new GaussianDropout(c.getDouble("rate"), c.optInts("noiseShape"));
      return seeded(l, c, l::seed);
    }
  }

  private static final class GaussianNoiseCodec extends WeightlessCodec<GaussianNoise> {
    GaussianNoiseCodec() {
      super("GaussianNoise", GaussianNoise.class);
    }

    @Override
    void writeConfig(GaussianNoise l, LayerConfig c) {
      c.putDouble("stddev", l.stddev());
      putSeed(l.seed(), c);
    }

    @Override
    GaussianNoise create(LayerConfig c, Nested nested) throws IOException {
      GaussianNoise l = new GaussianNoise(c.getDouble("stddev"));
      return seeded(l, c, l::seed);
    }
  }

  private static final class AlphaDropoutCodec extends WeightlessCodec<AlphaDropout> {
    AlphaDropoutCodec() {
      super("AlphaDropout", AlphaDropout.class);
    }

    /** The rate only: a rate schedule is a function and is not saved (see ModelFile). */
    @Override
    void writeConfig(AlphaDropout l, LayerConfig c) {
      c.putDouble("rate", l.rate());
      putNoiseShape(l.noiseShape(), c);
      putSeed(l.seed(), c);
    }

    @Override
    AlphaDropout create(LayerConfig c, Nested nested) throws IOException {
      AlphaDropout l = new AlphaDropout(c.getDouble("rate"), c.optInts("noiseShape"));
      return seeded(l, c, l::seed);
    }
  }

  private static final class DropBlock2DCodec extends WeightlessCodec<DropBlock2D> {
    DropBlock2DCodec() {
      super("DropBlock2D", DropBlock2D.class);
    }

    /** The rate only: a rate schedule is a function and is not saved (see ModelFile). */
    @Override
    void writeConfig(DropBlock2D l, LayerConfig c) {
      c.putDouble("rate", l.rate()).putInt("blockSize", l.blockSize())
          .putEnum("dataFormat", l.dataFormat());
      putSeed(l.seed(), c);
    }

    @Override
    DropBlock2D create(LayerConfig c, Nested nested) throws IOException {
      DropBlock2D l = new DropBlock2D(c.getDouble("rate"), c.getInt("blockSize"))
          .dataFormat(c.getEnum("dataFormat", DataFormat.class));
      return seeded(l, c, l::seed);
    }
  }

  /**
   * A wrapper: its one inner layer (a Dense or a Conv2D) is nested as a Sequential's layers are,
   * with its own configuration and the weights, which are the wrapper's.
   */
  private static final class DropConnectCodec extends LayerCodec<DropConnect> {
    DropConnectCodec() {
      super("DropConnect", DropConnect.class);
    }

    /** The rate only: a rate schedule is a function and is not saved (see ModelFile). */
    @Override
    void writeConfig(DropConnect l, LayerConfig c) {
      c.putLayers("inner", List.of(l.inner())).putDouble("rate", l.rate())
          .putBoolean("dropBias", l.dropBias());
      putSeed(l.seed(), c);
    }

    @Override
    DropConnect create(LayerConfig c, Nested nested) throws IOException {
      List<Layer> inner = nested.layers(c.getRecords("inner", 1));
      DropConnect l = new DropConnect(inner.get(0), c.getDouble("rate"))
          .dropBias(c.getBoolean("dropBias"));
      return seeded(l, c, l::seed);
    }

    @Override
    int[][] weightShapes(DropConnect l, int[] in) {
      throw new UnsupportedOperationException("a container: its inner layer holds the weights");
    }

    @Override
    boolean container() {
      return true;
    }

    @Override
    List<Layer> children(DropConnect l) {
      return List.of(l.inner());
    }
  }
}
