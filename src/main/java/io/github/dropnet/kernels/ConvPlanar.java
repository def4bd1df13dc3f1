package io.github.dropnet.kernels;

import java.util.Arrays;

/**
 * The forward convolution for stride 1, computed along the positions of zero-padded planes:
 * the transposed product {@code out^T (F, positions) = w^T (F, K) * col^T (K, positions)} runs
 * through {@link Gemm#kernel}, whose vectorised loop is then as long as a band of output rows.
 *
 * <p>With stride 1, row {@code k = (a * kw + b) * C + c} of {@code col^T} for a band of output
 * rows is a plain slice of the padded plane of channel {@code c}, shifted by
 * {@code (a * dh, b * dw)}: when the plane is {@code wp = outW + (kw - 1) * dw} wide, output
 * position {@code (i, j)} sits at {@code i * wp + j} in every slice (the {@code wp - outW} extra
 * columns are computed and dropped). So each row of {@code col^T} is one copy, not a gather, and
 * no transposed copy of the data is needed.
 *
 * <p>Each output element is {@code bias[o]} (or 0) followed by one {@link Math#fma} per patch
 * entry in patch order, padding included: the same operations as the im2col path of
 * {@link Conv2dKernels}, so the results are identical.
 *
 * <p>One instance holds the workspaces of one thread for one call; it is not shared.
 */
final class ConvPlanar {
  /** Doubles of {@code col^T} rows per band of output rows (about 512 KiB). */
  private static final int BAND_DOUBLES = 1 << 16;
  /** Bands shorter than this many positions vectorise poorly: use im2col and Gemm instead. */
  private static final int MIN_BAND = 64;

  private final ConvGeometry g;
  private final int filters;
  private final boolean channelsFirst;
  private final int wp;
  private final int hp;
  private final int plane;
  private final int bandRows;
  /** The padded input planes of one image, C of {@code hp * wp}, then spare zeros. */
  private final double[] xp;
  /** The rows of {@code col^T} for one band. */
  private final double[][] cols;
  /** The rows of {@code out^T} for one band, rounded up to whole strips of {@link Gemm#MR}. */
  private final double[][] acc;
  /** {@code w^T} in strips of {@link Gemm#MR} filters, packed as {@link Gemm#kernel} reads it. */
  private final double[][] strips;

  /**
   * Whether the planar path suits this geometry: stride 1 and bands long enough to vectorise.
   */
  static boolean applies(ConvGeometry g) {
    if (g.strideH() != 1 || g.strideW() != 1 || g.outH() == 0 || g.outW() == 0) {
      return false;
    }
    return bandRows(g, paddedWidth(g)) * paddedWidth(g) >= MIN_BAND;
  }

  private static int paddedWidth(ConvGeometry g) {
    return g.outW() + (g.kernelW() - 1) * g.dilationW();
  }

  private static int bandRows(ConvGeometry g, int wp) {
    long perRow = (long) g.patchSize() * wp;
    return (int) Math.max(1, Math.min(g.outH(), BAND_DOUBLES / Math.max(1, perRow)));
  }

  /**
   * Workspaces for one thread.
   *
   * @param strips {@link #packStrips} of the kernel, shared read-only between threads
   */
  ConvPlanar(ConvGeometry g, int filters, boolean channelsFirst, double[][] strips) {
    this.g = g;
    this.filters = filters;
    this.channelsFirst = channelsFirst;
    this.wp = paddedWidth(g);
    this.hp = g.outH() + (g.kernelH() - 1) * g.dilationH();
    this.plane = hp * wp;
    this.bandRows = bandRows(g, wp);
    this.xp = new double[g.channels() * plane + (g.kernelW() - 1) * g.dilationW()];
    int band = bandRows * wp;
    this.cols = new double[g.patchSize()][band];
    this.acc = new double[strips.length * Gemm.MR][band];
    this.strips = strips;
  }

  /** {@code w (K, F)} as strips of {@link Gemm#MR} filters: {@code s[p * MR + r] = w[p][4i + r]}. */
  static double[][] packStrips(double[] w, int k, int filters) {
    int n = (filters + Gemm.MR - 1) / Gemm.MR;
    double[][] strips = new double[n][k * Gemm.MR];
    for (int s = 0; s < n; s++) {
      int rows = Math.min(Gemm.MR, filters - s * Gemm.MR);
      for (int p = 0; p < k; p++) {
        for (int r = 0; r < rows; r++) {
          strips[s][p * Gemm.MR + r] = w[p * filters + s * Gemm.MR + r];
        }
      }
    }
    return strips;
  }

  /** Image {@code n} of {@code x} into {@code out}, with the bias and (if asked) the rectifier. */
  void forward(double[] x, double[] bias, boolean relu, double[] out, int n) {
    pad(x, n * g.channels() * g.inPlane());
    int kh = g.kernelH();
    int kw = g.kernelW();
    int c = g.channels();
    int outH = g.outH();
    for (int i0 = 0; i0 < outH; i0 += bandRows) {
      int rows = Math.min(bandRows, outH - i0);
      int len = rows * wp;
      int k = 0;
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int shift = (i0 + a * g.dilationH()) * wp + b * g.dilationW();
          for (int ch = 0; ch < c; ch++) {
            System.arraycopy(xp, ch * plane + shift, cols[k++], 0, len);
          }
        }
      }
      for (int o = 0; o < acc.length; o++) {
        Arrays.fill(acc[o], 0, len, bias == null || o >= filters ? 0.0 : bias[o]);
      }
      int kk = g.patchSize();
      for (int s = 0; s < strips.length; s++) {
        int r = s * Gemm.MR;
        int live = Math.min(Gemm.MR, filters - r);
        if (live == 1) {
          Gemm.kernel1(strips[s], cols, kk, len, acc[r]);
        } else if (live == 2) {
          Gemm.kernel2(strips[s], cols, kk, len, acc[r], acc[r + 1]);
        } else {
          Gemm.kernel(strips[s], cols, kk, len, acc[r], acc[r + 1], acc[r + 2], acc[r + 3]);
        }
      }
      store(out, n, i0, rows, relu);
    }
  }

  /** Zero-padded planes of the image at {@code xOff}, in {@link #xp}. */
  private void pad(double[] x, int xOff) {
    Arrays.fill(xp, 0.0);
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int top = g.padTop();
    int left = g.padLeft();
    // the input rows and columns that some window reaches
    int yEnd = Math.min(h, hp - top);
    int xEnd = Math.min(w, wp - left);
    if (xEnd <= 0) {
      return;
    }
    for (int y = 0; y < yEnd; y++) {
      int dst = (y + top) * wp + left;
      if (channelsFirst) {
        for (int ch = 0; ch < c; ch++) {
          System.arraycopy(x, xOff + (ch * h + y) * w, xp, ch * plane + dst, xEnd);
        }
      } else if (c == 1) {
        System.arraycopy(x, xOff + y * w, xp, dst, xEnd);
      } else {
        int src = xOff + y * w * c;
        for (int xx = 0; xx < xEnd; xx++) {
          for (int ch = 0; ch < c; ch++) {
            xp[ch * plane + dst + xx] = x[src + xx * c + ch];
          }
        }
      }
    }
  }

  /** Output rows {@code [i0, i0 + rows)} of image {@code n} from {@link #acc}. */
  private void store(double[] out, int n, int i0, int rows, boolean relu) {
    int outW = g.outW();
    int m = g.outPlane();
    if (channelsFirst) {
      for (int o = 0; o < filters; o++) {
        double[] src = acc[o];
        int base = (n * filters + o) * m + i0 * outW;
        for (int i = 0; i < rows; i++) {
          int dst = base + i * outW;
          int from = i * wp;
          if (relu) {
            for (int j = 0; j < outW; j++) {
              out[dst + j] = Conv2dKernels.relu(src[from + j]);
            }
          } else {
            System.arraycopy(src, from, out, dst, outW);
          }
        }
      }
      return;
    }
    int f = filters;
    for (int i = 0; i < rows; i++) {
      int dst = (n * m + (i0 + i) * outW) * f;
      for (int j = 0; j < outW; j++) {
        int q = i * wp + j;
        int d = dst + j * f;
        if (relu) {
          for (int o = 0; o < f; o++) {
            out[d + o] = Conv2dKernels.relu(acc[o][q]);
          }
        } else {
          for (int o = 0; o < f; o++) {
            out[d + o] = acc[o][q];
          }
        }
      }
    }
  }
}
