package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.kernels.DropoutKernels;

/**
 * The noise shape of a layer of the dropout family, as {@link Dropout} defines it: each entry
 * {@code -1} (the input's size), {@code 1} (shared along that axis) or the input's size; or none,
 * for a mask over the input's full shape. Holds the broadcast plan of the last training input
 * shape, reused while that shape does not change.
 *
 * <p>Thread safety: {@link #resolve} is safe from any thread; {@link #plan} is confined to the
 * training thread.
 */
final class NoiseShape {
  private final String layer;
  /** The noise shape as given, {@code null} for the input's full shape. */
  private final int[] given;

  private int[] planShape;
  private DropoutKernels.Plan plan;

  /**
   * Keeps a copy of the noise shape; its entries are checked against each input shape
   * ({@link #resolve}), so that every message names both shapes.
   *
   * @param layer the layer's name, for messages
   * @param noiseShape the noise shape, or {@code null} for the input's full shape
   */
  NoiseShape(String layer, int[] noiseShape) {
    this.layer = layer;
    this.given = noiseShape == null ? null : noiseShape.clone();
  }

  /** A copy of the noise shape as given, or {@code null} for the input's full shape. */
  int[] given() {
    return given == null ? null : given.clone();
  }

  /**
   * The noise shape resolved for an input shape: -1 entries take the input's size and every entry
   * is checked against the input's fixed sizes (an input size of -1 defers the check). Without a
   * noise shape, the input shape itself.
   *
   * @throws IllegalArgumentException if {@code inputShape} is null, or the noise shape does not
   *     fit it (both shapes named)
   */
  int[] resolve(int[] inputShape) {
    Checks.notNull(layer, "input shape", inputShape);
    if (given == null) {
      return inputShape;
    }
    if (given.length != inputShape.length) {
      throw new IllegalArgumentException(
          layer + ": noise shape " + Shapes.format(given) + " has rank " + given.length
              + " but the input shape " + Shapes.format(inputShape) + " has rank "
              + inputShape.length);
    }
    int[] resolved = new int[given.length];
    for (int ax = 0; ax < resolved.length; ax++) {
      int n = given[ax];
      int d = inputShape[ax];
      // only -1, 1 and the input's size fit; 0 not even an empty axis (-1 takes that size), and
      // neither 0 nor an entry below -1 an axis still unknown
      if (n == -1 || n == 1 || (n > 1 && (d == -1 || n == d))) {
        resolved[ax] = n == -1 ? d : n;
      } else {
        throw new IllegalArgumentException(
            layer + ": noise shape " + Shapes.format(given) + " does not fit the input shape "
                + Shapes.format(inputShape) + ": on axis " + ax + " it must be -1, 1 or "
                + (d == -1 ? "the input's size" : String.valueOf(d)) + ", received " + n);
      }
    }
    return resolved;
  }

  /**
   * The broadcast plan of a concrete input shape and its {@link #resolve resolved} noise shape,
   * reused from the last call while the input shape is the same.
   */
  DropoutKernels.Plan plan(int[] shape, int[] resolved) {
    if (plan == null || !Shapes.same(planShape, shape)) {
      plan = DropoutKernels.Plan.of(shape, resolved);
      planShape = shape;
    }
    return plan;
  }

  /** {@code ", noiseShape=(...)"} for a layer's {@code toString}, or {@code ""} without one. */
  String describe() {
    return given == null ? "" : ", noiseShape=" + Shapes.format(given);
  }
}
