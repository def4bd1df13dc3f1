package io.github.dropnet.kernels;

import java.util.Arrays;

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
 * <p>Arrays are not checked against the geometry; outputs are overwritten; nothing is allocated.
 * The geometry's dilation is ignored (pooling windows are dense).
 *
 * <p>Thread safety: stateless; concurrent calls are safe when they do not share output arrays.
 */
public final class Pool2dKernels {
  private Pool2dKernels() {}

  /**
   * Max pooling forward.
   *
   * @param x the input, (N, H, W, C) or (N, C, H, W)
   * @param g the geometry (kernel = pool size)
   * @param channelsFirst the layout of {@code x} and {@code out}
   * @param out the output (modified), in the input's layout
   * @param argmax for each output element, the index in {@code x} of its maximum (modified)
   */
  public static void maxForward(
      double[] x, ConvGeometry g, boolean channelsFirst, double[] out, int[] argmax) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int outH = g.outH();
    int outW = g.outW();
    // element strides of the (h, w, c) axes, for the input and for the output
    int xs = channelsFirst ? 1 : c;
    int xr = w * xs;
    int xc = channelsFirst ? h * w : 1;
    int ys = channelsFirst ? 1 : c;
    int yr = outW * ys;
    int yc = channelsFirst ? outH * outW : 1;
    int inImage = c * h * w;
    int outImage = c * outH * outW;
    for (int n = 0; n < g.batch(); n++) {
      for (int ch = 0; ch < c; ch++) {
        int xBase = n * inImage + ch * xc;
        int yBase = n * outImage + ch * yc;
        for (int i = 0; i < outH; i++) {
          int y0 = i * g.strideH() - g.padTop();
          int yLo = Math.max(y0, 0);
          int yHi = Math.min(y0 + g.kernelH(), h);
          for (int j = 0; j < outW; j++) {
            int x0 = j * g.strideW() - g.padLeft();
            int xLo = Math.max(x0, 0);
            int xHi = Math.min(x0 + g.kernelW(), w);
            int best = xBase + yLo * xr + xLo * xs;
            double max = x[best];
            for (int y = yLo; y < yHi; y++) {
              int row = xBase + y * xr;
              for (int xx = xLo; xx < xHi; xx++) {
                int idx = row + xx * xs;
                if (x[idx] > max) {
                  max = x[idx];
                  best = idx;
                }
              }
            }
            int o = yBase + i * yr + j * ys;
            out[o] = max;
            argmax[o] = best;
          }
        }
      }
    }
  }

  /**
   * Max pooling backward: {@code dx[argmax[p]] += dy[p]} for every output element p, after
   * zeroing {@code dx}.
   *
   * @param dy the gradient with respect to the output
   * @param argmax the indices recorded by {@link #maxForward}
   * @param dx the gradient with respect to the input (modified, overwritten)
   */
  public static void maxBackward(double[] dy, int[] argmax, double[] dx) {
    Arrays.fill(dx, 0.0);
    for (int p = 0; p < argmax.length; p++) {
      dx[argmax[p]] += dy[p];
    }
  }
}
