package io.github.dropnet.losses;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;

/** Shared checks for the losses: golden fixtures, finite differences, finiteness. */
final class LossHarness {
  private LossHarness() {}

  /** {@code loss} and {@code grad_y_pred} of a loss fixture, from {@code y_pred} and {@code y_true}. */
  static void checkFixture(Loss loss, Fixture f) {
    Tensor yPred = f.tensor("y_pred");
    Tensor yTrue = f.tensor("y_true");
    assertClose(f.tensor("loss"), Tensor.scalar(loss.compute(yPred, yTrue)), f.name + " loss");
    assertClose(f.tensor("grad_y_pred"), loss.gradient(yPred, yTrue), f.name + " grad_y_pred");
  }

  /**
   * For the probability fixtures: the fromLogits variant on {@code logits} gives the same
   * {@code loss} and the fused gradient {@code grad_logits}.
   */
  static void checkLogits(Loss logitsLoss, Fixture f) {
    Tensor z = f.tensor("logits");
    Tensor yTrue = f.tensor("y_true");
    assertClose(f.tensor("loss"), Tensor.scalar(logitsLoss.compute(z, yTrue)),
        f.name + " loss from logits");
    assertClose(f.tensor("grad_logits"), logitsLoss.gradient(z, yTrue), f.name + " grad_logits");
  }

  /**
   * Central finite differences of {@code compute} against {@code gradient} at {@code yPred}, with
   * the step and entry-wise criterion of {@link GradientCheck}.
   */
  static void checkGradient(String what, Loss loss, Tensor yPred, Tensor yTrue) {
    double[] analytic = loss.gradient(yPred, yTrue).toArray();
    double[] v = yPred.data();
    double[] numeric = new double[v.length];
    double h = GradientCheck.STEP;
    for (int i = 0; i < v.length; i++) {
      double saved = v[i];
      v[i] = saved + h;
      double plus = loss.compute(yPred, yTrue);
      v[i] = saved - h;
      double minus = loss.compute(yPred, yTrue);
      v[i] = saved;
      numeric[i] = (plus - minus) / (2 * h);
    }
    GradientCheck.compare(what, analytic, numeric);
  }

  /** Loss and gradient are finite. */
  static void assertFinite(Loss loss, Tensor yPred, Tensor yTrue) {
    double l = loss.compute(yPred, yTrue);
    assertTrue(Double.isFinite(l), loss + ": loss " + l);
    for (double g : loss.gradient(yPred, yTrue).data()) {
      assertTrue(Double.isFinite(g), loss + ": gradient entry " + g);
    }
  }

  /** A tensor of uniform values in [lo, hi). */
  static Tensor uniform(long seed, double lo, double hi, int... shape) {
    Tensor t = GradientCheck.random(seed, shape);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (d[i] + 1) / 2 * (hi - lo);
    }
    return t;
  }

  /** One-hot rows of shape (n, k), with the class of row r at {@code (r * 7 + seed) % k}. */
  static Tensor oneHot(int n, int k, int seed) {
    Tensor t = Tensor.zeros(n, k);
    for (int r = 0; r < n; r++) {
      t.set(1.0, r, (r * 7 + seed) % k);
    }
    return t;
  }
}
