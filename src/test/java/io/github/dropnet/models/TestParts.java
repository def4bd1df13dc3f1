package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.Stochastic;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small layers for testing the model on its own: deliberately plain, so that a failure points at
 * the model and not at them.
 */
final class TestParts {
  private TestParts() {}

  /** y = x . kernel + bias for (N, in) inputs; the kernel starts uniform in [-0.5, 0.5). */
  static final class Linear implements Layer {
    private final int units;
    private final long seed;
    private int in = -1;
    private Tensor kernel;
    private Tensor bias;
    private Tensor dKernel;
    private Tensor dBias;
    private Tensor lastInput;
    int builds;

    Linear(int units, long seed) {
      this.units = units;
      this.seed = seed;
    }

    @Override
    public void build(int... inputShape) {
      check(inputShape);
      builds++;
      in = inputShape[1];
      kernel = Tensor.zeros(in, units);
      SplittableRandom rng = new SplittableRandom(seed);
      double[] k = kernel.data();
      for (int i = 0; i < k.length; i++) {
        k[i] = rng.nextDouble(-0.5, 0.5);
      }
      bias = Tensor.zeros(units);
      dKernel = Tensor.zeros(in, units);
      dBias = Tensor.zeros(units);
    }

    private void check(int[] shape) {
      if (shape.length != 2 || (in != -1 && shape[1] != in)) {
        throw new IllegalArgumentException(
            "Linear: expected an input of shape (batch, " + (in == -1 ? "features" : in)
                + "), received " + Shapes.format(shape));
      }
    }

    @Override
    public int[] outputShape(int... inputShape) {
      check(inputShape);
      return new int[] {inputShape[0], units};
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
      if (kernel == null) {
        build(input.shape());
      }
      check(input.shape());
      lastInput = input;
      return input.matmul(kernel).add(bias);
    }

    @Override
    public Tensor backward(Tensor g) {
      if (lastInput == null) {
        throw new IllegalStateException("Linear: backward called before forward");
      }
      int n = g.dim(0);
      double[] x = lastInput.data();
      double[] gd = g.data();
      double[] dk = dKernel.data();
      double[] db = dBias.data();
      java.util.Arrays.fill(dk, 0);
      java.util.Arrays.fill(db, 0);
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < in; i++) {
          for (int u = 0; u < units; u++) {
            dk[i * units + u] += x[r * in + i] * gd[r * units + u];
          }
        }
        for (int u = 0; u < units; u++) {
          db[u] += gd[r * units + u];
        }
      }
      double[] dx = new double[n * in];
      double[] k = kernel.data();
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < in; i++) {
          double s = 0;
          for (int u = 0; u < units; u++) {
            s += gd[r * units + u] * k[i * units + u];
          }
          dx[r * in + i] = s;
        }
      }
      return Tensor.wrap(dx, n, in);
    }

    @Override
    public List<Tensor> getWeights() {
      return kernel == null ? List.of() : List.of(kernel.copy(), bias.copy());
    }

    @Override
    public void setWeights(List<Tensor> weights) {
      if (weights.size() != 2
          || !Shapes.same(weights.get(0).shape(), kernel.shape())
          || !Shapes.same(weights.get(1).shape(), bias.shape())) {
        throw new IllegalArgumentException("Linear: setWeights expected (kernel, bias)");
      }
      System.arraycopy(weights.get(0).data(), 0, kernel.data(), 0, kernel.size());
      System.arraycopy(weights.get(1).data(), 0, bias.data(), 0, bias.size());
    }

    @Override
    public List<Tensor> getGradients() {
      return dKernel == null ? List.of() : List.of(dKernel.copy(), dBias.copy());
    }

    @Override
    public List<Tensor> parameters() {
      return kernel == null ? List.of() : List.of(kernel, bias);
    }

    @Override
    public List<Tensor> gradients() {
      return dKernel == null ? List.of() : List.of(dKernel, dBias);
    }

    @Override
    public String toString() {
      return "Linear[units=" + units + "]";
    }
  }

  /** A layer without weights whose output has the input's shape. */
  abstract static class Weightless implements Layer {
    @Override
    public void build(int... inputShape) {}

    @Override
    public int[] outputShape(int... inputShape) {
      return inputShape.clone();
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

  /** y = tanh(x), element-wise; no weights. */
  static final class Tanh extends Weightless {
    private Tensor lastOutput;

    @Override
    public Tensor forward(Tensor input, boolean training) {
      double[] y = input.toArray();
      for (int i = 0; i < y.length; i++) {
        y[i] = Math.tanh(y[i]);
      }
      lastOutput = Tensor.wrap(y, input.shape());
      return lastOutput;
    }

    @Override
    public Tensor backward(Tensor g) {
      double[] y = lastOutput.data();
      double[] dx = g.toArray();
      for (int i = 0; i < dx.length; i++) {
        dx[i] *= 1 - y[i] * y[i];
      }
      return Tensor.wrap(dx, g.shape());
    }

    @Override
    public String toString() {
      return "Tanh[]";
    }
  }

  /**
   * Inverted dropout drawn from a counter-based stream, as the real layer does: in training
   * y = x * m / (1 - rate), m in {0, 1} with P(m = 0) = rate; the identity at inference.
   */
  static final class Noise extends Weightless implements Stochastic {
    private final double rate;
    private long seed;
    private long calls;
    private double[] mask;

    Noise(double rate, long seed) {
      this.rate = rate;
      this.seed = seed;
    }

    @Override
    public void reseed(long seed) {
      this.seed = seed;
      this.calls = 0;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
      if (!training) {
        mask = null;
        return input;
      }
      long key = Rng.key(seed, calls++);
      double[] y = input.toArray();
      mask = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        mask[i] = Rng.uniform(Rng.bits(key, i)) < rate ? 0 : 1 / (1 - rate);
        y[i] *= mask[i];
      }
      return Tensor.wrap(y, input.shape());
    }

    @Override
    public Tensor backward(Tensor g) {
      double[] dx = g.toArray();
      if (mask != null) {
        for (int i = 0; i < dx.length; i++) {
          dx[i] *= mask[i];
        }
      }
      return Tensor.wrap(dx, g.shape());
    }

    @Override
    public String toString() {
      return "Noise[rate=" + rate + "]";
    }
  }

  /**
   * A stochastic layer with a known sequence: training call number c (from 0 since the last
   * reseed) adds {@code c + offset} to every element, where the offset is the reseeding seed mod
   * 1000; the identity at inference. Counts every reseed.
   */
  static final class Counter extends Weightless implements Stochastic {
    long calls;
    long offset;
    int reseeds;
    long lastSeed;

    @Override
    public void reseed(long seed) {
      calls = 0;
      offset = Math.floorMod(seed, 1000);
      lastSeed = seed;
      reseeds++;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
      return training ? input.add((double) (calls++ + offset)) : input;
    }

    @Override
    public Tensor backward(Tensor g) {
      return g;
    }
  }

  /** Rows of uniform values in [-1, 1). */
  static Tensor uniform(long seed, int rows, int cols) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble(-1, 1);
    }
    return Tensor.wrap(d, rows, cols);
  }

  /** y = x . w + b, one output column: a regression a linear model can fit exactly. */
  static Tensor linearTarget(Tensor x, double[] w, double b) {
    int n = x.dim(0);
    double[] y = new double[n];
    for (int r = 0; r < n; r++) {
      double s = b;
      for (int i = 0; i < w.length; i++) {
        s += x.get(r, i) * w[i];
      }
      y[r] = s;
    }
    return Tensor.wrap(y, n, 1);
  }
}
