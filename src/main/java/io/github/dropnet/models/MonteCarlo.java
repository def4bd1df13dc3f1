package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.util.Arrays;

/**
 * Monte Carlo dropout (Gal and Ghahramani, 2016): the spread of many stochastic forward passes
 * as an estimate of a model's uncertainty.
 *
 * <p>{@link #predict} reseeds the model's stochastic layers from the seed ({@link
 * Sequential#reseed}), then runs {@code model.predict(x, true)} {@code samples} times, each pass
 * with new dropout masks, and keeps every output. The result is a pure function of the model's
 * weights, {@code x}, {@code samples} and {@code seed}.
 *
 * <pre>{@code
 * MonteCarlo.Result r = MonteCarlo.predict(model, x, 100, 42);
 * Tensor p = r.mean();           // (N, K) mean probabilities
 * Tensor spread = r.std();       // (N, K) their standard deviation over the samples
 * Tensor h = r.entropy();        // (N) predictive entropy, in nats
 * }</pre>
 *
 * <p>Thread safety: {@code predict} changes the random state of the model's layers and runs them
 * in training mode; it must not overlap other use of the model. A {@link Result} is immutable.
 */
public final class MonteCarlo {
  private MonteCarlo() {}

  /**
   * Runs {@code samples} stochastic forward passes of {@code model} on {@code x}.
   *
   * @param model the model; its stochastic layers are reseeded from {@code seed}
   * @param x the inputs, rows on the first axis; not modified
   * @param samples the number of passes, {@code >= 1}
   * @param seed the seed of the passes' masks; equal seeds give equal results
   * @return the stacked outputs and their statistics
   * @throws IllegalArgumentException if {@code samples < 1}, an argument is null, or the stacked
   *     outputs would exceed the size of one tensor
   */
  public static Result predict(Sequential model, Tensor x, int samples, long seed) {
    if (model == null || x == null) {
      throw new IllegalArgumentException("MonteCarlo.predict: model and x must not be null");
    }
    if (samples < 1) {
      throw new IllegalArgumentException(
          "MonteCarlo.predict: samples must be >= 1, received " + samples);
    }
    model.reseed(seed);
    double[] all = null;
    int[] stacked = null;
    for (int s = 0; s < samples; s++) {
      Tensor y = model.predict(x, true);
      if (all == null) {
        int[] shape = y.shape();
        stacked = new int[shape.length + 1];
        stacked[0] = samples;
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        all = new double[Shapes.size("MonteCarlo.predict", stacked)];
      }
      System.arraycopy(y.data(), 0, all, s * y.size(), y.size());
    }
    return new Result(Tensor.wrap(all, stacked));
  }

  /**
   * The outputs of the passes and their statistics, per output element: mean, population
   * standard deviation, and for classifiers the entropies.
   */
  public static final class Result {
    private final Tensor samples;
    private final Tensor mean;
    private final Tensor std;

    Result(Tensor samples) {
      this.samples = samples;
      int count = samples.dim(0);
      int size = samples.size() / count;
      int[] shape = outputShape(samples);
      double[] s = samples.data();
      double[] m = new double[size];
      double[] v = new double[size];
      for (int k = 0; k < count; k++) {
        for (int i = 0; i < size; i++) {
          m[i] += s[k * size + i];
        }
      }
      for (int i = 0; i < size; i++) {
        m[i] /= count;
      }
      for (int k = 0; k < count; k++) {
        for (int i = 0; i < size; i++) {
          double d = s[k * size + i] - m[i];
          v[i] += d * d;
        }
      }
      for (int i = 0; i < size; i++) {
        v[i] = Math.sqrt(v[i] / count);
      }
      this.mean = Tensor.wrap(m, shape);
      this.std = Tensor.wrap(v, shape);
    }

    private static int[] outputShape(Tensor samples) {
      int[] stacked = samples.shape();
      int[] shape = new int[stacked.length - 1];
      System.arraycopy(stacked, 1, shape, 0, shape.length);
      return shape;
    }

    /** {@return the number of passes} */
    public int sampleCount() {
      return samples.dim(0);
    }

    /** {@return every pass's output, stacked: shape (samples, output shape...); a copy} */
    public Tensor samples() {
      return samples.copy();
    }

    /** {@return the mean output over the passes, per element; a copy} */
    public Tensor mean() {
      return mean.copy();
    }

    /**
     * {@return the population standard deviation over the passes (divided by the count), per
     * element; a copy}
     */
    public Tensor std() {
      return std.copy();
    }

    /**
     * The predictive entropy of each row, in nats: {@code -sum_k p_k ln p_k} over the last axis of
     * the mean probabilities ({@code 0 ln 0 = 0}), so the shape is the output's without its last
     * axis. One column (or a rank-1 output) is read as the probability of a binary class:
     * {@code -(p ln p + (1 - p) ln(1 - p))}.
     *
     * @return a new tensor with one entropy per row: the output's shape without its last axis,
     *     or {@code (N)} for a rank-1 output
     * @throws IllegalStateException if a mean value is not a probability in [0, 1]
     */
    public Tensor entropy() {
      return entropy(mean.data(), mean.shape());
    }

    /**
     * The mutual information between the prediction and the weights (BALD): the entropy of the
     * mean minus the mean of the passes' entropies, per row as {@link #entropy()}. It is near 0
     * where the passes agree, however uncertain each is.
     *
     * @return a new tensor of the shape of {@link #entropy()}
     * @throws IllegalStateException if an output is not a probability in [0, 1]
     */
    public Tensor mutualInformation() {
      Tensor total = entropy();
      double[] mi = total.data();
      int count = sampleCount();
      int size = mean.size();
      int[] shape = mean.shape();
      for (int k = 0; k < count; k++) {
        double[] one = new double[size];
        System.arraycopy(samples.data(), k * size, one, 0, size);
        double[] h = entropy(one, shape).data();
        for (int r = 0; r < mi.length; r++) {
          mi[r] -= h[r] / count;
        }
      }
      return total;
    }

    private static Tensor entropy(double[] p, int[] shape) {
      boolean binary = shape.length <= 1 || shape[shape.length - 1] == 1;
      int classes = binary ? 1 : shape[shape.length - 1];
      // (N, K) and (N, 1) give (N); a rank-1 output (N) has one binary probability per row
      int[] rowShape = Arrays.copyOf(shape, shape.length == 1 ? 1 : Math.max(shape.length - 1, 0));
      double[] h = new double[p.length / classes];
      for (int r = 0; r < h.length; r++) {
        double sum = 0;
        for (int k = 0; k < classes; k++) {
          double q = p[r * classes + k];
          if (!(q >= 0 && q <= 1)) {
            throw new IllegalStateException(
                "MonteCarlo: entropy needs probabilities in [0, 1], found " + q
                    + " in an output of shape " + Shapes.format(shape));
          }
          sum -= xlogx(q);
          if (binary) {
            sum -= xlogx(1 - q);
          }
        }
        h[r] = sum;
      }
      return Tensor.wrap(h, rowShape);
    }

    private static double xlogx(double q) {
      return q > 0 ? q * Math.log(q) : 0;
    }

    @Override
    public String toString() {
      return "MonteCarlo.Result[samples=" + sampleCount() + ", output shape "
          + Shapes.format(mean.shape()) + "]";
    }
  }
}
