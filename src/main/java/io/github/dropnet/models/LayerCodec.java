package io.github.dropnet.models;

import io.github.dropnet.layers.Layer;
import java.io.IOException;
import java.util.List;

/**
 * How one layer class is saved and loaded: its type tag, its configuration fields and the shapes of
 * the weights it creates when built.
 *
 * <p>{@link #create} goes through the layer's public constructor and fluent setters, so a file
 * can never hold a configuration the layer would not accept from code: the layer's own checks
 * reject it with an {@link IllegalArgumentException}, which the loader reports as an
 * {@link IOException}.
 *
 * <p>{@link #weightShapes} lets the loader compare the weights stored in a file with what
 * {@code build} will allocate before calling it, so a forged configuration (a million units) can
 * never make the loader allocate more than the file itself holds.
 *
 * <p>Implementations are stateless and thread-safe.
 *
 * @param <L> the layer class
 */
abstract class LayerCodec<L extends Layer> {
  private final String tag;
  private final Class<L> type;

  LayerCodec(String tag, Class<L> type) {
    this.tag = tag;
    this.type = type;
  }

  /** The type tag written to the file; never changes once released. */
  final String tag() {
    return tag;
  }

  /** The exact class this codec handles. */
  final Class<L> type() {
    return type;
  }

  /** Puts every configuration field of {@code layer} into {@code config}. */
  abstract void writeConfig(L layer, LayerConfig config);

  /**
   * A fresh, unbuilt layer with the stored configuration.
   *
   * @param nested builds nested layers, for a layer that contains others
   * @throws IOException if a field is missing or has the wrong type
   * @throws IllegalArgumentException if the layer rejects the configuration
   */
  abstract L create(LayerConfig config, Nested nested) throws IOException;

  /**
   * The shapes of the weights {@code build(inputShape)} creates, in {@code getWeights} order.
   * Called only after {@code layer.outputShape(inputShape)} has accepted the shape, and never for
   * a {@link #container}.
   */
  abstract int[][] weightShapes(L layer, int[] inputShape);

  /**
   * Whether the layer contains others, saved inside its configuration (a {@link LayerConfig#LAYERS}
   * field), which hold and save the weights: the container itself stores none.
   */
  boolean container() {
    return false;
  }

  /** The layers nested in {@code layer}, in order; empty unless it is a {@link #container}. */
  List<Layer> children(L layer) {
    return List.of();
  }

  /** Builds the nested layers of a container while it is being loaded. */
  interface Nested {
    /** Fresh layers for the given records, in order. */
    List<Layer> layers(List<LayerRecord> records) throws IOException;
  }

  // Unchecked entry points for the loader and writer, which hold layers as plain Layer.

  final void writeConfigOf(Layer layer, LayerConfig config) {
    writeConfig(type.cast(layer), config);
  }

  final int[][] weightShapesOf(Layer layer, int[] inputShape) {
    return weightShapes(type.cast(layer), inputShape);
  }

  final List<Layer> childrenOf(Layer layer) {
    return children(type.cast(layer));
  }
}
