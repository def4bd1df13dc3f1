package io.github.dropnet;

import io.github.dropnet.kernels.Gemm;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/**
 * An n-dimensional array of doubles: one flat row-major {@code double[]} and a shape.
 *
 * <h2>Storage</h2>
 * Element {@code (i0, ..., ik)} of a tensor of shape {@code (d0, ..., dk)} is stored at
 * {@code sum(ij * stride[j])} with {@code stride[k] = 1} and {@code stride[j] = stride[j+1] * d(j+1)}
 * (C order, the last index fastest). A rank-0 tensor (shape {@code ()}) holds one value.
 *
 * <h2>Copies and views</h2>
 * {@link #of}, {@link #toArray}, {@link #shape} and every arithmetic method copy; arithmetic
 * returns a new tensor and leaves its operands unchanged. {@link #wrap} and {@link #data} share the
 * backing array (for kernels and layers that must not allocate); {@link #reshape} returns a view
 * that shares the data with this tensor.
 *
 * <h2>Broadcasting</h2>
 * {@link #add}, {@link #sub}, {@link #mul(Tensor)} and {@link #div} follow NumPy: shapes are
 * aligned at the right and each pair of sizes must be equal or contain a 1, which is stretched.
 *
 * <h2>Errors</h2>
 * Mismatched sizes or shapes throw {@link IllegalArgumentException} naming both shapes, and so
 * does a shape of more than {@code Integer.MAX_VALUE} elements; a null argument throws
 * {@link IllegalArgumentException} naming the method; an index out of range throws
 * {@link IndexOutOfBoundsException} naming the index and the shape.
 *
 * <h2>Thread safety</h2>
 * Not synchronised. Reading one tensor from many threads is safe; writing it while others read or
 * write is not.
 */
public final class Tensor {
  private final double[] data;
  private final int[] shape;

  private Tensor(double[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /**
   * A tensor holding a copy of {@code data} in the given shape.
   *
   * @param data the elements in row-major order; copied, not kept
   * @param shape the shape; its product must equal {@code data.length}
   * @return a new tensor that owns its copy of the data
   * @throws IllegalArgumentException if {@code data.length} is not the product of the shape
   */
  public static Tensor of(double[] data, int... shape) {
    return wrap("Tensor.of", notNull("Tensor.of", data).clone(), shape);
  }

  /**
   * A tensor that uses {@code data} itself as its storage (no copy): later writes to the array
   * show in the tensor and back.
   *
   * @param data the elements in row-major order; kept and shared, not copied
   * @param shape the shape; its product must equal {@code data.length}
   * @return a new tensor backed by {@code data}
   * @throws IllegalArgumentException if {@code data.length} is not the product of the shape
   */
  public static Tensor wrap(double[] data, int... shape) {
    return wrap("Tensor.wrap", notNull("Tensor.wrap", data), shape);
  }

  private static Tensor wrap(String caller, double[] data, int[] shape) {
    int n = Shapes.size(caller, shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          caller + ": shape " + Shapes.format(shape) + " needs " + n + " values, received "
              + data.length);
    }
    return new Tensor(data, shape.clone());
  }

  private static double[] notNull(String caller, double[] data) {
    if (data == null) {
      throw new IllegalArgumentException(caller + ": data must not be null");
    }
    return data;
  }

  private static Tensor notNull(String caller, Tensor other) {
    if (other == null) {
      throw new IllegalArgumentException(caller + ": the other tensor must not be null");
    }
    return other;
  }

  /**
   * A tensor of zeros.
   *
   * @param shape the shape
   * @return a new tensor of that shape, every element 0
   * @throws IllegalArgumentException on a negative size
   */
  public static Tensor zeros(int... shape) {
    return new Tensor(new double[Shapes.size("Tensor.zeros", shape)], shape.clone());
  }

  /**
   * A tensor of ones.
   *
   * @param shape the shape
   * @return a new tensor of that shape, every element 1
   * @throws IllegalArgumentException on a negative size
   */
  public static Tensor ones(int... shape) {
    return filled("Tensor.ones", 1.0, shape);
  }

  /**
   * A tensor whose every element is {@code value}.
   *
   * @param value the value of every element
   * @param shape the shape
   * @return a new tensor of that shape
   * @throws IllegalArgumentException on a negative size
   */
  public static Tensor full(double value, int... shape) {
    return filled("Tensor.full", value, shape);
  }

  private static Tensor filled(String caller, double value, int[] shape) {
    double[] d = new double[Shapes.size(caller, shape)];
    Arrays.fill(d, value);
    return new Tensor(d, shape.clone());
  }

  /**
   * A rank-0 tensor holding one value.
   *
   * @param value the value
   * @return a new tensor of shape {@code ()}
   */
  public static Tensor scalar(double value) {
    return new Tensor(new double[] {value}, new int[0]);
  }

  /** {@return the shape, as a copy: changing it does not change the tensor} */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The size of axis {@code axis}; negative axes count from the end ({@code -1} is the last).
   *
   * @param axis the axis, in {@code [-rank(), rank())}
   * @return the size of that axis
   * @throws IndexOutOfBoundsException if the axis is out of range
   */
  public int dim(int axis) {
    int a = axis < 0 ? shape.length + axis : axis;
    if (a < 0 || a >= shape.length) {
      throw new IndexOutOfBoundsException(
          "Tensor: axis " + axis + " out of range for shape " + Shapes.format(shape));
    }
    return shape[a];
  }

  /** {@return the number of axes, 0 for a scalar} */
  public int rank() {
    return shape.length;
  }

  /** {@return the number of elements, the product of the shape} */
  public int size() {
    return data.length;
  }

  /**
   * The backing array itself, not a copy: element (i0..ik) is at the row-major offset. Writes
   * change this tensor. Meant for kernels and layers; everyone else should prefer {@link #toArray}.
   *
   * @return the backing array, shared with this tensor
   */
  public double[] data() {
    return data;
  }

  /**
   * The element at the given index (one entry per axis).
   *
   * @param index one index per axis, each in {@code [0, dim)}
   * @return the element
   * @throws IndexOutOfBoundsException if the index has the wrong length or is out of range
   */
  public double get(int... index) {
    return data[offset(index)];
  }

  /**
   * Sets the element at the given index (one entry per axis) to {@code value}.
   *
   * @param value the new value
   * @param index one index per axis, each in {@code [0, dim)}
   * @throws IndexOutOfBoundsException if the index has the wrong length or is out of range
   */
  public void set(double value, int... index) {
    data[offset(index)] = value;
  }

  private int offset(int[] index) {
    if (index == null) {
      throw new IllegalArgumentException("Tensor: the index must not be null");
    }
    if (index.length != shape.length) {
      throw new IndexOutOfBoundsException(
          "Tensor: index " + Arrays.toString(index) + " has " + index.length
              + " entries, the shape " + Shapes.format(shape) + " has " + shape.length + " axes");
    }
    int off = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException(
            "Tensor: index " + Arrays.toString(index) + " out of range for shape "
                + Shapes.format(shape));
      }
      off = off * shape[i] + index[i];
    }
    return off;
  }

  /** {@return the elements in row-major order, as a copy} */
  public double[] toArray() {
    return data.clone();
  }

  /** {@return a deep copy of this tensor: same shape, its own copy of the data} */
  public Tensor copy() {
    return new Tensor(data.clone(), shape);
  }

  /**
   * A view of the same data in another shape with the same number of elements. One entry may be
   * {@code -1}: it is inferred from the others.
   *
   * @param newShape the new shape; at most one entry may be {@code -1}
   * @return a view with the new shape, sharing this tensor's data
   * @throws IllegalArgumentException if the sizes disagree, more than one entry is -1, or an entry
   *     is below -1
   */
  public Tensor reshape(int... newShape) {
    if (newShape == null) {
      throw new IllegalArgumentException("Tensor.reshape: the new shape must not be null");
    }
    int[] resolved = newShape.clone();
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < resolved.length; i++) {
      if (resolved[i] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException(
              "Tensor.reshape: at most one -1 allowed, received " + Shapes.format(newShape));
        }
        unknown = i;
      } else if (resolved[i] < 0) {
        throw new IllegalArgumentException(
            "Tensor.reshape: sizes must be >= 0 or -1, received " + Shapes.format(newShape));
      } else {
        // saturate above the int range: no product may wrap around to a size that fits
        known = Math.min(known * resolved[i], Integer.MAX_VALUE + 1L);
      }
    }
    if (unknown >= 0) {
      if (known == 0 || data.length % known != 0) {
        throw new IllegalArgumentException(
            "Tensor.reshape: cannot reshape " + Shapes.format(shape) + " (" + data.length
                + " elements) to " + Shapes.format(newShape));
      }
      resolved[unknown] = (int) (data.length / known);
    } else if (known != data.length) {
      throw new IllegalArgumentException(
          "Tensor.reshape: cannot reshape " + Shapes.format(shape) + " (" + data.length
              + " elements) to " + Shapes.format(newShape));
    }
    return new Tensor(data, resolved);
  }

  /**
   * Element-wise sum with NumPy broadcasting.
   *
   * @param other the right operand; its shape must broadcast with this one
   * @return a new tensor {@code this + other}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor add(Tensor other) {
    return broadcastOp(other, "add", (a, b) -> a + b);
  }

  /**
   * Element-wise difference with NumPy broadcasting.
   *
   * @param other the right operand; its shape must broadcast with this one
   * @return a new tensor {@code this - other}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor sub(Tensor other) {
    return broadcastOp(other, "sub", (a, b) -> a - b);
  }

  /**
   * Element-wise product with NumPy broadcasting.
   *
   * @param other the right operand; its shape must broadcast with this one
   * @return a new tensor {@code this * other}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor mul(Tensor other) {
    return broadcastOp(other, "mul", (a, b) -> a * b);
  }

  /**
   * Element-wise quotient with NumPy broadcasting (IEEE: x / 0 is infinite or NaN).
   *
   * @param other the divisor; its shape must broadcast with this one
   * @return a new tensor {@code this / other}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor div(Tensor other) {
    return broadcastOp(other, "div", (a, b) -> a / b);
  }

  /**
   * Every element times {@code scalar}.
   *
   * @param scalar the factor
   * @return a new tensor of this shape
   */
  public Tensor mul(double scalar) {
    double[] out = new double[data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[i] * scalar;
    }
    return new Tensor(out, shape);
  }

  /**
   * Every element plus {@code scalar}.
   *
   * @param scalar the addend
   * @return a new tensor of this shape
   */
  public Tensor add(double scalar) {
    double[] out = new double[data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[i] + scalar;
    }
    return new Tensor(out, shape);
  }

  private Tensor broadcastOp(Tensor other, String name, DoubleBinaryOperator op) {
    notNull("Tensor." + name, other);
    if (Arrays.equals(shape, other.shape)) {
      double[] out = new double[data.length];
      double[] b = other.data;
      for (int i = 0; i < out.length; i++) {
        out[i] = op.applyAsDouble(data[i], b[i]);
      }
      return new Tensor(out, shape);
    }
    int[] outShape;
    try {
      outShape = Shapes.broadcast(shape, other.shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Tensor." + name + ": " + e.getMessage(), e);
    }
    int[] sa = Shapes.broadcastStrides(shape, outShape);
    int[] sb = Shapes.broadcastStrides(other.shape, outShape);
    double[] out = new double[Shapes.size("Tensor." + name, outShape)];
    int rank = outShape.length;
    int[] idx = new int[rank];
    int ia = 0;
    int ib = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = op.applyAsDouble(data[ia], other.data[ib]);
      // advance the multi-index like an odometer, keeping both source offsets in step
      for (int ax = rank - 1; ax >= 0; ax--) {
        idx[ax]++;
        ia += sa[ax];
        ib += sb[ax];
        if (idx[ax] < outShape[ax]) {
          break;
        }
        ia -= sa[ax] * idx[ax];
        ib -= sb[ax] * idx[ax];
        idx[ax] = 0;
      }
    }
    return new Tensor(out, outShape);
  }

  /**
   * Matrix product of two rank-2 tensors: (n, k) x (k, m) gives (n, m).
   *
   * @param other the right factor, of shape (k, m)
   * @return a new tensor of shape (n, m)
   * @throws IllegalArgumentException if either is not rank 2 or the inner sizes differ
   */
  public Tensor matmul(Tensor other) {
    notNull("Tensor.matmul", other);
    if (shape.length != 2 || other.shape.length != 2 || shape[1] != other.shape[0]) {
      throw new IllegalArgumentException(
          "Tensor.matmul: expected (n, k) x (k, m), received " + Shapes.format(shape) + " x "
              + Shapes.format(other.shape));
    }
    int n = shape[0];
    int k = shape[1];
    int m = other.shape[1];
    int[] outShape = {n, m};
    double[] out = new double[Shapes.size("Tensor.matmul", outShape)];
    Gemm.nn(n, m, k, data, other.data, out);
    return new Tensor(out, outShape);
  }

  /** {@return the sum of all elements (0 for an empty tensor)} */
  public double sum() {
    double s = 0;
    for (double v : data) {
      s += v;
    }
    return s;
  }

  /** {@return the mean of all elements (NaN for an empty tensor)} */
  public double mean() {
    return sum() / data.length;
  }

  /** {@return the largest element (NaN if any is NaN; negative infinity for an empty tensor)} */
  public double max() {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : data) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** {@return the smallest element (NaN if any is NaN; positive infinity for an empty tensor)} */
  public double min() {
    double m = Double.POSITIVE_INFINITY;
    for (double v : data) {
      m = Math.min(m, v);
    }
    return m;
  }

  /** True if {@code o} is a tensor of the same shape whose elements are equal as doubles' bits. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor
        && Arrays.equals(shape, ((Tensor) o).shape)
        && Arrays.equals(data, ((Tensor) o).data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  /**
   * NumPy-like text: nested brackets, one innermost row per line, e.g. {@code [[1.0, 2.0],
   * [3.0, 4.0]]}. Tensors of more than 1000 elements show the first and last three entries of each
   * axis with {@code ...} between, followed by the shape.
   */
  @Override
  public String toString() {
    return TensorFormat.format(this.data, this.shape);
  }
}
