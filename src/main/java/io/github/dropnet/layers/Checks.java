package io.github.dropnet.layers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.util.List;

/** Argument and shape checks shared by the layers; every message names the layer. */
final class Checks {
  private Checks() {}

  /** Requires {@code value > 0}. */
  static int positive(String layer, String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          layer + ": " + name + " must be a positive integer, received " + value);
    }
    return value;
  }

  /**
   * The number of elements of an array of {@code shape} that an input of {@code inputShape}
   * needs ({@code what}: "an output", "gate pre-activations"), refused when it is too many for
   * one Java array, rather than letting the product wrap around.
   */
  static int arraySize(String layer, int[] inputShape, String what, int... shape) {
    long n = 1;
    for (int d : shape) {
      // saturate above the int range: nothing wraps, and a later 0 still gives 0
      n = Math.min(n * d, Integer.MAX_VALUE + 1L);
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(layer + ": an input of shape "
          + Shapes.format(inputShape) + " needs " + what + " of shape " + Shapes.format(shape)
          + ", more than " + Integer.MAX_VALUE + " elements, too many for one array");
    }
    return (int) n;
  }

  /** Requires a rate in [0, 1] (NaN rejected). */
  static double rate(String layer, String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          layer + ": " + name + " must be in [0, 1], received " + value);
    }
    return value;
  }

  /**
   * Requires a rate in [0, 1) (NaN rejected), for layers whose formula breaks down at 1;
   * {@code whyNotOne} says why and is appended to the message when the rate is 1.
   */
  static double rateBelowOne(String layer, String name, double value, String whyNotOne) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(
          layer + ": " + name + " must be in [0, 1), received " + value
              + (value == 1 ? " (" + whyNotOne + ")" : ""));
    }
    return value;
  }

  /** Requires a finite value {@code >= 0} (NaN rejected). */
  static double nonNegative(String layer, String name, double value) {
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          layer + ": " + name + " must be finite and >= 0, received " + value);
    }
    return value;
  }

  /** Requires a non-null argument. */
  static <T> T notNull(String layer, String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(layer + ": " + name + " must not be null");
    }
    return value;
  }

  /** Throws {@link IllegalStateException} if the layer is already built. */
  static void notBuilt(String layer, boolean built, String setter) {
    if (built) {
      throw new IllegalStateException(
          layer + ": " + setter + " must be called before the layer is built");
    }
  }

  /** Requires a shape of the given rank. */
  static void rank(String layer, int[] shape, int rank, String layout) {
    if (shape.length != rank) {
      throw new IllegalArgumentException(
          layer + ": expected an input of rank " + rank + " " + layout + ", received shape "
              + Shapes.format(shape));
    }
  }

  /** Requires the gradient to have the shape of the output of the last forward. */
  static void gradShape(String layer, int[] outputShape, Tensor grad) {
    if (grad == null) {
      throw new IllegalArgumentException(
          layer + ": backward expected a gradient of the output's shape "
              + Shapes.format(outputShape) + ", received null");
    }
    if (!Shapes.same(outputShape, grad.shape())) {
      throw new IllegalArgumentException(
          layer + ": backward expected a gradient of the output's shape "
              + Shapes.format(outputShape) + ", received " + Shapes.format(grad.shape()));
    }
  }

  /** Throws {@link IllegalStateException} when backward comes before any forward. */
  static <T> T forwardDone(String layer, T cache) {
    if (cache == null) {
      throw new IllegalStateException(layer + ": backward called before forward");
    }
    return cache;
  }

  /**
   * Copies {@code given} into the layer's live weight tensors, after checking that it holds
   * tensors of exactly their shapes (as {@link #weights}).
   */
  static void copyWeights(String layer, List<Tensor> given, List<Tensor> live) {
    int[][] shapes = new int[live.size()][];
    for (int i = 0; i < shapes.length; i++) {
      shapes[i] = live.get(i).shape();
    }
    weights(layer, given, shapes);
    for (int i = 0; i < shapes.length; i++) {
      double[] from = given.get(i).data();
      System.arraycopy(from, 0, live.get(i).data(), 0, from.length);
    }
  }

  /** Requires the weight list to hold tensors of exactly the expected shapes. */
  static void weights(String layer, List<Tensor> given, int[]... expected) {
    if (given == null || given.size() != expected.length) {
      throw new IllegalArgumentException(
          layer + ": setWeights expected " + expected.length + " tensors, received "
              + (given == null ? "null" : String.valueOf(given.size())));
    }
    for (int i = 0; i < expected.length; i++) {
      if (given.get(i) == null || !Shapes.same(expected[i], given.get(i).shape())) {
        throw new IllegalArgumentException(
            layer + ": setWeights expected weight " + i + " of shape "
                + Shapes.format(expected[i]) + ", received "
                + (given.get(i) == null ? "null" : Shapes.format(given.get(i).shape())));
      }
    }
  }
}
