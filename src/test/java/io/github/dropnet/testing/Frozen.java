package io.github.dropnet.testing;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.Stochastic;
import java.util.List;

/**
 * A view of a stochastic layer whose training randomness is the same on every forward: each
 * forward reseeds the layer and runs in training mode. Finite differences of such a view check
 * the training backward with the mask (or noise) held fixed.
 */
public final class Frozen {
  private Frozen() {}

  /** The training-mode view of {@code layer}, reseeded with {@code seed} before each forward. */
  public static <L extends Layer & Stochastic> Layer training(L layer, long seed) {
    return inTraining(layer, () -> layer.reseed(seed));
  }

  /**
   * The view of {@code layer} whose every forward runs in training mode, for a deterministic layer
   * whose training path differs from its inference path (MaxPool2D keeps its argmax buffer).
   */
  public static Layer inTraining(Layer layer) {
    return inTraining(layer, () -> { });
  }

  private static Layer inTraining(Layer layer, Runnable beforeForward) {
    return new Layer() {
      @Override
      public void build(int... inputShape) {
        layer.build(inputShape);
      }

      @Override
      public int[] outputShape(int... inputShape) {
        return layer.outputShape(inputShape);
      }

      @Override
      public Tensor forward(Tensor input, boolean training) {
        beforeForward.run();
        return layer.forward(input, true);
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        return layer.backward(gradOutput);
      }

      @Override
      public List<Tensor> getWeights() {
        return layer.getWeights();
      }

      @Override
      public void setWeights(List<Tensor> weights) {
        layer.setWeights(weights);
      }

      @Override
      public List<Tensor> getGradients() {
        return layer.getGradients();
      }

      @Override
      public List<Tensor> parameters() {
        return layer.parameters();
      }

      @Override
      public List<Tensor> gradients() {
        return layer.gradients();
      }
    };
  }

  /** The mean of a tensor's elements. */
  public static double mean(Tensor t) {
    return t.mean();
  }

  /** The population standard deviation of a tensor's elements (NumPy's {@code np.std}). */
  public static double std(Tensor t) {
    double m = t.mean();
    double s = 0;
    for (double v : t.data()) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / t.size());
  }
}
