package io.github.dropnet.bench;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The single-layer workloads of the reference table (D1-D3, L1-L5), built with the public layer
 * API in Keras layouts, with the shapes, configurations and timed bodies of the PyTorch side
 * ({@code torch_ops.py}).
 *
 * <p>Each builder takes the batch size (the first axis), so that a test can run a workload at a
 * fraction of its size; the benchmark passes the size of the table. Inputs and output gradients are
 * drawn from a fixed seed: uniform in [0, 1) where PyTorch uses {@code rand}, standard normal where
 * it uses {@code randn}.
 */
final class OpWorkloads {

  /**
   * A prepared workload.
   *
   * @param body one timed iteration; returns a result so that it is not optimised away
   * @param description what is timed, for the log
   * @param flops floating-point operations of one iteration for a GFLOP/s figure, 0 if not
   *     GEMM-bound
   * @param copyDoubles the number of doubles an iteration must at least read and write, for a
   *     {@code System.arraycopy} of the same bytes as a memory bound; 0 for none
   * @param copies how many such copies one iteration implies (1 per full pass over the data)
   */
  record Op(Supplier<?> body, String description, double flops, int copyDoubles, int copies) {}

  /** The default batch size of each workload. */
  static final Map<String, Integer> BATCH = new LinkedHashMap<>();

  private static final Map<String, IntFunction<Op>> BUILDERS = new LinkedHashMap<>();

  static {
    register("D1", 64, OpWorkloads::d1);
    register("D2", 64, OpWorkloads::d2);
    register("D3", 64, OpWorkloads::d3);
    register("L1", 256, OpWorkloads::l1);
    register("L2", 64, OpWorkloads::l2);
    register("L3", 64, OpWorkloads::l3);
    register("L4", 64, OpWorkloads::l4);
    register("L5", 64, OpWorkloads::l5);
  }

  private OpWorkloads() {}

  private static void register(String name, int batch, IntFunction<Op> builder) {
    BATCH.put(name, batch);
    BUILDERS.put(name, builder);
  }

  static boolean has(String name) {
    return BUILDERS.containsKey(name);
  }

  /**
   * Builds workload {@code name} with batch size {@code batch} (0: the size of the table).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  static Op build(String name, int batch) {
    IntFunction<Op> b = BUILDERS.get(name);
    if (b == null) {
      throw new IllegalArgumentException("unknown workload " + name);
    }
    return b.apply(batch > 0 ? batch : BATCH.get(name));
  }

  /** Dropout forward in training: x (n, 64, 32, 32), rate 0.5, full noise shape. */
  static Op d1(int n) {
    Tensor x = normal(1, n, 64, 32, 32);
    Dropout drop = new Dropout(0.5).seed(3);
    return new Op(() -> drop.forward(x, true), "Dropout(0.5) training forward, x " + shape(x),
        0, x.size(), 1);
  }

  /** Dropout forward + backward (the gradient with respect to x), as D1. */
  static Op d2(int n) {
    Tensor x = normal(1, n, 64, 32, 32);
    Tensor g = normal(2, n, 64, 32, 32);
    Dropout drop = new Dropout(0.5).seed(3);
    return new Op(forwardBackward(drop, x, g),
        "Dropout(0.5) training forward + backward, x " + shape(x), 0, x.size(), 2);
  }

  /**
   * Spatial dropout forward in training: x (n, 64, 32, 32) channels first, noise shape
   * (n, 64, 1, 1), so whole 32x32 planes are kept or dropped.
   */
  static Op d3(int n) {
    Tensor x = normal(1, n, 64, 32, 32);
    Dropout drop = new Dropout(0.5, n, 64, 1, 1).seed(3);
    return new Op(() -> drop.forward(x, true),
        "Dropout(0.5, noise shape (" + n + ", 64, 1, 1)) training forward, x " + shape(x),
        0, x.size(), 1);
  }

  /** Dense forward + backward: x (n, 784) -> 1024 units, relu; gradients for x, kernel, bias. */
  static Op l1(int n) {
    Tensor x = uniform(1, n, 784);
    Tensor g = normal(2, n, 1024);
    Dense dense = new Dense(1024).activation(Activation.RELU).seed(3);
    dense.build(x.shape());
    return new Op(forwardBackward(dense, x, g),
        "Dense(1024, relu) forward + backward, x " + shape(x), 3 * 2.0 * n * 784 * 1024, 0, 0);
  }

  /** Conv2D forward + backward: x (n, 28, 28, 1) -> 32 filters 3x3, same, stride 1, relu. */
  static Op l2(int n) {
    return conv(n, 28, 1, 32);
  }

  /** Conv2D forward + backward: x (n, 14, 14, 32) -> 64 filters 3x3, same, relu. */
  static Op l3(int n) {
    return conv(n, 14, 32, 64);
  }

  private static Op conv(int n, int side, int channels, int filters) {
    Tensor x = uniform(1, n, side, side, channels);
    Tensor g = normal(2, n, side, side, filters);
    Conv2D conv = new Conv2D(filters, 3, 3).padding(Padding.SAME).activation(Activation.RELU)
        .seed(3);
    conv.build(x.shape());
    return new Op(forwardBackward(conv, x, g),
        "Conv2D(" + filters + ", 3x3, same, relu) forward + backward, x " + shape(x),
        3 * 2.0 * n * side * side * filters * channels * 9, 0, 0);
  }

  /** MaxPool2D 2x2 forward + backward on (n, 28, 28, 32). */
  static Op l4(int n) {
    Tensor x = normal(1, n, 28, 28, 32);
    Tensor g = normal(2, n, 14, 14, 32);
    MaxPool2D pool = new MaxPool2D(2, 2);
    pool.build(x.shape());
    return new Op(forwardBackward(pool, x, g), "MaxPool2D(2x2) forward + backward, x " + shape(x),
        0, 0, 0);
  }

  /** LSTM forward + backward: x (n, 50, 32), 128 units, last output only; all gradients. */
  static Op l5(int n) {
    Tensor x = normal(1, n, 50, 32);
    Tensor g = normal(2, n, 128);
    LSTM lstm = new LSTM(128).seed(3);
    lstm.build(x.shape());
    return new Op(forwardBackward(lstm, x, g),
        "LSTM(128) forward + backward, last output, x " + shape(x),
        3 * 2.0 * n * 50 * 4 * 128 * (32 + 128), 0, 0);
  }

  /** A training forward, then the backward of {@code g}: what PyTorch's autograd times. */
  static Supplier<?> forwardBackward(Layer layer, Tensor x, Tensor g) {
    return () -> {
      layer.forward(x, true);
      return layer.backward(g);
    };
  }

  static Tensor uniform(long seed, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble();
    }
    return t;
  }

  static Tensor normal(long seed, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextGaussian();
    }
    return t;
  }

  private static String shape(Tensor t) {
    return Shapes.format(t.shape());
  }
}
