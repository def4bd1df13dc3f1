/**
 * dropnet: a pure-Java neural network library with Keras-exact dropout.
 *
 * <p>Public packages: {@code io.github.dropnet} (the {@link io.github.dropnet.Tensor}),
 * {@code layers}, {@code losses}, {@code optimizers}, {@code models} and {@code data} (IDX files,
 * Fashion-MNIST, synthetic images, datasets and labels). Numeric kernels live in
 * {@code io.github.dropnet.kernels}, which is not exported.
 */
module io.github.dropnet {
  exports io.github.dropnet;
  exports io.github.dropnet.layers;
  exports io.github.dropnet.models;
  exports io.github.dropnet.losses;
  exports io.github.dropnet.optimizers;
  exports io.github.dropnet.data;
}
