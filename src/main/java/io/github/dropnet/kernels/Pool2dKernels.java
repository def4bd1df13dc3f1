package io.github.dropnet.kernels;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * 2-D max pooling on flat row-major arrays: forward (keeping where each maximum came from) and
 * backward (routing each output gradient to that element).
 *
 * <h2>Formula</h2>
 * {@code out[n, i, j, c] = max_{a, b} x[n, i*sh + a - padTop, j*sw + b - padLeft, c]} over the
 * window positions that fall inside the input: SAME padding cells count as negative infinity,
 * so they never win, and every window of a valid {@link ConvGeometry} holds at least one real
 * element. Ties go to the first maximum in window order (row by row, left to right): only a
 * strictly larger later element replaces it, so one element receives the whole gradient.
 *
 * <h2>Layouts</h2>
 * Channels last: {@code x} (N, H, W, C), {@code out} (N, OH, OW, C); channels first: (N, C, H, W)
 * and (N, C, OH, OW). {@code argmax[p]} is the flat index into {@code x} of the element that
 * produced {@code out[p]}, so {@link #maxBackward} does not need the layout. Windows may overlap;
 * the backward then sums the gradients that reach one element.
 *
 * <p>Arrays are not checked against the geometry; outputs are overwritten; nothing is allocated
 * but the output of {@link #maxForwardFresh}.
 * The geometry's dilation is ignored (pooling windows are dense).
 *
 * <p>Threads: blocks of images are taken by the library's threads one at a time
 * ({@link Parallel#forBlocks}); each output element is computed by one thread with the same
 * operations whatever the thread count, so results are identical for any
 * {@link io.github.dropnet.Dropnet#threads()}.
 *
 * <p>Thread safety: stateless; concurrent calls are safe when they do not share output arrays.
 */
public final class Pool2dKernels {
  private Pool2dKernels() {}

  /**
   * Max pooling forward into a given output (the layer uses {@link #maxForwardFresh}; this form
   * is for tests).
   *
   * @param x the input, (N, H, W, C) or (N, C, H, W)
   * @param g the geometry (kernel = pool size)
   * @param channelsFirst the layout of {@code x} and {@code out}
   * @param out the output (modified), in the input's layout
   * @param argmax for each output element, the index in {@code x} of its maximum (modified)
   */
  static void maxForward(
      double[] x, ConvGeometry g, boolean channelsFirst, double[] out, int[] argmax) {
    maxForward(x, g, channelsFirst, out, argmax, null);
  }

  /**
   * {@link #maxForward(double[], ConvGeometry, boolean, double[], int[]) maxForward}, with
   * {@code alongside} run once, as one more piece of work before the images
   * ({@link Parallel#forBlocksAfter}): with two threads one runs it while the other starts on the
   * images. Layers use it to allocate the backward's large gradient array (which the JVM zeroes
   * on one thread) while pooling goes on.
   *
   * @param alongside work independent of the pooling, run exactly once; or null for none
   */
  static void maxForward(double[] x, ConvGeometry g, boolean channelsFirst,
      double[] out, int[] argmax, Runnable alongside) {
    forward(x, g, channelsFirst, () -> out, argmax, alongside);
  }

  /**
   * {@link #maxForward(double[], ConvGeometry, boolean, double[], int[], Runnable) maxForward}
   * into a new output array, which the first block of images to run allocates. The JVM zeroes a
   * new array on the thread that asks for it; allocated by the caller before the work is shared
   * out, the output would keep every thread waiting that long, but here, with two threads, one
   * zeroes it while the other runs {@code alongside}. A thread that needs the output while
   * another is allocating it waits for it.
   *
   * @param outSize the length of the output, {@code N * OH * OW * C}
   * @param alongside work independent of the pooling, run exactly once; or null for none
   * @return the output, in the input's layout
   */
  public static double[] maxForwardFresh(double[] x, ConvGeometry g, boolean channelsFirst,
      int outSize, int[] argmax, Runnable alongside) {
    LazyArray out = new LazyArray(outSize);
    forward(x, g, channelsFirst, out::get, argmax, alongside);
    return out.get();
  }

  private static void forward(double[] x, ConvGeometry g, boolean channelsFirst,
      Supplier<double[]> output, int[] argmax, Runnable alongside) {
    int inImage = g.channels() * g.inPlane();
    int outImage = g.channels() * g.outPlane();
    int block = grain(inImage);
    Parallel.IntRangeBody images = (from, to) -> {
      double[] out = output.get();
      for (int n = from; n < to; n++) {
        if (channelsFirst) {
          forwardFirst(x, g, n * inImage, out, argmax, n * outImage);
        } else {
          forwardLast(x, g, n * inImage, out, argmax, n * outImage);
        }
      }
    };
    if (alongside == null) {
      Parallel.forBlocks(g.batch(), block, images);
    } else {
      Parallel.forBlocksAfter(alongside, g.batch(), block, images);
    }
  }

  /** An array of doubles allocated by the first thread that asks for it. */
  private static final class LazyArray {
    private final int length;
    private double[] array;

    LazyArray(int length) {
      this.length = length;
    }

    synchronized double[] get() {
      if (array == null) {
        array = new double[length];
      }
      return array;
    }
  }

  /** Images per block of work: about {@value #GRAIN_ELEMENTS} input elements. */
  private static int grain(int imageElements) {
    return Math.max(1, GRAIN_ELEMENTS / Math.max(1, imageElements));
  }

  private static final int GRAIN_ELEMENTS = 1 << 15;

  /**
   * One channels-last image: the channels of a window position are contiguous, so the window is
   * walked position by position and the running argmax of every channel kept in {@code argmax}.
   * {@link #pick} keeps the comparisons free of branches (random data would mispredict half).
   */
  private static void forwardLast(
      double[] x, ConvGeometry g, int xBase, double[] out, int[] argmax, int yBase) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    for (int i = 0; i < g.outH(); i++) {
      int y0 = i * g.strideH() - g.padTop();
      int yLo = Math.max(y0, 0);
      int yHi = Math.min(y0 + g.kernelH(), h);
      for (int j = 0; j < g.outW(); j++) {
        int x0 = j * g.strideW() - g.padLeft();
        int xLo = Math.max(x0, 0);
        int xHi = Math.min(x0 + g.kernelW(), w);
        int o = yBase + (i * g.outW() + j) * c;
        int first = xBase + (yLo * w + xLo) * c;
        if (yHi - yLo == 2 && xHi - xLo == 2) {
          // the common 2x2 window, its four candidates at hand
          int d1 = c;
          int d2 = w * c;
          int d3 = d2 + c;
          for (int ch = 0; ch < c; ch++) {
            int p = first + ch;
            int best = pick(x, p, p + d1);
            best = pick(x, best, p + d2);
            best = pick(x, best, p + d3);
            out[o + ch] = x[best];
            argmax[o + ch] = best;
          }
          continue;
        }
        for (int ch = 0; ch < c; ch++) {
          argmax[o + ch] = first + ch;
        }
        for (int y = yLo; y < yHi; y++) {
          for (int xx = y == yLo ? xLo + 1 : xLo; xx < xHi; xx++) {
            int p = xBase + (y * w + xx) * c;
            for (int ch = 0; ch < c; ch++) {
              argmax[o + ch] = pick(x, argmax[o + ch], p + ch);
            }
          }
        }
        for (int ch = 0; ch < c; ch++) {
          out[o + ch] = x[argmax[o + ch]];
        }
      }
    }
  }

  /** One channels-first image: plane by plane, window by window. */
  private static void forwardFirst(
      double[] x, ConvGeometry g, int xBase, double[] out, int[] argmax, int yBase) {
    int h = g.inH();
    int w = g.inW();
    int outH = g.outH();
    int outW = g.outW();
    for (int ch = 0; ch < g.channels(); ch++) {
      int plane = xBase + ch * h * w;
      int oPlane = yBase + ch * outH * outW;
      for (int i = 0; i < outH; i++) {
        int y0 = i * g.strideH() - g.padTop();
        int yLo = Math.max(y0, 0);
        int yHi = Math.min(y0 + g.kernelH(), h);
        for (int j = 0; j < outW; j++) {
          int x0 = j * g.strideW() - g.padLeft();
          int xLo = Math.max(x0, 0);
          int xHi = Math.min(x0 + g.kernelW(), w);
          int best = plane + yLo * w + xLo;
          for (int y = yLo; y < yHi; y++) {
            int row = plane + y * w;
            for (int xx = y == yLo ? xLo + 1 : xLo; xx < xHi; xx++) {
              best = pick(x, best, row + xx);
            }
          }
          int o = oPlane + i * outW + j;
          out[o] = x[best];
          argmax[o] = best;
        }
      }
    }
  }

  /**
   * {@code candidate} if {@code x[candidate] > x[best]}, else {@code best}: only a strictly
   * larger later element wins (a NaN never does, nor replaces an earlier NaN). Written with an
   * integer mask so that the JIT emits no branch.
   */
  private static int pick(double[] x, int best, int candidate) {
    int take = x[candidate] > x[best] ? -1 : 0;
    return best ^ ((best ^ candidate) & take);
  }

  /**
   * Max pooling backward: {@code dx[argmax[p]] += dy[p]} for every output element p, after
   * zeroing {@code dx}; the plain form, a reference for the tests (the layer uses the batched
   * one).
   *
   * @param dy the gradient with respect to the output
   * @param argmax the indices recorded by {@link #maxForward}
   * @param dx the gradient with respect to the input (modified, overwritten)
   */
  static void maxBackward(double[] dy, int[] argmax, double[] dx) {
    Arrays.fill(dx, 0.0);
    for (int p = 0; p < argmax.length; p++) {
      dx[argmax[p]] += dy[p];
    }
  }

  /**
   * Max pooling backward for a batch of {@code batch} images whose argmax indices each point into
   * their own image (as {@link #maxForward} records them): the same result as
   * {@link #maxBackward(double[], int[], double[])}, image by image over the library's threads.
   * Within an image the gradients are added in output order, so overlapping windows sum alike
   * for any thread count.
   *
   * @param dy the gradient with respect to the output, {@code batch} equal images
   * @param argmax the indices recorded by {@link #maxForward}
   * @param batch the number of images N, dividing both array lengths (0 or 1: one image)
   * @param dx the gradient with respect to the input (modified)
   * @param accumulate add into {@code dx} as it is (a freshly allocated, zero array needs no
   *     second zeroing pass over memory) instead of overwriting it
   */
  public static void maxBackward(
      double[] dy, int[] argmax, int batch, double[] dx, boolean accumulate) {
    int images = Math.max(batch, 1);
    int outImage = argmax.length / images;
    int inImage = dx.length / images;
    Parallel.forBlocks(images, grain(inImage), (from, to) -> {
      for (int n = from; n < to; n++) {
        if (!accumulate) {
          Arrays.fill(dx, n * inImage, (n + 1) * inImage, 0.0);
        }
        for (int p = n * outImage; p < (n + 1) * outImage; p++) {
          dx[argmax[p]] += dy[p];
        }
      }
    });
  }
}
