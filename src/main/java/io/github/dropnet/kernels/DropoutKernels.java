package io.github.dropnet.kernels;

import io.github.dropnet.Shapes;
import java.util.Arrays;

/**
 * Applying a packed dropout mask ({@link DropoutMask}) to a tensor, broadcast from the noise shape
 * to the tensor's shape: {@code dst = m ? src * scale : 0.0}, element-wise.
 *
 * <p>The same operation is the forward of dropout ({@code src} = input) and its backward
 * ({@code src} = gradient of the output). A dropped element is written as {@code +0.0}, never
 * computed as {@code src * 0}, so infinite or NaN values at dropped positions give 0 (as
 * TensorFlow's {@code where(keep, x * scale, 0)}); a kept one is {@code src * scale}, rounded once.
 *
 * <p>The mask stays at the noise shape; a {@link Plan} describes how it broadcasts, with the axes
 * merged so the inner loop is as long as possible. When the noise shape is the full shape
 * ({@link Plan#full()}) {@link #forwardFull} draws each mask word and applies it in the same
 * pass. No method allocates per element.
 *
 * <p>Thread safety: stateless; calls writing disjoint parts of {@code dst} and of the mask may run
 * concurrently.
 */
public final class DropoutKernels {
  /** Mask words per parallel chunk at the least: 4096 words are 262,144 elements. */
  private static final int GRAIN_WORDS = 4096;

  private DropoutKernels() {}

  /**
   * How a mask of a noise shape broadcasts over a tensor shape, with size-1 axes removed and
   * neighbouring axes of the same kind merged: each remaining axis is either <em>full</em> (the
   * noise has the tensor's size there) or <em>broadcast</em> (the noise has size 1). For
   * {@code (N, H, W, C)} with noise {@code (N, 1, 1, C)} that is {@code N} full, {@code H*W}
   * broadcast, {@code C} full.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class Plan {
    private final int size;
    private final int noiseSize;
    private final int[] dims;
    private final int[] maskStrides;

    private Plan(int size, int noiseSize, int[] dims, int[] maskStrides) {
      this.size = size;
      this.noiseSize = noiseSize;
      this.dims = dims;
      this.maskStrides = maskStrides;
    }

    /**
     * The plan for a tensor of {@code shape} and a resolved noise shape (same rank, each entry 1
     * or the tensor's size on that axis).
     *
     * @throws IllegalArgumentException if the noise shape does not broadcast that way
     */
    public static Plan of(int[] shape, int[] noiseShape) {
      if (shape.length != noiseShape.length) {
        throw new IllegalArgumentException(
            "DropoutKernels: noise shape " + Shapes.format(noiseShape)
                + " does not have the rank of the shape " + Shapes.format(shape));
      }
      int size = Shapes.size(shape);
      int noiseSize = Shapes.size(noiseShape);
      int[] dims = new int[shape.length];
      boolean[] fullAxis = new boolean[shape.length];
      int k = 0;
      for (int ax = 0; ax < shape.length; ax++) {
        if (noiseShape[ax] != 1 && noiseShape[ax] != shape[ax]) {
          throw new IllegalArgumentException(
              "DropoutKernels: noise shape " + Shapes.format(noiseShape)
                  + " does not broadcast to " + Shapes.format(shape) + " on axis " + ax);
        }
        if (shape[ax] == 1) {
          continue; // contributes nothing to the walk, whatever the noise says
        }
        boolean full = noiseShape[ax] == shape[ax];
        if (k > 0 && fullAxis[k - 1] == full) {
          dims[k - 1] *= shape[ax];
        } else {
          dims[k] = shape[ax];
          fullAxis[k] = full;
          k++;
        }
      }
      int[] strides = new int[k];
      int s = 1;
      for (int i = k - 1; i >= 0; i--) {
        if (fullAxis[i]) {
          strides[i] = s;
          s *= dims[i];
        }
      }
      return new Plan(size, noiseSize, Arrays.copyOf(dims, k), strides);
    }

    /** The number of elements of the tensor. */
    public int size() {
      return size;
    }

    /** The number of elements of the noise, which is the number of mask bits. */
    public int noiseSize() {
      return noiseSize;
    }

    /**
     * True when the noise covers every element (no axis of size &gt; 1 is broadcast): the mask
     * and the tensor then share one flat layout.
     */
    public boolean full() {
      return noiseSize == size;
    }

    /** The merged axes' sizes (a copy). */
    public int[] dims() {
      return dims.clone();
    }

    /** The mask stride of each merged axis (a copy): 0 where the mask is broadcast. */
    public int[] maskStrides() {
      return maskStrides.clone();
    }
    /** One run of the innermost merged axis, a row, as {@link #walk} visits it. */
    @FunctionalInterface
    public interface Row {
      /**
       * @param o the tensor offset of the row's first element
       * @param mo the noise offset of the row's first element
       * @param inner the row's length
       * @param innerFull whether the noise advances along the row (else one value serves it all)
       */
      void apply(int o, int mo, int inner, boolean innerFull);
    }

    /**
     * Visits rows {@code [rowFrom, rowTo)} in order, a row being a run of the innermost merged
     * axis, keeping the noise offset in step with the tensor offset (an odometer over the outer
     * axes). For a plan that is not {@link #full()}, with at least one element.
     */
    public void walk(int rowFrom, int rowTo, Row row) {
      int k = dims.length; // >= 1 here: a plan with no axis of size > 1 is full
      int inner = dims[k - 1];
      boolean innerFull = maskStrides[k - 1] != 0;
      // the odometer position and noise offset of the first row
      int[] idx = new int[k];
      int mo = 0;
      for (int ax = k - 2, r = rowFrom; ax >= 0; ax--) {
        idx[ax] = r % dims[ax];
        r /= dims[ax];
        mo += idx[ax] * maskStrides[ax];
      }
      for (int r = rowFrom, o = rowFrom * inner; r < rowTo; r++, o += inner) {
        row.apply(o, mo, inner, innerFull);
        for (int ax = k - 2; ax >= 0; ax--) {
          idx[ax]++;
          mo += maskStrides[ax];
          if (idx[ax] < dims[ax]) {
            break;
          }
          mo -= maskStrides[ax] * dims[ax];
          idx[ax] = 0;
        }
      }
    }
  }

  /**
   * Draws mask words {@code [fromWord, toWord)} for {@code key} and applies them in the same pass,
   * for a noise shape equal to the tensor's shape: {@code out[i] = kept(i) ? x[i] * scale : 0.0}.
   * Writes those words of {@code mask} (modified) and the matching elements of {@code out}
   * (modified); {@code x} is only read and may be {@code out}.
   *
   * @param n the number of elements (and of mask bits)
   */
  public static void forwardFull(
      long key, long threshold, double[] x, double[] out, long[] mask, int n,
      int fromWord, int toWord, double scale) {
    for (int w = fromWord; w < toWord; w++) {
      long bits = DropoutMask.word(key, threshold, w) & DropoutMask.validBits(n, w);
      mask[w] = bits;
      int base = w << 6;
      applyWord(x, out, bits, base, Math.min(64, n - base), scale);
    }
  }

  /**
   * The fused draw and apply over the whole tensor: mask words {@code [0, words(n))}, split over
   * the shared pool ({@link Parallel}) in word ranges. Every bit depends only on (key, index), so
   * the result is the same for any thread count.
   */
  public static void forwardFull(
      long key, long threshold, double[] x, double[] out, long[] mask, int n, double scale) {
    Parallel.forRange(DropoutMask.words(n), GRAIN_WORDS,
        (from, to) -> forwardFull(key, threshold, x, out, mask, n, from, to, scale));
  }

  /**
   * {@code dst[i] = m(i) ? src[i] * scale : 0.0} for every element, where {@code m} is the
   * filled {@code mask} broadcast as {@code plan} says. Writes {@code dst} (modified), which may
   * be {@code src}. Large tensors are split over the shared pool; each element is written by
   * exactly one thread, so the result does not depend on the thread count.
   */
  public static void apply(double[] src, double[] dst, long[] mask, Plan plan, double scale) {
    if (plan.size == 0) {
      return;
    }
    if (plan.full()) {
      int n = plan.size;
      Parallel.forRange(DropoutMask.words(n), GRAIN_WORDS, (from, to) -> {
        for (int w = from; w < to; w++) {
          int base = w << 6;
          applyWord(src, dst, mask[w], base, Math.min(64, n - base), scale);
        }
      });
      return;
    }
    int inner = plan.dims[plan.dims.length - 1];
    int rows = plan.size / inner;
    int grainRows = Math.max(1, GRAIN_WORDS * 64 / inner);
    Parallel.forRange(rows, grainRows,
        (from, to) -> applyRows(src, dst, mask, plan, scale, from, to));
  }

  /**
   * {@link #apply} for rows {@code [rowFrom, rowTo)}, a row being a run of the plan's innermost
   * merged axis.
   */
  static void applyRows(
      double[] src, double[] dst, long[] mask, Plan plan, double scale, int rowFrom, int rowTo) {
    plan.walk(rowFrom, rowTo, (o, mo, inner, innerFull) -> {
      if (innerFull) {
        for (int j = 0; j < inner; j++) {
          int b = mo + j;
          long keep = -((mask[b >>> 6] >>> b) & 1L);
          dst[o + j] =
              Double.longBitsToDouble(Double.doubleToRawLongBits(src[o + j] * scale) & keep);
        }
      } else if (((mask[mo >>> 6] >>> mo) & 1L) != 0) {
        for (int j = 0; j < inner; j++) {
          dst[o + j] = src[o + j] * scale;
        }
      } else {
        Arrays.fill(dst, o, o + inner, 0.0);
      }
    });
  }

  /** {@code dst[base + j] = bit j of bits ? src[base + j] * scale : 0.0} for {@code j < len}. */
  private static void applyWord(
      double[] src, double[] dst, long bits, int base, int len, double scale) {
    // scale every element (a loop the JIT vectorises), then overwrite the dropped ones with +0.0,
    // visiting only their bits: a dropped element becomes +0.0 whatever src holds (even an
    // infinity or a NaN)
    for (int j = 0; j < len; j++) {
      dst[base + j] = src[base + j] * scale;
    }
    long dropped = ~bits & (len == 64 ? -1L : (1L << len) - 1);
    while (dropped != 0) {
      dst[base + Long.numberOfTrailingZeros(dropped)] = 0.0;
      dropped &= dropped - 1;
    }
  }
}
