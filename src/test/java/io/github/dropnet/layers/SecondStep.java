package io.github.dropnet.layers;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Threads;
import java.util.function.Supplier;

/**
 * The gradient of a layer's second training step: a new layer runs forward and backward once,
 * so that its next forward prepares its backward's array, then once more. For large-tensor tests
 * of that preparation under different thread counts.
 */
final class SecondStep {
  private SecondStep() {}

  /**
   * The input gradient of the second step of a layer made by {@code make}, with the library set
   * to {@code threads} threads (restored afterwards).
   */
  static double[] gradient(Supplier<? extends Layer> make, Tensor x, Tensor g, int threads) {
    return Threads.call(threads, () -> {
      Layer layer = make.get();
      layer.forward(x, true);
      layer.backward(g);
      layer.forward(x, true);
      return layer.backward(g).data();
    });
  }
}
