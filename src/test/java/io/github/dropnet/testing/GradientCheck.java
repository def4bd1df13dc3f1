package io.github.dropnet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Layer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Central finite-difference checks of a layer's backward.
 *
 * <p>The scalar checked is {@code L = sum(forward(x) * g)} for a fixed random {@code g}; its exact
 * gradients are {@code backward(g)} and the weight gradients. Each is compared with
 * {@code (L(v + h) - L(v - h)) / 2h} through the norm-wise relative error
 * {@code ||analytic - numeric|| / max(||analytic|| + ||numeric||, tiny)}.
 */
public final class GradientCheck {
  /** Step: balances truncation (h^2) against rounding (eps / h) in double precision. */
  public static final double STEP = 1e-5;
  /** The largest relative error accepted. */
  public static final double TOLERANCE = 1e-7;

  private GradientCheck() {}

  /** Checks the input gradient and every weight gradient of {@code layer} at {@code x}. */
  public static void check(Layer layer, Tensor x, long seed) {
    check(layer, x, seed, TOLERANCE);
  }

  /** As {@link #check(Layer, Tensor, long)}, with an explicit tolerance. */
  public static void check(Layer layer, Tensor x, long seed, double tolerance) {
    Tensor y = layer.forward(x, false);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] g = new double[y.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = rng.nextDouble(-1, 1);
    }
    Tensor gy = Tensor.of(g, y.shape());
    Tensor dx = layer.backward(gy);
    assertEquals(x.rank(), dx.rank(), "input gradient rank");
    List<Tensor> analyticW = layer.getGradients();

    double[] numericX = numeric(layer, x, gy, x.data());
    compare("input", dx.toArray(), numericX, tolerance);

    List<Tensor> params = layer.parameters();
    for (int p = 0; p < params.size(); p++) {
      double[] numericW = numeric(layer, x, gy, params.get(p).data());
      compare("weight " + p, analyticW.get(p).toArray(), numericW, tolerance);
    }
  }

  private static double[] numeric(Layer layer, Tensor x, Tensor gy, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double saved = v[i];
      v[i] = saved + STEP;
      double plus = loss(layer, x, gy);
      v[i] = saved - STEP;
      double minus = loss(layer, x, gy);
      v[i] = saved;
      out[i] = (plus - minus) / (2 * STEP);
    }
    return out;
  }

  private static double loss(Layer layer, Tensor x, Tensor gy) {
    double[] y = layer.forward(x, false).data();
    double[] g = gy.data();
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += y[i] * g[i];
    }
    return s;
  }

  /** Norm-wise relative error check between two gradients. */
  public static void compare(String what, double[] analytic, double[] numeric, double tolerance) {
    assertEquals(numeric.length, analytic.length, what + " gradient size");
    double diff = 0;
    double na = 0;
    double nn = 0;
    for (int i = 0; i < analytic.length; i++) {
      diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
      na += analytic[i] * analytic[i];
      nn += numeric[i] * numeric[i];
    }
    double rel = Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nn), 1e-12);
    if (!(rel < tolerance)) {
      fail(what + " gradient: relative error " + rel + " >= " + tolerance);
    }
  }

  /** A tensor of uniform values in [-1, 1). */
  public static Tensor random(long seed, int... shape) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble(-1, 1);
    }
    return t;
  }
}
