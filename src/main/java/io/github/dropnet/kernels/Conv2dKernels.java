package io.github.dropnet.kernels;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as Keras) on flat row-major arrays: forward, the gradient
 * with respect to the input and the gradients with respect to the kernel and bias.
 *
 * <h2>Formula</h2>
 * For channels-last data,
 * {@code out[n, i, j, o] = bias[o] + sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] *
 * w[a, b, c, o]}, where {@code xpad} is the input with {@link ConvGeometry#padTop()} /
 * {@link ConvGeometry#padLeft()} zero rows / columns before it (and zeros after it as far as the
 * windows reach). No kernel flip.
 *
 * <h2>Layouts</h2>
 * <ul>
 *   <li>Channels last: {@code x} (N, H, W, C), {@code out} (N, OH, OW, F).
 *   <li>Channels first: {@code x} (N, C, H, W), {@code out} (N, F, OH, OW).
 *   <li>The kernel {@code w} is (kh, kw, C, F) in both, seen as a (K, F) matrix with
 *       {@code K = kh * kw * C} and patch index {@code k = (a * kw + b) * C + c}.
 * </ul>
 * Each image is unrolled into a workspace {@code col} of {@link ConvGeometry#columnSize()}
 * doubles (im2col), so the products are {@link Gemm} calls: channels last unrolls to
 * {@code col (M, K)} with {@code M = OH * OW} and computes {@code out_n = col * w}; channels first
 * unrolls to the transpose {@code (K, M)} and computes {@code out_n = w^T * col}, so neither
 * layout needs a transposed copy of the data.
 *
 * <h2>Contract</h2>
 * Arrays are not checked against the geometry (the layers check shapes). Output arrays are
 * overwritten (not accumulated into); {@code col} is scratch, overwritten. Nothing is allocated.
 *
 * <p>Thread safety: stateless; concurrent calls are safe when they do not share output or
 * workspace arrays.
 */
public final class Conv2dKernels {
  private Conv2dKernels() {}

  /**
   * Forward convolution: {@code out = conv(x, w) + bias}.
   *
   * @param x the input, (N, H, W, C) or (N, C, H, W)
   * @param w the kernel (kh, kw, C, F)
   * @param bias the bias (F), or null for none
   * @param g the geometry
   * @param filters the number of output channels F
   * @param channelsFirst the layout of {@code x} and {@code out}
   * @param out the output (modified), (N, OH, OW, F) or (N, F, OH, OW)
   * @param col workspace of at least {@code g.columnSize()} doubles (modified)
   */
  public static void forward(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters,
      boolean channelsFirst, double[] out, double[] col) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int outImage = filters * m;
    for (int n = 0; n < g.batch(); n++) {
      int xOff = n * inImage;
      int yOff = n * outImage;
      fillBias(bias, filters, m, channelsFirst, out, yOff);
      if (channelsFirst) {
        im2colFirst(x, xOff, g, col);
        Gemm.gemm(true, false, filters, m, k, w, 0, filters, col, 0, m, out, yOff, m, true);
      } else {
        im2colLast(x, xOff, g, col);
        Gemm.gemm(false, false, m, filters, k, col, 0, k, w, 0, filters, out, yOff, filters, true);
      }
    }
  }

  /**
   * The gradient with respect to the input: {@code dx = conv^T(dy, w)}.
   *
   * @param dy the gradient with respect to the output (before the bias, after any activation
   *     derivative), in the output layout
   * @param w the kernel (kh, kw, C, F)
   * @param g the geometry
   * @param filters the number of output channels F
   * @param channelsFirst the layout of {@code dy} and {@code dx}
   * @param dx the input gradient (modified, overwritten), in the input layout
   * @param col workspace of at least {@code g.columnSize()} doubles (modified)
   */
  public static void backwardData(
      double[] dy, double[] w, ConvGeometry g, int filters, boolean channelsFirst,
      double[] dx, double[] col) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int outImage = filters * m;
    Arrays.fill(dx, 0, g.batch() * inImage, 0.0);
    for (int n = 0; n < g.batch(); n++) {
      int xOff = n * inImage;
      int yOff = n * outImage;
      if (channelsFirst) {
        Gemm.gemm(false, false, k, m, filters, w, 0, filters, dy, yOff, m, col, 0, m, false);
        col2imFirst(col, g, dx, xOff);
      } else {
        Gemm.gemm(false, true, m, k, filters, dy, yOff, filters, w, 0, filters, col, 0, k, false);
        col2imLast(col, g, dx, xOff);
      }
    }
  }

  /**
   * The gradients with respect to the kernel and the bias: {@code dw[a, b, c, o] = sum_{n, i, j}
   * xpad[n, i*sh + a*dh, j*sw + b*dw, c] * dy[n, i, j, o]} and {@code db[o] = sum_{n, i, j}
   * dy[n, i, j, o]}.
   *
   * @param x the input of the forward, in its layout
   * @param dy the gradient with respect to the output, in the output layout
   * @param g the geometry
   * @param filters the number of output channels F
   * @param channelsFirst the layout of {@code x} and {@code dy}
   * @param dw the kernel gradient (kh, kw, C, F) (modified, overwritten)
   * @param db the bias gradient (F) (modified, overwritten), or null to skip it
   * @param col workspace of at least {@code g.columnSize()} doubles (modified)
   */
  public static void backwardWeights(
      double[] x, double[] dy, ConvGeometry g, int filters, boolean channelsFirst,
      double[] dw, double[] db, double[] col) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int outImage = filters * m;
    Arrays.fill(dw, 0, k * filters, 0.0);
    for (int n = 0; n < g.batch(); n++) {
      int xOff = n * inImage;
      int yOff = n * outImage;
      if (channelsFirst) {
        im2colFirst(x, xOff, g, col);
        Gemm.gemm(false, true, k, filters, m, col, 0, m, dy, yOff, m, dw, 0, filters, true);
      } else {
        im2colLast(x, xOff, g, col);
        Gemm.gemm(true, false, k, filters, m, col, 0, k, dy, yOff, filters, dw, 0, filters, true);
      }
    }
    if (db != null) {
      biasGradient(dy, g.batch(), m, filters, channelsFirst, db);
    }
  }

  /** {@code db[o]} = the sum of {@code dy} over every image and output position of channel o. */
  static void biasGradient(
      double[] dy, int batch, int m, int filters, boolean channelsFirst, double[] db) {
    Arrays.fill(db, 0, filters, 0.0);
    if (channelsFirst) {
      int off = 0;
      for (int n = 0; n < batch; n++) {
        for (int o = 0; o < filters; o++) {
          double s = 0;
          for (int p = 0; p < m; p++) {
            s += dy[off + p];
          }
          db[o] += s;
          off += m;
        }
      }
    } else {
      int rows = batch * m;
      for (int r = 0; r < rows; r++) {
        int off = r * filters;
        for (int o = 0; o < filters; o++) {
          db[o] += dy[off + o];
        }
      }
    }
  }

  /** Sets image {@code yOff} of the output to the bias (or to zero without one). */
  private static void fillBias(
      double[] bias, int filters, int m, boolean channelsFirst, double[] out, int yOff) {
    if (bias == null) {
      Arrays.fill(out, yOff, yOff + filters * m, 0.0);
    } else if (channelsFirst) {
      for (int o = 0; o < filters; o++) {
        Arrays.fill(out, yOff + o * m, yOff + (o + 1) * m, bias[o]);
      }
    } else {
      for (int p = 0; p < m; p++) {
        System.arraycopy(bias, 0, out, yOff + p * filters, filters);
      }
    }
  }

  /** Unrolls one channels-last image at {@code xOff} into {@code col} (M, K). */
  static void im2colLast(double[] x, int xOff, ConvGeometry g, double[] col) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int kh = g.kernelH();
    int kw = g.kernelW();
    int row = 0;
    for (int i = 0; i < g.outH(); i++) {
      int y0 = i * g.strideH() - g.padTop();
      for (int j = 0; j < g.outW(); j++) {
        int x0 = j * g.strideW() - g.padLeft();
        int dst = row;
        for (int a = 0; a < kh; a++) {
          int y = y0 + a * g.dilationH();
          boolean rowInside = y >= 0 && y < h;
          for (int b = 0; b < kw; b++) {
            int xx = x0 + b * g.dilationW();
            if (rowInside && xx >= 0 && xx < w) {
              System.arraycopy(x, xOff + (y * w + xx) * c, col, dst, c);
            } else {
              Arrays.fill(col, dst, dst + c, 0.0);
            }
            dst += c;
          }
        }
        row = dst;
      }
    }
  }

  /** Adds the rows of {@code col} (M, K) back into the channels-last image at {@code xOff}. */
  static void col2imLast(double[] col, ConvGeometry g, double[] dx, int xOff) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int kh = g.kernelH();
    int kw = g.kernelW();
    int src = 0;
    for (int i = 0; i < g.outH(); i++) {
      int y0 = i * g.strideH() - g.padTop();
      for (int j = 0; j < g.outW(); j++) {
        int x0 = j * g.strideW() - g.padLeft();
        for (int a = 0; a < kh; a++) {
          int y = y0 + a * g.dilationH();
          boolean rowInside = y >= 0 && y < h;
          for (int b = 0; b < kw; b++) {
            int xx = x0 + b * g.dilationW();
            if (rowInside && xx >= 0 && xx < w) {
              int dst = xOff + (y * w + xx) * c;
              for (int ch = 0; ch < c; ch++) {
                dx[dst + ch] += col[src + ch];
              }
            }
            src += c;
          }
        }
      }
    }
  }

  /** Unrolls one channels-first image at {@code xOff} into {@code col} (K, M). */
  static void im2colFirst(double[] x, int xOff, ConvGeometry g, double[] col) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int outH = g.outH();
    int outW = g.outW();
    int sw = g.strideW();
    int m = outH * outW;
    for (int a = 0; a < g.kernelH(); a++) {
      for (int b = 0; b < g.kernelW(); b++) {
        int xb = b * g.dilationW() - g.padLeft();
        int jLo = firstInside(xb, sw, outW);
        int jHi = endInside(xb, sw, w, outW, jLo);
        for (int ch = 0; ch < c; ch++) {
          int rowOff = ((a * g.kernelW() + b) * c + ch) * m;
          int plane = xOff + ch * h * w;
          for (int i = 0; i < outH; i++) {
            int dst = rowOff + i * outW;
            int y = i * g.strideH() + a * g.dilationH() - g.padTop();
            if (y < 0 || y >= h) {
              Arrays.fill(col, dst, dst + outW, 0.0);
              continue;
            }
            int src = plane + y * w + xb;
            Arrays.fill(col, dst, dst + jLo, 0.0);
            for (int j = jLo; j < jHi; j++) {
              col[dst + j] = x[src + j * sw];
            }
            Arrays.fill(col, dst + jHi, dst + outW, 0.0);
          }
        }
      }
    }
  }

  /** Adds the rows of {@code col} (K, M) back into the channels-first image at {@code xOff}. */
  static void col2imFirst(double[] col, ConvGeometry g, double[] dx, int xOff) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int outH = g.outH();
    int outW = g.outW();
    int sw = g.strideW();
    int m = outH * outW;
    for (int a = 0; a < g.kernelH(); a++) {
      for (int b = 0; b < g.kernelW(); b++) {
        int xb = b * g.dilationW() - g.padLeft();
        int jLo = firstInside(xb, sw, outW);
        int jHi = endInside(xb, sw, w, outW, jLo);
        for (int ch = 0; ch < c; ch++) {
          int rowOff = ((a * g.kernelW() + b) * c + ch) * m;
          int plane = xOff + ch * h * w;
          for (int i = 0; i < outH; i++) {
            int y = i * g.strideH() + a * g.dilationH() - g.padTop();
            if (y < 0 || y >= h) {
              continue;
            }
            int src = rowOff + i * outW;
            int dst = plane + y * w + xb;
            for (int j = jLo; j < jHi; j++) {
              dx[dst + j * sw] += col[src + j];
            }
          }
        }
      }
    }
  }

  /** The first output column j with {@code j * stride + xb >= 0}, at most {@code outW}. */
  private static int firstInside(int xb, int stride, int outW) {
    int j = xb >= 0 ? 0 : (-xb + stride - 1) / stride;
    return Math.min(j, outW);
  }

  /** One past the last output column j with {@code j * stride + xb < w}, at least {@code lo}. */
  private static int endInside(int xb, int stride, int w, int outW, int lo) {
    int room = w - xb;
    int j = room <= 0 ? 0 : (room + stride - 1) / stride;
    return Math.max(Math.min(j, outW), lo);
  }
}
