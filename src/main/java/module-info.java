/**
 * dropnet: a pure-Java neural network library with Keras-exact dropout.
 *
 * <p>Public packages: {@code io.github.dropnet} (the {@link io.github.dropnet.Tensor}),
 * {@code layers}, {@code losses}, {@code optimizers}, {@code models} and {@code data} (IDX files,
 * Fashion-MNIST, synthetic images, datasets and labels). Numeric kernels live in
 * {@code io.github.dropnet.kernels}, which is not exported.
 *
 * <p>{@code io.github.dropnet.examples} holds runnable demos ({@code Demos}); it is not exported
 * and is no part of the API. The demos draw their plots with {@code java.desktop}, which the
 * library itself does not need, hence {@code requires static}: to run them from the module path,
 * add {@code --add-modules java.desktop}.
 *
 * <p>{@code jdk.incubator.vector} is optional and not required here: only when the JVM is started
 * with {@code --add-modules jdk.incubator.vector} do matrix products use a Vector API
 * micro-kernel (see {@link io.github.dropnet.Dropnet#gemmKernel()}); the module then reads it.
 */
module io.github.dropnet {
  exports io.github.dropnet;
  exports io.github.dropnet.layers;
  exports io.github.dropnet.models;
  exports io.github.dropnet.losses;
  exports io.github.dropnet.optimizers;
  exports io.github.dropnet.data;

  requires static java.desktop;
}
