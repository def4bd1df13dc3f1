package io.github.dropnet.models;

import io.github.dropnet.Tensor;
import java.util.List;

/**
 * One layer as read from a model file, before any layer object exists: its type tag, its
 * configuration and the weight tensors stored with it.
 *
 * @param tag the type tag, e.g. {@code Dense}
 * @param offset where the record starts in the file, for messages
 * @param config the configuration fields
 * @param weights the stored weights, in the layer's {@code getWeights} order (empty for a layer
 *     without weights or whose nested layers hold them)
 */
record LayerRecord(String tag, long offset, LayerConfig config, List<Tensor> weights) {}
