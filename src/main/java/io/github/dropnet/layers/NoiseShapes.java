package io.github.dropnet.layers;

import io.github.dropnet.Shapes;

/**
 * Noise shapes as {@link Dropout} defines them, for the other layers of the family that take one:
 * each entry {@code -1} (the input's size), {@code 1} (shared along that axis) or the input's size.
 */
final class NoiseShapes {
  private NoiseShapes() {}

  /**
   * Checks the entries that can be checked without an input (none below -1) and returns a copy,
   * or {@code null} for no noise shape.
   */
  static int[] checked(String layer, int[] noiseShape) {
    if (noiseShape == null) {
      return null;
    }
    for (int ax = 0; ax < noiseShape.length; ax++) {
      if (noiseShape[ax] < -1) {
        throw new IllegalArgumentException(
            layer + ": noise shape entries must be -1 (the input's size), 1 (shared) or the"
                + " input's size, received " + noiseShape[ax] + " on axis " + ax
                + " of the noise shape " + Shapes.format(noiseShape));
      }
    }
    return noiseShape.clone();
  }

  /**
   * The noise shape resolved for an input shape: -1 entries take the input's size and every entry
   * is checked against the input's fixed sizes (an input size of -1 defers the check). Without a
   * noise shape, the input shape itself.
   */
  static int[] resolve(String layer, int[] noiseShape, int[] inputShape) {
    if (noiseShape == null) {
      return inputShape;
    }
    if (noiseShape.length != inputShape.length) {
      throw new IllegalArgumentException(
          layer + ": noise shape " + Shapes.format(noiseShape) + " has rank " + noiseShape.length
              + " but the input shape " + Shapes.format(inputShape) + " has rank "
              + inputShape.length);
    }
    int[] resolved = new int[noiseShape.length];
    for (int ax = 0; ax < resolved.length; ax++) {
      int n = noiseShape[ax];
      int d = inputShape[ax];
      if (n == -1 || d == -1 || n == 1 || n == d) {
        resolved[ax] = n == -1 ? d : n;
      } else {
        throw new IllegalArgumentException(
            layer + ": noise shape " + Shapes.format(noiseShape) + " does not fit the input shape "
                + Shapes.format(inputShape) + ": on axis " + ax + " it must be -1, 1 or " + d
                + ", received " + n);
      }
    }
    return resolved;
  }
}
