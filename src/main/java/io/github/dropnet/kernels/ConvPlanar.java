package io.github.dropnet.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The convolution for stride 1, forward and backward, computed along the positions of
 * zero-padded planes: the transposed product
 * {@code out^T (F, positions) = w^T (F, K) * col^T (K, positions)} runs through the strip kernels
 * ({@link GemmKernels#SCALAR}, {@link Gemm#kernel1}, {@link Gemm#kernel2}), whose vectorised loop
 * is then as long as a band of output rows; the backward's input gradient runs the same way
 * ({@code dcol^T = w * d^T}), its kernel gradient through {@link Gemm} or, channels last, the
 * strip kernels over rows of filters.
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
 * <p>One instance holds the workspaces of one thread; it is not shared while in use, and is
 * handed on to later calls ({@link #take}, {@link #give}).
 */
final class ConvPlanar {
  /** Doubles of {@code col^T} rows per band of output rows (about 512 KiB). */
  private static final int BAND_DOUBLES = 1 << 16;
  /**
   * Positions per block of the masking and transposition of a channels-last gradient; a
   * multiple of four, as the bias gradient adds positions four at a time.
   */
  private static final int TRANSPOSE_BLOCK = 64;
  /** Bands shorter than this many positions vectorise poorly: use im2col and Gemm instead. */
  private static final int MIN_BAND = 64;
  /**
   * The padded planes may be this many times as large as the input's and the output's larger
   * plane (plus {@link #SMALL_PLANE}): a window dilated far beyond the image, with SAME padding,
   * would make them mostly padding, and too large to allocate.
   */
  private static final int MAX_PAD_GROWTH = 4;
  private static final int SMALL_PLANE = 1 << 12;

  private final ConvGeometry g;
  private final int filters;
  private final boolean channelsFirst;
  private final int wp;
  private final int hp;
  private final int plane;
  private final int bandRows;
  /** The padded input planes of one image, C of {@code hp * wp}, then spare zeros. */
  private final double[] xp;
  /** The rows of {@code col^T} for one band (forward only, made on first use). */
  private double[][] cols;
  /** The rows of {@code out^T} for one band, rounded up to whole strips of {@link Gemm#MR}. */
  private double[][] acc;

  /**
   * Whether the planar path suits this geometry: stride 1 and bands long enough to vectorise.
   */
  static boolean applies(ConvGeometry g) {
    if (g.strideH() != 1 || g.strideW() != 1 || g.outH() == 0 || g.outW() == 0) {
      return false;
    }
    long padded = ((long) g.outH() + (long) (g.kernelH() - 1) * g.dilationH())
        * ((long) g.outW() + (long) (g.kernelW() - 1) * g.dilationW());
    long plain = Math.max((long) g.inH() * g.inW(), (long) g.outH() * g.outW());
    if (padded > MAX_PAD_GROWTH * plain + SMALL_PLANE) {
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
   * Free workspaces, kept between calls: their buffers are large enough (hundreds of KiB) that
   * zeroing fresh ones for every block of images would cost more than a fair share of the
   * convolution itself.
   */
  private static final AtomicReferenceArray<ConvPlanar> FREE =
      new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

  /**
   * Workspaces for one thread: a free one made for the same geometry, filters and layout, or a
   * new one. Hand it back with {@link #give} when the thread is done with it.
   */
  static ConvPlanar take(ConvGeometry g, int filters, boolean channelsFirst) {
    for (int i = 0; i < FREE.length(); i++) {
      ConvPlanar p = FREE.get(i);
      if (p != null && p.filters == filters && p.channelsFirst == channelsFirst
          && p.g.equals(g) && FREE.compareAndSet(i, p, null)) {
        return p;
      }
    }
    return new ConvPlanar(g, filters, channelsFirst);
  }

  /** Keeps {@code p} for a later {@link #take}, unless enough are kept already. */
  static void give(ConvPlanar p) {
    for (int i = 0; i < FREE.length(); i++) {
      if (FREE.get(i) == null && FREE.compareAndSet(i, null, p)) {
        return;
      }
    }
  }

  private ConvPlanar(ConvGeometry g, int filters, boolean channelsFirst) {
    this.g = g;
    this.filters = filters;
    this.channelsFirst = channelsFirst;
    this.wp = paddedWidth(g);
    this.hp = g.outH() + (g.kernelH() - 1) * g.dilationH();
    this.plane = hp * wp;
    this.bandRows = bandRows(g, wp);
    this.xp = new double[g.channels() * plane + (g.kernelW() - 1) * g.dilationW()];
  }

  /**
   * {@code w (K, F)} as strips of {@link Gemm#MR} filters: {@code s[p * MR + r] = w[p][4i + r]}.
   */
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

  /**
   * {@code w (K, F)} transposed into strips of {@link Gemm#MR} patch entries for the input
   * gradient: {@code s[o * MR + r] = w[4i + r][o]}.
   */
  static double[][] packRowStrips(double[] w, int k, int filters) {
    int n = (k + Gemm.MR - 1) / Gemm.MR;
    double[][] strips = new double[n][filters * Gemm.MR];
    for (int s = 0; s < n; s++) {
      int rows = Math.min(Gemm.MR, k - s * Gemm.MR);
      for (int r = 0; r < rows; r++) {
        int src = (s * Gemm.MR + r) * filters;
        for (int o = 0; o < filters; o++) {
          strips[s][o * Gemm.MR + r] = w[src + o];
        }
      }
    }
    return strips;
  }

  /**
   * Image {@code n} of {@code x} into {@code out}, with the bias and (if asked) the rectifier.
   *
   * @param strips {@link #packStrips} of the kernel, shared read-only between threads
   */
  void forward(double[] x, double[][] strips, double[] bias, boolean relu, double[] out, int n) {
    if (cols == null) {
      int band = bandRows * wp;
      cols = AlignedRows.make(g.patchSize(), band);
      acc = AlignedRows.make(strips.length * Gemm.MR, band);
    }
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
        Gemm.strip(GemmKernels.SCALAR, strips[s], cols, kk, len, acc, r, live);
      }
      store(out, n, i0, rows, relu);
    }
  }

  // ---- backward workspaces, made on first use

  /** {@code col^T (K, M)} without the extra columns, flat, for the kernel gradient. */
  private double[] colsFlat;
  /** The gradient as F rows of M positions. */
  private double[][] dRows;
  /** {@code dcol^T}: K rows (rounded up to whole strips) of M positions. */
  private double[][] dcols;
  /** The input gradient on the padded planes. */
  private double[] dxp;
  /** Channels last: the gradient as M rows of F, the rows a {@link Gemm#kernel} reads. */
  private double[][] gRows;
  /** Channels last: {@code col^T} for one strip of {@link Gemm#MR} patch entries, packed. */
  private double[] colStrip;
  /** Channels last: the kernel gradient of one strip of patch entries, {@link Gemm#MR} rows. */
  private double[][] accW;
  /** Channels last: the bias gradient being summed. */
  private double[] biasSum;

  /**
   * Channels first: the kernel gradient and the input gradient of image {@code n}:
   * {@code partW} (K, F) at {@code wOff} gets {@code col_n^T d_n} (added when {@code accumulate},
   * else written), and image {@code n} of {@code dx} (if not null) is overwritten with
   * {@code conv^T(d_n, w)}.
   * The operations are those of the im2col path of {@link Conv2dKernels}, in the same order.
   *
   * @param d the gradient before the activation, the image at {@code dOff}, (N, F, OH, OW)
   * @param rowStrips {@link #packRowStrips} of the kernel
   */
  void backward(double[] x, double[] d, int dOff, int n, double[][] rowStrips,
      boolean accumulate, double[] partW, int wOff, double[] dx) {
    int k = g.patchSize();
    int m = g.outPlane();
    int outH = g.outH();
    int outW = g.outW();
    int c = g.channels();
    int kh = g.kernelH();
    int kw = g.kernelW();
    if (colsFlat == null) {
      colsFlat = new double[k * m];
      dRows = AlignedRows.make(filters, m);
      dcols = AlignedRows.make(rowStrips.length * Gemm.MR, m);
      dxp = new double[c * plane + (kw - 1) * g.dilationW()];
    }
    pad(x, n * c * g.inPlane());
    int kk = 0;
    for (int a = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++) {
        int shift = a * g.dilationH() * wp + b * g.dilationW();
        for (int ch = 0; ch < c; ch++) {
          int src = ch * plane + shift;
          int dst = kk++ * m;
          for (int i = 0; i < outH; i++) {
            System.arraycopy(xp, src + i * wp, colsFlat, dst + i * outW, outW);
          }
        }
      }
    }
    Gemm.gemm(false, true, k, filters, m, colsFlat, 0, m, d, dOff, m, partW, wOff, filters,
        accumulate);
    if (dx == null) {
      return;
    }
    for (int o = 0; o < filters; o++) {
      System.arraycopy(d, dOff + o * m, dRows[o], 0, m);
    }
    inputGradient(rowStrips, dx, n);
  }

  /**
   * Image {@code n} of {@code dx} from the gradient in {@link #dRows}: {@code dcol^T (K, M) =
   * w (K, F) d^T (F, M)} along the positions, then col2im.
   */
  private void inputGradient(double[][] rowStrips, double[] dx, int n) {
    int k = g.patchSize();
    int m = g.outPlane();
    int outH = g.outH();
    int outW = g.outW();
    int c = g.channels();
    int kw = g.kernelW();
    int kk;
    for (int s = 0; s < rowStrips.length; s++) {
      int r = s * Gemm.MR;
      int live = Math.min(Gemm.MR, k - r);
      for (int q = r; q < r + Gemm.MR; q++) {
        Arrays.fill(dcols[q], 0.0);
      }
      Gemm.strip(GemmKernels.SCALAR, rowStrips[s], dRows, filters, m, dcols, r, live);
    }
    // col2im onto the padded planes, every element receiving its terms in the order of the
    // im2col path: by output position for channels last (so patch entries in reverse), by
    // patch entry for channels first
    Arrays.fill(dxp, 0.0);
    for (int e = 0; e < k; e++) {
      kk = channelsFirst ? e : k - 1 - e;
      int ch = kk % c;
      int ab = kk / c;
      int shift = ch * plane + (ab / kw) * g.dilationH() * wp + (ab % kw) * g.dilationW();
      double[] src = dcols[kk];
      for (int i = 0; i < outH; i++) {
        int to = shift + i * wp;
        int from = i * outW;
        for (int j = 0; j < outW; j++) {
          dxp[to + j] += src[from + j];
        }
      }
    }
    unpad(dx, n * c * g.inPlane());
  }

  /**
   * {@link #backward} for channels last, reading the gradient straight from the output layout:
   * one pass over image {@code n} of {@code gradOut} (and {@code y}) masks it, adds its share
   * of the bias gradient and lays it out both as rows of filters (for the kernel gradient) and
   * as rows of positions (for the input gradient).
   *
   * <p>The operations are those of the im2col path of {@link Conv2dKernels}, in the same order:
   * the masked gradient, the bias gradient of {@link Conv2dKernels#biasGradient} (positions four
   * at a time), the kernel gradient one {@link Math#fma} per position in order, and the input
   * gradient as {@link #backward}.
   *
   * @param gradOut the gradient with respect to the output, (N, OH, OW, F)
   * @param y the output of a forward with the rectifier fused, to mask {@code gradOut} with; or
   *     null
   * @param partB the bias gradient at {@code bOff} (added to when {@code accumulate}, else
   *     written), or null to skip it
   */
  void backwardLast(double[] x, double[] gradOut, double[] y, int n, double[][] rowStrips,
      boolean accumulate, double[] partW, int wOff, double[] partB, int bOff, double[] dx) {
    int k = g.patchSize();
    int m = g.outPlane();
    int f = filters;
    if (gRows == null) {
      gRows = AlignedRows.make(m, f);
      colStrip = new double[m * Gemm.MR];
      accW = AlignedRows.make(Gemm.MR, f);
      biasSum = new double[f];
      dRows = AlignedRows.make(f, m);
      dcols = AlignedRows.make(rowStrips.length * Gemm.MR, m);
      dxp = new double[g.channels() * plane + (g.kernelW() - 1) * g.dilationW()];
    }
    pad(x, n * g.channels() * g.inPlane());
    if (partB != null) {
      if (accumulate) {
        System.arraycopy(partB, bOff, biasSum, 0, f);
      } else {
        Arrays.fill(biasSum, 0.0);
      }
    }
    maskRows(gradOut, y, n * m * f, partB != null, dx != null);
    if (partB != null) {
      System.arraycopy(biasSum, 0, partB, bOff, f);
    }
    for (int s = 0; s < rowStrips.length; s++) {
      int k0 = s * Gemm.MR;
      int live = Math.min(Gemm.MR, k - k0);
      for (int r = 0; r < live; r++) {
        packColumn(k0 + r, r);
        if (accumulate) {
          System.arraycopy(partW, wOff + (k0 + r) * f, accW[r], 0, f);
        } else {
          Arrays.fill(accW[r], 0.0);
        }
      }
      Gemm.strip(GemmKernels.SCALAR, colStrip, gRows, m, f, accW, 0, live);
      for (int r = 0; r < live; r++) {
        System.arraycopy(accW[r], 0, partW, wOff + (k0 + r) * f, f);
      }
    }
    if (dx != null) {
      inputGradient(rowStrips, dx, n);
    }
  }

  /**
   * Image {@code gradOut[off ..]} masked by {@code y} (if not null) into {@link #gRows}, a
   * block of positions at a time; each block, while it is in the cache, is then added to
   * {@link #biasSum} (with {@code bias}) and transposed into {@link #dRows} (with
   * {@code transpose}).
   */
  private void maskRows(double[] gradOut, double[] y, int off, boolean bias, boolean transpose) {
    int m = g.outPlane();
    int f = filters;
    for (int p0 = 0; p0 < m; p0 += TRANSPOSE_BLOCK) {
      int p1 = Math.min(m, p0 + TRANSPOSE_BLOCK);
      for (int p = p0; p < p1; p++) {
        double[] row = gRows[p];
        int src = off + p * f;
        if (y == null) {
          System.arraycopy(gradOut, src, row, 0, f);
          continue;
        }
        for (int o = 0; o < f; o++) {
          // without a branch: random signs would mispredict half of the time
          long keep = y[src + o] > 0 ? -1L : 0L;
          row[o] = Double.longBitsToDouble(Double.doubleToRawLongBits(gradOut[src + o]) & keep);
        }
      }
      for (int o = 0; transpose && o < f; o++) {
        double[] dst = dRows[o];
        for (int p = p0; p < p1; p++) {
          dst[p] = gRows[p][o];
        }
      }
      if (bias) {
        biasGradient(p0, p1);
      }
    }
  }

  /**
   * Positions {@code [p0, p1)} of {@link #gRows} added to {@link #biasSum} as
   * {@link Conv2dKernels#biasGradient} adds them: four at a time, {@code (p0 + p1) + (p2 + p3)},
   * then one at a time at the end of the image ({@code p0} is a multiple of four).
   */
  private void biasGradient(int p0, int p1) {
    double[] db = biasSum;
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
      double[] r0 = gRows[p];
      double[] r1 = gRows[p + 1];
      double[] r2 = gRows[p + 2];
      double[] r3 = gRows[p + 3];
      for (int o = 0; o < db.length; o++) {
        db[o] += (r0[o] + r1[o]) + (r2[o] + r3[o]);
      }
    }
    for (; p < p1; p++) {
      double[] r0 = gRows[p];
      for (int o = 0; o < db.length; o++) {
        db[o] += r0[o];
      }
    }
  }

  /** Row {@code kk} of {@code col^T} into row {@code r} of the packed strip {@link #colStrip}. */
  private void packColumn(int kk, int r) {
    int c = g.channels();
    int kw = g.kernelW();
    int outW = g.outW();
    int ab = kk / c;
    int src = (kk % c) * plane + (ab / kw) * g.dilationH() * wp + (ab % kw) * g.dilationW();
    int dst = r;
    for (int i = 0; i < g.outH(); i++) {
      int from = src + i * wp;
      for (int j = 0; j < outW; j++) {
        colStrip[dst] = xp[from + j];
        dst += Gemm.MR;
      }
    }
  }

  /** The input gradient of one image from {@link #dxp}: zero where no window reaches. */
  private void unpad(double[] dx, int xOff) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int top = g.padTop();
    int left = g.padLeft();
    Arrays.fill(dx, xOff, xOff + c * h * w, 0.0);
    int yEnd = Math.min(h, hp - top);
    int xEnd = Math.min(w, wp - left);
    if (xEnd <= 0) {
      return;
    }
    for (int y = 0; y < yEnd; y++) {
      int src = (y + top) * wp + left;
      if (channelsFirst) {
        for (int ch = 0; ch < c; ch++) {
          System.arraycopy(dxp, ch * plane + src, dx, xOff + (ch * h + y) * w, xEnd);
        }
      } else if (c == 1) {
        System.arraycopy(dxp, src, dx, xOff + y * w, xEnd);
      } else {
        int dst = xOff + y * w * c;
        for (int xx = 0; xx < xEnd; xx++) {
          for (int ch = 0; ch < c; ch++) {
            dx[dst + xx * c + ch] = dxp[ch * plane + src + xx];
          }
        }
      }
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
