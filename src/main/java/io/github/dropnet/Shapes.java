package io.github.dropnet;

import java.util.Arrays;

/**
 * Small helpers for shapes ({@code int[]}, batch first): sizes, formatting and NumPy broadcasting.
 *
 * <p>In a shape given to a layer, {@code -1} means "not fixed" (Keras {@code None}); it is printed
 * as {@code -1}, so a message shows the shape the way the caller wrote it.
 *
 * <p>Thread safety: stateless; every method is safe to call from any thread.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * Number of elements of a fully known shape: the product of its entries, 1 for rank 0.
   *
   * @param shape the shape, every entry {@code >= 0}
   * @return the number of elements
   * @throws IllegalArgumentException if the shape is null, an entry is negative or the product
   *     overflows an int
   */
  public static int size(int... shape) {
    return size("Shapes.size", shape);
  }

  /**
   * {@link #size(int...)}, its messages starting with {@code caller}: for a method that is about
   * to allocate a tensor of {@code shape}, so that a request too large for one array is refused
   * in its own name.
   *
   * @param caller the class and method, such as {@code "Tensor.zeros"}, first in every message
   * @param shape the shape, every entry {@code >= 0}
   * @return the number of elements
   * @throws IllegalArgumentException if the shape is null, an entry is negative or the product
   *     overflows an int
   */
  public static int size(String caller, int... shape) {
    if (shape == null) {
      throw new IllegalArgumentException(caller + ": shape must not be null");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(caller + ": shape " + format(shape)
            + " has a negative dimension; expected sizes >= 0");
      }
      // saturate above the int range: a later 0 still makes the product 0, and nothing wraps
      n = Math.min(n * d, Integer.MAX_VALUE + 1L);
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(caller + ": shape " + format(shape) + " has more than "
          + Integer.MAX_VALUE + " elements");
    }
    return (int) n;
  }

  /**
   * Formats a shape as a tuple, {@code (2, 3, 4)}; rank 1 as {@code (5,)}, rank 0 as {@code ()}.
   *
   * @param shape the shape; {@code -1} entries are printed as they are
   * @return the tuple text, or {@code "null"} for a null shape (so that a message about a missing
   *     shape can still be written)
   */
  public static String format(int... shape) {
    if (shape == null) {
      return "null";
    }
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    return sb.append(')').toString();
  }

  /**
   * Row-major strides of a shape: element (i0..ik) sits at {@code sum(ij * strides[j])}.
   *
   * @param shape the shape
   * @return a new array with one stride per axis, the last one 1
   * @throws IllegalArgumentException if {@code shape} is null
   */
  public static int[] strides(int... shape) {
    if (shape == null) {
      throw new IllegalArgumentException("Shapes.strides: shape must not be null");
    }
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  /**
   * The NumPy broadcast of two shapes: aligned at the right, each pair of sizes must be equal or
   * contain a 1, and the result takes the larger.
   *
   * @param a the first shape
   * @param b the second shape
   * @return a new array with the broadcast shape, of the larger rank
   * @throws IllegalArgumentException naming both shapes if they do not broadcast, or if one is
   *     null
   */
  public static int[] broadcast(int[] a, int[] b) {
    if (a == null || b == null) {
      throw new IllegalArgumentException("Shapes.broadcast: shapes must not be null, received "
          + format(a) + " and " + format(b));
    }
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + format(a) + " and " + format(b) + " do not broadcast: axis " + i
                + " (aligned at the right) has sizes " + da + " and " + db);
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /**
   * Strides for reading a tensor of shape {@code shape} as if broadcast to {@code target}: 0 on
   * every axis where {@code shape} has size 1 (or is missing), the row-major stride elsewhere.
   * {@code target} must be a broadcast of {@code shape}.
   *
   * @param shape the shape of the tensor that is read
   * @param target the shape it is broadcast to, of rank {@code >= shape.length}
   * @return a new array with one stride per axis of {@code target}
   */
  public static int[] broadcastStrides(int[] shape, int[] target) {
    int[] own = strides(shape);
    int[] out = new int[target.length];
    int offset = target.length - shape.length;
    for (int i = offset; i < target.length; i++) {
      out[i] = shape[i - offset] == 1 ? 0 : own[i - offset];
    }
    return out;
  }

  /**
   * Whether two shapes are equal.
   *
   * @param a the first shape
   * @param b the second shape
   * @return true if both shapes have the same rank and sizes
   */
  public static boolean same(int[] a, int[] b) {
    return Arrays.equals(a, b);
  }
}
