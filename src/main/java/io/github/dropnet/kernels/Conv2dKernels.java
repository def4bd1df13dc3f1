package io.github.dropnet.kernels;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as Keras) on flat row-major arrays: forward, the gradient
 * with respect to the input and the gradients with respect to the kernel and bias.
 *
 * <h2>Formula</h2>
 * For channels-last data,
 * {@code out[n, i, j, o] = act(bias[o] + sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, c] *
 * w[a, b, c, o])}, where {@code xpad} is the input with {@link ConvGeometry#padTop()} /
 * {@link ConvGeometry#padLeft()} zero rows / columns before it (and zeros after it as far as the
 * windows reach), and {@code act} is the identity or, fused into the same pass, the rectifier
 * {@code v > 0 ? v : 0} (as {@code Activation.RELU}). No kernel flip.
 *
 * <h2>Layouts</h2>
 * <ul>
 *   <li>Channels last: {@code x} (N, H, W, C), {@code out} (N, OH, OW, F).
 *   <li>Channels first: {@code x} (N, C, H, W), {@code out} (N, F, OH, OW).
 *   <li>The kernel {@code w} is (kh, kw, C, F) in both, seen as a (K, F) matrix with
 *       {@code K = kh * kw * C} and patch index {@code k = (a * kw + b) * C + c}.
 * </ul>
 * Images are unrolled into a workspace (im2col), so the products are {@link Gemm} calls:
 * channels last unrolls a piece of consecutive images to {@code col (P*M, K)} with
 * {@code M = OH * OW} and computes {@code out = col * w} for all of them at once; channels first
 * unrolls each image to the transpose {@code (K, M)} and computes {@code out_n = w^T * col}, so
 * neither layout needs a transposed copy of the data. Stride-1 convolutions instead run along
 * the positions of zero-padded planes ({@link ConvPlanar}), with the same operations in the same
 * order and so the same results.
 *
 * <h2>Arithmetic and determinism</h2>
 * Each output element is {@code bias[o]} (or 0) followed by one {@link Math#fma} per patch entry
 * in patch order, as {@link Gemm} documents. The kernel gradient is summed over fixed groups of
 * consecutive images (their number depends on the batch and the sizes, never on the thread
 * count), each group in image order, and the group sums are added in group order; the bias
 * gradient likewise. Blocks of images and groups are taken by the library's threads one at a
 * time ({@link Parallel#forBlocks}), and every output element is computed by one thread, so
 * results are bit-identical for any {@link io.github.dropnet.Dropnet#threads()}.
 *
 * <h2>Contract</h2>
 * Arrays are not checked against the geometry (the layers check shapes). Output arrays are
 * overwritten (not accumulated into). Each call allocates its own workspaces (a few hundred KiB
 * per thread, plus one partial kernel gradient per group in {@link #backward}), except that the
 * workspaces of the stride-1 path ({@link ConvPlanar}) are kept and reused between calls.
 *
 * <p>Thread safety: stateless; concurrent calls are safe when they do not share output arrays.
 */
public final class Conv2dKernels {
  /** The im2col workspace of one piece of images: at most this many doubles (512 KiB), or one. */
  static final int PIECE_DOUBLES = 1 << 16;
  /** Blocks of work per thread: enough to even out a thread the machine slows down. */
  private static final int BLOCKS_PER_THREAD = 4;
  /** Multiply-adds worth a block of images of its own in the forward. */
  static final long BLOCK_WORK = 1L << 18;
  /** The most groups the kernel gradient is summed over (and so the most threads it uses). */
  static final int MAX_GROUPS = 16;
  /** The partial kernel gradients of the groups take at most this many doubles (16 MiB). */
  static final int PARTIAL_DOUBLES = 1 << 21;

  private Conv2dKernels() {}

  /**
   * Forward convolution: {@code out = act(conv(x, w) + bias)}.
   *
   * @param x the input, (N, H, W, C) or (N, C, H, W)
   * @param w the kernel (kh, kw, C, F)
   * @param bias the bias (F), or null for none
   * @param g the geometry
   * @param filters the number of output channels F
   * @param channelsFirst the layout of {@code x} and {@code out}
   * @param relu whether to apply the rectifier to the result (else the identity)
   * @param out the output (modified), (N, OH, OW, F) or (N, F, OH, OW)
   */
  public static void forward(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters,
      boolean channelsFirst, boolean relu, double[] out) {
    int batch = g.batch();
    if (ConvPlanar.applies(g)) {
      double[][] strips = ConvPlanar.packStrips(w, g.patchSize(), filters);
      Parallel.forBlocks(batch, planarBlock(g, filters), (from, to) -> {
        ConvPlanar planar = ConvPlanar.take(g, filters, channelsFirst);
        for (int n = from; n < to; n++) {
          planar.forward(x, strips, bias, relu, out, n);
        }
        ConvPlanar.give(planar);
      });
      return;
    }
    forwardIm2col(x, w, bias, g, filters, channelsFirst, relu, out);
  }

  /**
   * {@link #forward} into a new array, which it returns. The JVM zeroes a new array before
   * handing it out, one thread alone, which for an output of many MiB takes as long as a fair
   * share of the convolution; given a {@code stage}, the other threads meanwhile compute images
   * into it, to be copied over (see {@link ConvStaged}). The results are those of
   * {@link #forward}, whoever computes what.
   *
   * @param stage null, or a scratch array of at least the output's size (its contents on
   *     return are unspecified): used only on the stride-1 path and with more than one thread
   * @return the output, (N, OH, OW, F) or (N, F, OH, OW), a new array
   */
  public static double[] forwardFresh(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters,
      boolean channelsFirst, boolean relu, double[] stage) {
    int size = Math.multiplyExact(g.batch(), Math.multiplyExact(g.outPlane(), filters));
    if (stage == null || stage.length < size || threads() < 2 || !stagesOutput(g)) {
      double[] out = new double[size];
      forward(x, w, bias, g, filters, channelsFirst, relu, out);
      return out;
    }
    return ConvStaged.forward(x, ConvPlanar.packStrips(w, g.patchSize(), filters), bias, g,
        filters, channelsFirst, relu, stage, () -> new double[size], planarBlock(g, filters));
  }

  /**
   * Whether {@link #forwardFresh} would use a {@code stage} for this geometry (with more than one
   * thread): only the stride-1 path stages images, so other geometries need no scratch array.
   */
  public static boolean stagesOutput(ConvGeometry g) {
    return ConvPlanar.applies(g);
  }

  /**
   * Images per block of the stride-1 forward. Each image is computed alike in any block, so
   * the blocks may follow the thread count: a few per thread, for balance without a workspace
   * per image.
   */
  static int planarBlock(ConvGeometry g, int filters) {
    int batch = g.batch();
    long work = Math.max(1L, (long) g.outPlane() * g.patchSize() * filters);
    int block = (int) Math.max(BLOCK_WORK / work, fewPerThread(batch));
    return Math.max(1, Math.min(batch, block));
  }

  /** {@link #forward} through im2col and {@link Gemm}, whatever the geometry. */
  static void forwardIm2col(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters,
      boolean channelsFirst, boolean relu, double[] out) {
    int batch = g.batch();
    int pieces = ceilDiv(batch, pieceImages(g, batch));
    int piece = ceilDiv(batch, Math.max(pieces, 1));
    Parallel.forBlocks(pieces, 1, (from, to) -> {
      double[] col = new double[piece * g.columnSize()];
      for (int pc = from; pc < to; pc++) {
        int n0 = pc * piece;
        int n1 = Math.min(batch, n0 + piece);
        if (channelsFirst) {
          forwardFirst(x, w, bias, g, filters, relu, out, n0, n1, col);
        } else {
          forwardLast(x, w, bias, g, filters, relu, out, n0, n1, col);
        }
      }
    });
  }

  /** Images {@code [n0, n1)}, channels last: one product for the whole piece. */
  private static void forwardLast(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters, boolean relu,
      double[] out, int n0, int n1, double[] col) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int rows = (n1 - n0) * m;
    int yOff = n0 * m * filters;
    for (int n = n0; n < n1; n++) {
      im2colLast(x, n * inImage, g, col, (n - n0) * m * k);
    }
    fillBias(bias, filters, rows, false, out, yOff);
    Gemm.gemm(false, false, rows, filters, k, col, 0, k, w, 0, filters, out, yOff, filters, true);
    if (relu) {
      relu(out, yOff, yOff + rows * filters);
    }
  }

  /** Images {@code [n0, n1)}, channels first: one product per image. */
  private static void forwardFirst(
      double[] x, double[] w, double[] bias, ConvGeometry g, int filters, boolean relu,
      double[] out, int n0, int n1, double[] col) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int outImage = filters * m;
    for (int n = n0; n < n1; n++) {
      int yOff = n * outImage;
      fillBias(bias, filters, m, true, out, yOff);
      im2colFirst(x, n * inImage, g, col);
      Gemm.gemm(true, false, filters, m, k, w, 0, filters, col, 0, m, out, yOff, m, true);
      if (relu) {
        relu(out, yOff, yOff + outImage);
      }
    }
  }

  /**
   * The gradients of a convolution: with {@code d = gradOut}, or {@code d = gradOut} where the
   * forward output {@code y > 0} and 0 elsewhere when the rectifier was fused,
   * {@code dx = conv^T(d, w)}, {@code dw[a, b, c, o] = sum_{n, i, j} xpad[n, i*sh + a*dh,
   * j*sw + b*dw, c] * d[n, i, j, o]} and {@code db[o] = sum_{n, i, j} d[n, i, j, o]}.
   *
   * @param x the input of the forward, in its layout
   * @param gradOut the gradient with respect to the output, in the output layout (not modified)
   * @param y the output of a forward with the rectifier fused, to mask {@code gradOut} with; or
   *     null when {@code gradOut} already is the gradient before the activation
   * @param w the kernel (kh, kw, C, F)
   * @param g the geometry
   * @param filters the number of output channels F
   * @param channelsFirst the layout of {@code x}, {@code gradOut}, {@code y} and {@code dx}
   * @param dx the input gradient (modified, overwritten), in the input layout, or null to skip it
   * @param dw the kernel gradient (kh, kw, C, F) (modified, overwritten)
   * @param db the bias gradient (F) (modified, overwritten), or null to skip it
   */
  public static void backward(
      double[] x, double[] gradOut, double[] y, double[] w, ConvGeometry g, int filters,
      boolean channelsFirst, double[] dx, double[] dw, double[] db) {
    backward(x, gradOut, y, w, g, filters, channelsFirst, dx, dw, db, ConvPlanar.applies(g));
  }

  /** {@link #backward} through im2col and {@link Gemm}, whatever the geometry (for tests). */
  static void backwardIm2col(
      double[] x, double[] gradOut, double[] y, double[] w, ConvGeometry g, int filters,
      boolean channelsFirst, double[] dx, double[] dw, double[] db) {
    backward(x, gradOut, y, w, g, filters, channelsFirst, dx, dw, db, false);
  }

  private static void backward(
      double[] x, double[] gradOut, double[] y, double[] w, ConvGeometry g, int filters,
      boolean channelsFirst, double[] dx, double[] dw, double[] db, boolean planar) {
    int batch = g.batch();
    int kf = g.patchSize() * filters;
    if (batch == 0) {
      Arrays.fill(dw, 0, kf, 0.0);
      if (db != null) {
        Arrays.fill(db, 0, filters, 0.0);
      }
      return;
    }
    int per = ceilDiv(batch, groupCount(batch, kf));
    int groups = ceilDiv(batch, per);
    int piece = planar ? 1 : ceilDiv(per, ceilDiv(per, pieceImages(g, per)));
    double[] partW = new double[groups * kf];
    double[] partB = db == null ? null : new double[groups * filters];
    double[][] rowStrips = planar ? ConvPlanar.packRowStrips(w, g.patchSize(), filters) : null;
    // groups are computed alike in any block of groups: a few blocks per thread
    Parallel.forBlocks(groups, fewPerThread(groups), (from, to) -> {
      ConvPlanar plan = planar ? ConvPlanar.take(g, filters, channelsFirst) : null;
      double[] col = planar ? null : new double[piece * g.columnSize()];
      boolean masks = y != null && !(planar && !channelsFirst);
      double[] masked = masks ? new double[piece * g.outPlane() * filters] : null;
      for (int grp = from; grp < to; grp++) {
        int n0 = grp * per;
        int n1 = Math.min(batch, n0 + per);
        for (int s = n0; s < n1; s += piece) {
          if (plan != null && !channelsFirst) {
            plan.backwardLast(x, gradOut, y, s, rowStrips, s > n0, partW, grp * kf, partB,
                grp * filters, dx);
            continue;
          }
          if (plan != null) {
            int outImage = g.outPlane() * filters;
            double[] d = mask(gradOut, y, s * outImage, outImage, masked);
            int dOff = d == gradOut ? s * outImage : 0;
            if (partB != null) {
              biasGradient(d, dOff, 1, g.outPlane(), filters, channelsFirst, s > n0, partB,
                  grp * filters);
            }
            plan.backward(x, d, dOff, s, rowStrips, s > n0, partW, grp * kf, dx);
            continue;
          }
          backwardImages(x, gradOut, y, w, g, filters, channelsFirst, dx, s,
              Math.min(n1, s + piece), s > n0, partW, grp * kf,
              partB, grp * filters, col, masked);
        }
      }
      if (plan != null) {
        ConvPlanar.give(plan);
      }
    });
    sumParts(partW, groups, kf, dw);
    if (db != null) {
      sumParts(partB, groups, filters, db);
    }
  }

  /**
   * Images {@code [n0, n1)} of one group: their share of the kernel and bias gradients, added to
   * (or, for the first images of the group, written into) the group's partial sums at
   * {@code wOff} and {@code bOff}, and their input gradient.
   */
  private static void backwardImages(
      double[] x, double[] gradOut, double[] y, double[] w, ConvGeometry g, int filters,
      boolean channelsFirst, double[] dx, int n0, int n1, boolean accumulate,
      double[] partW, int wOff, double[] partB, int bOff, double[] col, double[] masked) {
    int m = g.outPlane();
    int k = g.patchSize();
    int inImage = g.channels() * g.inPlane();
    int outImage = filters * m;
    int images = n1 - n0;
    double[] d = mask(gradOut, y, n0 * outImage, images * outImage, masked);
    int dOff = d == gradOut ? n0 * outImage : 0;
    if (partB != null) {
      biasGradient(d, dOff, images, m, filters, channelsFirst, accumulate, partB, bOff);
    }
    if (channelsFirst) {
      for (int n = n0; n < n1; n++) {
        int di = dOff + (n - n0) * outImage;
        im2colFirst(x, n * inImage, g, col);
        Gemm.gemm(false, true, k, filters, m, col, 0, m, d, di, m, partW, wOff, filters,
            accumulate || n > n0);
        if (dx != null) {
          Gemm.gemm(false, false, k, m, filters, w, 0, filters, d, di, m, col, 0, m, false);
          Arrays.fill(dx, n * inImage, (n + 1) * inImage, 0.0);
          col2imFirst(col, g, dx, n * inImage);
        }
      }
      return;
    }
    int rows = images * m;
    for (int n = n0; n < n1; n++) {
      im2colLast(x, n * inImage, g, col, (n - n0) * m * k);
    }
    Gemm.gemm(true, false, k, filters, rows, col, 0, k, d, dOff, filters, partW, wOff, filters,
        accumulate);
    if (dx != null) {
      Gemm.gemm(false, true, rows, k, filters, d, dOff, filters, w, 0, filters, col, 0, k, false);
      Arrays.fill(dx, n0 * inImage, n1 * inImage, 0.0);
      for (int n = n0; n < n1; n++) {
        col2imLast(col, (n - n0) * m * k, g, dx, n * inImage);
      }
    }
  }

  /**
   * {@code gradOut} itself without a mask ({@code y} null); else {@code masked}, holding
   * {@code len} elements from {@code off}: {@code gradOut} where {@code y > 0}, +0.0 elsewhere.
   */
  private static double[] mask(double[] gradOut, double[] y, int off, int len, double[] masked) {
    if (y == null) {
      return gradOut;
    }
    for (int i = 0; i < len; i++) {
      // without a branch: random signs would mispredict half of the time
      long keep = y[off + i] > 0 ? -1L : 0L;
      masked[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(gradOut[off + i]) & keep);
    }
    return masked;
  }

  /**
   * Adds (or, unless {@code accumulate}, writes) the bias gradient of {@code images} images of
   * {@code d} at {@code dOff} into {@code db[bOff .. bOff + filters)}: per image and filter the
   * sum over positions for channels first; for channels last, image by image, the positions
   * of an image added four at a time ({@code (p0 + p1) + (p2 + p3)}) and then in order.
   */
  static void biasGradient(
      double[] d, int dOff, int images, int m, int filters, boolean channelsFirst,
      boolean accumulate, double[] db, int bOff) {
    if (!accumulate) {
      Arrays.fill(db, bOff, bOff + filters, 0.0);
    }
    if (channelsFirst) {
      int off = dOff;
      for (int n = 0; n < images; n++) {
        for (int o = 0; o < filters; o++) {
          double s = 0;
          for (int p = 0; p < m; p++) {
            s += d[off + p];
          }
          db[bOff + o] += s;
          off += m;
        }
      }
    } else {
      // image by image, four rows per pass (one chain of dependent additions per four rows)
      for (int n = 0; n < images; n++) {
        int off = dOff + n * m * filters;
        int r = 0;
        for (; r + 4 <= m; r += 4) {
          int r0 = off + r * filters;
          int r1 = r0 + filters;
          int r2 = r1 + filters;
          int r3 = r2 + filters;
          for (int o = 0; o < filters; o++) {
            db[bOff + o] += (d[r0 + o] + d[r1 + o]) + (d[r2 + o] + d[r3 + o]);
          }
        }
        for (; r < m; r++) {
          int r0 = off + r * filters;
          for (int o = 0; o < filters; o++) {
            db[bOff + o] += d[r0 + o];
          }
        }
      }
    }
  }

  /** {@code out[i] = sum_g parts[g * len + i]}, added in group order. */
  private static void sumParts(double[] parts, int groups, int len, double[] out) {
    System.arraycopy(parts, 0, out, 0, len);
    for (int grp = 1; grp < groups; grp++) {
      int off = grp * len;
      for (int i = 0; i < len; i++) {
        out[i] += parts[off + i];
      }
    }
  }

  /** Images per piece: as many as fit {@link #PIECE_DOUBLES} of workspace, 1 to {@code most}. */
  static int pieceImages(ConvGeometry g, int most) {
    long size = Math.max(1, g.columnSize());
    return (int) Math.max(1, Math.min(Math.max(most, 1), PIECE_DOUBLES / size));
  }

  /** The number of groups the kernel gradient is split over, from the batch and sizes only. */
  static int groupCount(int batch, int kf) {
    int byMemory = (int) Math.max(1, PARTIAL_DOUBLES / Math.max(1L, kf));
    return Math.max(1, Math.min(batch, Math.min(MAX_GROUPS, byMemory)));
  }

  private static int threads() {
    return io.github.dropnet.Dropnet.threads();
  }

  /**
   * Items per block when {@code items} are cut into {@link #BLOCKS_PER_THREAD} blocks per thread
   * (fewer when there are fewer items): at least 1, for any thread count.
   */
  private static int fewPerThread(int items) {
    long blocks = Math.min(items, (long) BLOCKS_PER_THREAD * threads());
    return Math.max(1, ceilDiv(items, (int) Math.max(1, blocks)));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** {@code a[i] = relu(a[i])} for {@code from <= i < to}. */
  private static void relu(double[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = relu(a[i]);
    }
  }

  /**
   * {@code v > 0 ? v : +0.0} (so NaN gives 0, as {@code Activation.RELU}), computed with a mask
   * rather than a branch, which random signs would mispredict half of the time.
   */
  static double relu(double v) {
    long keep = v > 0 ? -1L : 0L;
    return Double.longBitsToDouble(Double.doubleToRawLongBits(v) & keep);
  }

  /**
   * Sets {@code rows} output positions at {@code yOff} to the bias (or to zero without one):
   * channels last, {@code rows} rows of {@code filters}; channels first, one image of
   * {@code filters} planes of {@code rows}.
   */
  private static void fillBias(
      double[] bias, int filters, int rows, boolean channelsFirst, double[] out, int yOff) {
    if (bias == null) {
      Arrays.fill(out, yOff, yOff + filters * rows, 0.0);
    } else if (channelsFirst) {
      for (int o = 0; o < filters; o++) {
        Arrays.fill(out, yOff + o * rows, yOff + (o + 1) * rows, bias[o]);
      }
    } else {
      for (int p = 0; p < rows; p++) {
        System.arraycopy(bias, 0, out, yOff + p * filters, filters);
      }
    }
  }

  /** Unrolls one channels-last image at {@code xOff} into {@code col} (M, K) at {@code colOff}. */
  static void im2colLast(double[] x, int xOff, ConvGeometry g, double[] col, int colOff) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int kh = g.kernelH();
    int kw = g.kernelW();
    int row = colOff;
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
              int src = xOff + (y * w + xx) * c;
              if (c < 8) {
                for (int ch = 0; ch < c; ch++) {
                  col[dst + ch] = x[src + ch];
                }
              } else {
                System.arraycopy(x, src, col, dst, c);
              }
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

  /**
   * Adds the rows of {@code col} (M, K) at {@code colOff} back into the channels-last image at
   * {@code xOff}.
   */
  static void col2imLast(double[] col, int colOff, ConvGeometry g, double[] dx, int xOff) {
    int c = g.channels();
    int h = g.inH();
    int w = g.inW();
    int kh = g.kernelH();
    int kw = g.kernelW();
    int src = colOff;
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
