package io.github.dropnet.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Central finite-difference checks of a layer's backward.
 *
 * <p>The scalar checked is {@code L = sum(forward(x) * g)} for a fixed random {@code g}; its exact
 * gradients are {@code backward(g)} and the weight gradients. The analytic gradients are copied
 * right after the backward, before any other forward. Each is compared entry by entry with
 * {@code (L(v + h) - L(v - h)) / 2h}, in double precision with {@link #STEP} as {@code h}: the
 * largest difference must stay within {@link #TOLERANCE} times the largest entry of either
 * gradient, or within {@link #ABSOLUTE} when both gradients are (nearly) zero. One wrong entry
 * therefore fails however many right ones surround it.
 *
 * <p>Beyond the values, the input gradient must have the input's shape, and both
 * {@code getGradients()} and {@code gradients()} must match {@code parameters()} in count and
 * shapes, so a layer (or a wrapper) cannot skip its weight checks by leaving one of them out.
 */
public final class GradientCheck {
  /**
   * Step: near the optimum {@code (3 eps)^(1/3) ~ 1e-5} of central differences in double
   * precision, where truncation ({@code h^2}) and rounding ({@code eps / h}) errors balance; the
   * differences left in this suite's checks stay below {@code 3e-9} of the largest entry, well
   * under {@link #TOLERANCE}.
   */
  public static final double STEP = 1e-5;
  /** The largest difference accepted, relative to the largest gradient entry. */
  public static final double TOLERANCE = 1e-7;
  /**
   * The largest difference accepted whatever the scale: below what central differences resolve,
   * so gradients that are both (nearly) zero pass only when they agree to it.
   */
  public static final double ABSOLUTE = 1e-12;

  private GradientCheck() {}

  /** Checks the input gradient and every weight gradient of {@code layer} at {@code x}. */
  public static void check(Layer layer, Tensor x, long seed) {
    Tensor y = layer.forward(x, false);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] g = new double[y.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = rng.nextDouble(-1, 1);
    }
    Tensor gy = Tensor.of(g, y.shape());
    Tensor dx = layer.backward(gy).copy();
    List<Tensor> analyticW = copies(layer.getGradients());

    assertArrayEquals(x.shape(), dx.shape(), () -> "input gradient shape "
        + Shapes.format(dx.shape()) + " != input shape " + Shapes.format(x.shape()));
    List<Tensor> params = layer.parameters();
    assertSameShapes("getGradients()", params, analyticW);
    assertSameShapes("gradients()", params, layer.gradients());

    compare("input", dx.data(), numeric(layer, x, gy, x.data()));
    for (int p = 0; p < params.size(); p++) {
      double[] numericW = numeric(layer, x, gy, params.get(p).data());
      compare("weight " + p, analyticW.get(p).data(), numericW);
    }
  }

  private static List<Tensor> copies(List<Tensor> tensors) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : tensors) {
      out.add(t.copy());
    }
    return out;
  }

  private static void assertSameShapes(String what, List<Tensor> params, List<Tensor> grads) {
    assertEquals(params.size(), grads.size(), what + ": count against parameters()");
    for (int p = 0; p < params.size(); p++) {
      assertArrayEquals(params.get(p).shape(), grads.get(p).shape(),
          what + ": shape of entry " + p + " against parameters()");
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

  /**
   * Entry-wise check of two gradients: {@code max|analytic - numeric|} must be below
   * {@code TOLERANCE * max(max|analytic|, max|numeric|)}, or at most {@link #ABSOLUTE}.
   */
  public static void compare(String what, double[] analytic, double[] numeric) {
    assertEquals(numeric.length, analytic.length, what + " gradient size");
    double diff = 0;
    int worst = -1;
    double scale = 0;
    for (int i = 0; i < analytic.length; i++) {
      double d = Math.abs(analytic[i] - numeric[i]);
      if (Double.isNaN(d)) {
        d = Double.POSITIVE_INFINITY;
      }
      if (d > diff) {
        diff = d;
        worst = i;
      }
      scale = Math.max(scale, Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])));
    }
    if (!(diff < TOLERANCE * scale || diff <= ABSOLUTE)) {
      fail(what + " gradient: entry " + worst + " is " + analytic[worst] + ", finite differences "
          + "give " + numeric[worst] + "; difference " + diff + " > " + TOLERANCE
          + " * largest entry " + scale + " and > " + ABSOLUTE);
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
