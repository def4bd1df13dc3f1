package io.github.dropnet.kernels;

import io.github.dropnet.Dropnet;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * General matrix product on row-major arrays: {@code C = op(A) * op(B)} or {@code C += ...},
 * where {@code op} is the identity or the transpose.
 *
 * <p>Arguments follow BLAS: {@code C} is {@code m x n}; {@code op(A)} is {@code m x k} and
 * {@code op(B)} is {@code k x n}. Each matrix is given by its array, the offset of its first
 * element and its leading dimension (the distance between the starts of consecutive rows as
 * stored). {@code c} is modified and must not overlap {@code a} or {@code b}; its rows must not
 * overlap each other ({@code ldc >= n}).
 *
 * <h2>Arithmetic</h2>
 * Every element is computed as {@code s = accumulate ? C[i][j] : 0}, then
 * {@code s = fma(op(A)[i][p], op(B)[p][j], s)} for {@code p = 0, 1, ..., k - 1} in that order
 * ({@link Math#fma}: one rounding per step), then {@code C[i][j] = s}. Zeros are never skipped, so
 * a NaN or an infinity anywhere in a row of {@code op(A)} or a column of {@code op(B)} reaches the
 * elements of {@code C} it contributes to.
 *
 * <h2>Determinism</h2>
 * Because every path (blocked or not, split over threads or not) performs exactly the operations
 * above, the result is bit-identical whatever {@link Dropnet#threads()}, the blocking and the
 * sizes of the other dimensions: row {@code i} of a product does not change when rows are added.
 *
 * <h2>Performance</h2>
 * Large products are cache-blocked: a block of {@code op(B)} (at most {@value #KC} x {@value #NC},
 * or deeper and narrower as below) is copied into separate row arrays, strips of {@value #MR}
 * rows of {@code op(A)} and of {@code C} into small buffers, and a micro-kernel (four rows of
 * {@code C}, two steps of {@code p} per pass, or four on JDK 25 and later, whose JIT vectorises
 * that too) runs along the rows of {@code C} in a loop that the JIT compiles to SIMD
 * instructions. When the rows of {@code C} are short and {@code C} is tall (im2col products), the
 * same code computes {@code C^T = op(B)^T op(A)^T} so that the loop runs along the columns;
 * its strips of {@code C} then go through a transposition for every block of depth, so a depth of
 * up to one and a half {@value #KC} runs as one block, narrowed to keep the block's size.
 * When the JVM runs with {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit vectors,
 * a Vector API kernel that keeps a tile of {@code C} in registers over the whole depth replaces
 * the four-row kernel, with blocks packed for it ({@link GemmTiles}, {@link #kernelName()}); it
 * performs the same operations, so results do not change.
 * Single rows and tiny products run direct loops without copies. Products of about a million
 * multiply-adds or more are split over threads by blocks of rows or columns of {@code C}
 * ({@link Parallel}). {@link Math#fma} is one instruction on CPUs with FMA (x86-64 since 2013,
 * every AArch64); elsewhere it is emulated and much slower.
 *
 * <h2>Thread safety</h2>
 * Stateless apart from a shared free list of copy buffers, taken and returned atomically: any
 * number of threads may call it at once on disjoint outputs. The buffers are reused, so a call
 * allocates only a few small bookkeeping objects once they exist.
 */
public final class Gemm {
  /** Rows of C per micro-kernel strip. */
  static final int MR = 4;
  /** Largest depth (steps of p) of a packed block; deeper products use several blocks. */
  static final int KC = 256;
  /** Largest width of a packed block: the length of the vectorised loop. */
  static final int NC = 512;
  /**
   * Spare doubles at the end of every buffer row, so that consecutive rows never sit a multiple
   * of 4 KiB apart (loads and stores at such distances falsely wait for each other).
   */
  static final int PAD = 24;
  /** Block widths are rounded to a multiple of this (one or more vectors of doubles). */
  private static final int WIDTH_UNIT = 8;

  /** Which implementation the package-private {@code gemm(path, ...)} runs. */
  static final int AUTO = 0;
  /** Direct loops, no copies. */
  static final int DIRECT = 1;
  /** Blocked, the vectorised loop along the rows of C (along j). */
  static final int ALONG_ROWS = 2;
  /** Blocked, the vectorised loop along the columns of C (along i): C^T = op(B)^T op(A)^T. */
  static final int ALONG_COLUMNS = 3;

  /** Below twice this many multiply-adds a product runs on the calling thread alone. */
  static final long PARALLEL_MIN_WORK = 1L << 19;

  private Gemm() {}

  /**
   * {@code C (m x n) = [C +] op(A) * op(B)}.
   *
   * @param transA whether A is stored as {@code k x m} (and used transposed)
   * @param transB whether B is stored as {@code n x k} (and used transposed)
   * @param c the output (modified)
   * @param accumulate add into C instead of overwriting it
   * @throws IllegalArgumentException for a negative size, a matrix that does not fit in its
   *     array at the given offset and leading dimension, or {@code ldc < n} with {@code m > 1}
   */
  public static void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc,
      boolean accumulate) {
    gemm(AUTO, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  /** {@code C = A * B} for contiguous row-major (m x k) and (k x n) arrays. */
  public static void nn(int m, int n, int k, double[] a, double[] b, double[] c) {
    gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
  }

  /**
   * The micro-kernel in use: a name starting with {@code "scalar"} by default, or a description
   * of the Vector API tile kernel when the JVM was started with
   * {@code --add-modules jdk.incubator.vector} on a CPU with 512-bit vectors (unless
   * {@code -Ddropnet.vector=false}). Chosen once; the results are the same either way.
   *
   * @return the name of the micro-kernel
   */
  public static String kernelName() {
    return GemmKernels.activeName();
  }

  /** {@link #gemm} with the implementation forced (for tests and benchmarks). */
  static void gemm(
      int path, boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc,
      boolean accumulate) {
    gemm(path, GemmKernels.SCALAR, GemmKernels.TILES, transA, transB, m, n, k, a, aOff, lda, b,
        bOff, ldb, c, cOff, ldc, accumulate);
  }

  /**
   * {@link #gemm} with the implementation and the kernels forced (for tests): {@code tiles} for
   * the blocked path when not null, else the four-row {@code four}.
   */
  static void gemm(
      int path, MicroKernel four, TileKernel tiles,
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc,
      boolean accumulate) {
    checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!accumulate) {
        for (int i = 0; i < m; i++) {
          Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
      }
      return;
    }
    if (path == AUTO) {
      path = choosePath(m, n, k, tiles);
    }
    // op(A)(i, p) = a[aOff + i * aRs + p * aCs], op(B)(p, j) = b[bOff + p * bRs + j * bCs]
    int aRs = transA ? 1 : lda;
    int aCs = transA ? lda : 1;
    int bRs = transB ? 1 : ldb;
    int bCs = transB ? ldb : 1;
    Product prod;
    int rows;
    int cols;
    if (path == ALONG_COLUMNS) {
      // C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m)
      prod = new Product(k, b, bOff, bCs, bRs, a, aOff, aCs, aRs, c, cOff, 1, ldc, accumulate,
          true, four, tiles);
      rows = n;
      cols = m;
    } else {
      prod = new Product(k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, 1, accumulate,
          path != DIRECT, four, tiles);
      rows = m;
      cols = n;
    }
    long work = (long) m * n * k;
    if (work < 2 * PARALLEL_MIN_WORK || Dropnet.threads() == 1) {
      prod.compute(0, rows, 0, cols);
    } else if (splitColumns(rows, cols, prod.bCs == 1)) {
      int units = (cols + WIDTH_UNIT - 1) / WIDTH_UNIT;
      Parallel.forRange(units, grain((long) WIDTH_UNIT * rows * k), (from, to) ->
          prod.compute(0, rows, from * WIDTH_UNIT, Math.min(cols, to * WIDTH_UNIT)));
    } else {
      int units = (rows + MR - 1) / MR;
      Parallel.forRange(units, grain((long) MR * cols * k), (from, to) ->
          prod.compute(from * MR, Math.min(rows, to * MR), 0, cols));
    }
  }

  /**
   * Whether a product of {@code rows x cols} (in the loop's orientation) is split over threads by
   * columns rather than by rows: by the longer side, except that a product as wide as it is tall
   * or wider is split by rows when columns would give each thread a block narrower than
   * {@link #NC} (a shorter vectorised loop, so more of each pass in its lead-in and tail) and
   * each thread still gets 16 strips of rows. That costs every thread a copy of all of B, worth
   * it only when B's rows are contiguous (a plain copy, not a transposition): E1's products of
   * 128 rows by 512 columns ran 11-18% faster on two threads.
   */
  private static boolean splitColumns(int rows, int cols, boolean bRowsContiguous) {
    int threads = Dropnet.threads();
    if (cols < rows) {
      return false;
    }
    return !bRowsContiguous || cols / threads >= NC || rows / threads < 16 * MR;
  }

  /** The number of units of {@code unitWork} multiply-adds worth a thread. */
  private static int grain(long unitWork) {
    return (int) Math.max(1, (PARALLEL_MIN_WORK + unitWork - 1) / unitWork);
  }

  /**
   * Direct loops for a single row or a tiny product, where the copies cost more than they save.
   * Otherwise blocked, with the vectorised loop along the rows of C unless they are short and C is
   * tall: then along its columns, provided the depth pays for the transposed copies of C. A
   * {@code tiles} kernel (or null) needs no long rows: along the rows of C unless they are
   * narrower than a tile and C is taller than wide.
   */
  static int choosePath(int m, int n, int k, TileKernel tiles) {
    if (m == 1 || (long) m * n * k <= 512) {
      return DIRECT;
    }
    if (tiles != null) {
      return n < tiles.cols() && m > n ? ALONG_COLUMNS : ALONG_ROWS;
    }
    if (n < 256 && m > n && (n < 16 || k >= 4L * n)) {
      return ALONG_COLUMNS;
    }
    return ALONG_ROWS;
  }

  // ---- argument checks

  private static void checkArguments(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "Gemm: sizes must be >= 0, received m=" + m + ", n=" + n + ", k=" + k);
    }
    checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    checkMatrix("C", c, cOff, ldc, m, n);
    if (m > 1 && n > 0 && ldc < n) {
      throw new IllegalArgumentException(
          "Gemm: ldc must be >= n = " + n + " (rows of C may not overlap), received " + ldc);
    }
  }

  private static void checkMatrix(String name, double[] x, int off, int ld, int rows, int cols) {
    if (rows == 0 || cols == 0) {
      return;
    }
    if (x == null) {
      throw new IllegalArgumentException("Gemm: " + name + " is null");
    }
    long last = off + (long) (rows - 1) * ld + cols - 1;
    if (off < 0 || ld < 0 || last >= x.length) {
      throw new IllegalArgumentException(
          "Gemm: " + name + " (" + rows + " x " + cols + ", offset " + off + ", leading dimension "
              + ld + ") does not fit in an array of length " + x.length);
    }
  }

  // ---- one call's product, computed block by block

  /**
   * {@code C = [C +] L * R} on strided views: {@code L(i, p) = a[aOff + i * aRs + p * aCs]},
   * {@code R(p, j) = b[bOff + p * bRs + j * bCs]}, {@code C(i, j) = c[cOff + i * cRs + j * cCs]}.
   * Transposing a view swaps its strides, which is how one code serves all four transpose
   * combinations and both loop orientations.
   */
  static final class Product {
    final int k;
    final double[] a;
    final int aOff;
    final int aRs;
    final int aCs;
    final double[] b;
    final int bOff;
    final int bRs;
    final int bCs;
    final double[] c;
    final int cOff;
    final int cRs;
    final int cCs;
    final boolean accumulate;
    final boolean blocked;
    final MicroKernel four;
    /** The register-tile kernel for the blocked path, or null to use {@link #four}. */
    final TileKernel tiles;

    Product(int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs, int bCs,
        double[] c, int cOff, int cRs, int cCs, boolean accumulate, boolean blocked,
        MicroKernel four, TileKernel tiles) {
      this.k = k;
      this.a = a;
      this.aOff = aOff;
      this.aRs = aRs;
      this.aCs = aCs;
      this.b = b;
      this.bOff = bOff;
      this.bRs = bRs;
      this.bCs = bCs;
      this.c = c;
      this.cOff = cOff;
      this.cRs = cRs;
      this.cCs = cCs;
      this.accumulate = accumulate;
      this.blocked = blocked;
      this.four = four;
      this.tiles = tiles;
    }

    /** Computes the block {@code C[r0:r1, c0:c1]}. */
    void compute(int r0, int r1, int c0, int c1) {
      if (!blocked) {
        direct(r0, r1, c0, c1);
        return;
      }
      Workspace ws = Workspace.take();
      try {
        if (tiles != null) {
          GemmTiles.compute(this, tiles, ws, r0, r1, c0, c1);
        } else {
          blocked(ws, r0, r1, c0, c1);
        }
      } finally {
        Workspace.give(ws);
      }
    }

    // ---- blocked path

    private void blocked(Workspace ws, int r0, int r1, int c0, int c1) {
      // equal blocks rather than full ones and a thin remainder
      int depth = four.depth();
      int depths = (k + depth - 1) / depth;
      if (depths == 2 && cCs != 1 && k <= depth + depth / 2) {
        // each block of depth loads and stores the strips of C through a transposition: one
        // deeper block, made narrower to keep its size, does that once
        depths = 1;
      }
      int kcMax = (k + depths - 1) / depths;
      int widest = kcMax <= depth ? NC : depth * NC / kcMax / WIDTH_UNIT * WIDTH_UNIT;
      int w = c1 - c0;
      int panels = (w + widest - 1) / widest;
      int ncMax = Math.min(w, roundUp((w + panels - 1) / panels, WIDTH_UNIT));
      ws.ensure(kcMax, ncMax);
      double[][] bp = ws.bp;
      double[] ap = ws.ap;
      double[][] acc = ws.acc;
      for (int jc = c0; jc < c1; jc += ncMax) {
        int nc = Math.min(ncMax, c1 - jc);
        for (int pc = 0; pc < k; pc += kcMax) {
          int kc = Math.min(kcMax, k - pc);
          boolean load = accumulate || pc > 0;
          packB(bp, pc, kc, jc, nc);
          for (int i = r0; i < r1; i += MR) {
            int rows = Math.min(MR, r1 - i);
            packA(ap, i, rows, pc, kc);
            loadC(acc, i, rows, jc, nc, load);
            strip(four, ap, bp, kc, nc, acc, 0, rows);
            storeC(acc, i, rows, jc, nc);
          }
        }
      }
    }

    /** {@code bp[p][j] = R(pc + p, jc + j)}: one array per row, so the kernel's loads align. */
    private void packB(double[][] bp, int pc, int kc, int jc, int nc) {
      int base = bOff + pc * bRs + jc * bCs;
      if (bCs == 1) {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, base + p * bRs, bp[p], 0, nc);
        }
        return;
      }
      // columns of R are rows in memory (bRs == 1): read eight of them side by side, in order
      int j = 0;
      for (; j + 8 <= nc; j += 8) {
        int s0 = base + j * bCs;
        int s1 = s0 + bCs;
        int s2 = s1 + bCs;
        int s3 = s2 + bCs;
        int s4 = s3 + bCs;
        int s5 = s4 + bCs;
        int s6 = s5 + bCs;
        int s7 = s6 + bCs;
        for (int p = 0; p < kc; p++) {
          double[] row = bp[p];
          int o = p * bRs;
          row[j] = b[s0 + o];
          row[j + 1] = b[s1 + o];
          row[j + 2] = b[s2 + o];
          row[j + 3] = b[s3 + o];
          row[j + 4] = b[s4 + o];
          row[j + 5] = b[s5 + o];
          row[j + 6] = b[s6 + o];
          row[j + 7] = b[s7 + o];
        }
      }
      for (; j < nc; j++) {
        int s = base + j * bCs;
        for (int p = 0; p < kc; p++) {
          bp[p][j] = b[s + p * bRs];
        }
      }
    }

    /** {@code ap[p * MR + r] = L(i + r, pc + p)}, zero for the rows past the end. */
    private void packA(double[] ap, int i, int rows, int pc, int kc) {
      int base = aOff + i * aRs + pc * aCs;
      if (aCs == 1 && rows == MR) {
        // four rows read side by side, the strip written in order
        int s1 = base + aRs;
        int s2 = s1 + aRs;
        int s3 = s2 + aRs;
        for (int p = 0; p < kc; p++) {
          int q = p * MR;
          ap[q] = a[base + p];
          ap[q + 1] = a[s1 + p];
          ap[q + 2] = a[s2 + p];
          ap[q + 3] = a[s3 + p];
        }
      } else if (aCs == 1) {
        for (int r = 0; r < rows; r++) {
          int s = base + r * aRs;
          for (int p = 0; p < kc; p++) {
            ap[p * MR + r] = a[s + p];
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int s = base + p * aCs;
          for (int r = 0; r < rows; r++) {
            ap[p * MR + r] = a[s + r * aRs];
          }
        }
      }
      for (int r = rows; r < MR; r++) {
        for (int p = 0; p < kc; p++) {
          ap[p * MR + r] = 0.0;
        }
      }
    }

    /**
     * Loads the strip {@code C[i:i+rows, jc:jc+nc]} into {@code acc} (zeros when not loading), and
     * zeros in the rows that only the four-row kernel touches.
     */
    private void loadC(double[][] acc, int i, int rows, int jc, int nc, boolean load) {
      int live = load ? rows : 0;
      int used = rows <= 2 ? rows : MR;
      int base = cOff + i * cRs + jc * cCs;
      if (cCs == 1) {
        for (int r = 0; r < live; r++) {
          System.arraycopy(c, base + r * cRs, acc[r], 0, nc);
        }
      } else {
        for (int j = 0; j < nc; j++) {
          int s = base + j * cCs;
          for (int r = 0; r < live; r++) {
            acc[r][j] = c[s + r * cRs];
          }
        }
      }
      for (int r = live; r < used; r++) {
        Arrays.fill(acc[r], 0, nc, 0.0);
      }
    }

    private void storeC(double[][] acc, int i, int rows, int jc, int nc) {
      int base = cOff + i * cRs + jc * cCs;
      if (cCs == 1) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(acc[r], 0, c, base + r * cRs, nc);
        }
      } else {
        for (int j = 0; j < nc; j++) {
          int s = base + j * cCs;
          for (int r = 0; r < rows; r++) {
            c[s + r * cRs] = acc[r][j];
          }
        }
      }
    }

    // ---- direct paths: no copies, for products too small or too thin to block

    private void direct(int r0, int r1, int c0, int c1) {
      if (bCs == 1 && cCs == 1) {
        directRows(r0, r1, c0, c1);
      } else {
        directDots(r0, r1, c0, c1);
      }
    }

    /** Row by row, reading B along its rows: {@code C[i, :] = fma(L[i, p], R[p, :], C[i, :])}. */
    private void directRows(int r0, int r1, int c0, int c1) {
      int w = c1 - c0;
      for (int i = r0; i < r1; i++) {
        int ic = cOff + i * cRs + c0;
        if (!accumulate) {
          Arrays.fill(c, ic, ic + w, 0.0);
        }
        int ia = aOff + i * aRs;
        for (int p = 0; p < k; p++) {
          double x = a[ia + p * aCs];
          int ib = bOff + p * bRs + c0;
          for (int j = 0; j < w; j++) {
            c[ic + j] = Math.fma(x, b[ib + j], c[ic + j]);
          }
        }
      }
    }

    /** Dot products along p, four elements of a row of C at a time (four independent chains). */
    private void directDots(int r0, int r1, int c0, int c1) {
      for (int i = r0; i < r1; i++) {
        int ia = aOff + i * aRs;
        int ic = cOff + i * cRs;
        int j = c0;
        for (; j + 4 <= c1; j += 4) {
          int ib = bOff + j * bCs;
          int jc = ic + j * cCs;
          double s0 = start(jc);
          double s1 = start(jc + cCs);
          double s2 = start(jc + 2 * cCs);
          double s3 = start(jc + 3 * cCs);
          for (int p = 0; p < k; p++) {
            double x = a[ia + p * aCs];
            int q = ib + p * bRs;
            s0 = Math.fma(x, b[q], s0);
            s1 = Math.fma(x, b[q + bCs], s1);
            s2 = Math.fma(x, b[q + 2 * bCs], s2);
            s3 = Math.fma(x, b[q + 3 * bCs], s3);
          }
          c[jc] = s0;
          c[jc + cCs] = s1;
          c[jc + 2 * cCs] = s2;
          c[jc + 3 * cCs] = s3;
        }
        for (; j < c1; j++) {
          int ib = bOff + j * bCs;
          int jc = ic + j * cCs;
          double s = start(jc);
          for (int p = 0; p < k; p++) {
            s = Math.fma(a[ia + p * aCs], b[ib + p * bRs], s);
          }
          c[jc] = s;
        }
      }
    }

    private double start(int index) {
      return accumulate ? c[index] : 0.0;
    }
  }

  private static int roundUp(int x, int unit) {
    return (x + unit - 1) / unit * unit;
  }

  /**
   * The micro-kernel: {@code c_r[j] = fma(A[r][p], B[p][j], c_r[j])} for four rows r, all p and
   * {@code j < nc}, two steps of p per pass over j.
   *
   * <p>The shape is what C2 vectorises: every access in the inner loop is {@code array[j]} on a
   * distinct array, all loads come before the stores, and the body (8 fused multiply-adds) is
   * small enough to be unrolled. Four by four stays scalar on JDK 17 (see {@link #kernel4}).
   */
  static void kernel(double[] ap, double[][] bp, int kc, int nc,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    kernelFrom(0, ap, bp, kc, nc, c0, c1, c2, c3);
  }

  /**
   * {@link #kernel} with four steps of p per pass over j, so that C is read and written half as
   * often: the same operations in the same order, so the same bits. C2 vectorises this shape
   * from JDK 25 on; JDK 17 leaves it scalar, several times slower.
   */
  static void kernel4(double[] ap, double[][] bp, int kc, int nc,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    int p = 0;
    for (; p + 3 < kc; p += 4) {
      double[] b0 = bp[p];
      double[] b1 = bp[p + 1];
      double[] b2 = bp[p + 2];
      double[] b3 = bp[p + 3];
      int q = p * MR;
      double a00 = ap[q];
      double a10 = ap[q + 1];
      double a20 = ap[q + 2];
      double a30 = ap[q + 3];
      double a01 = ap[q + 4];
      double a11 = ap[q + 5];
      double a21 = ap[q + 6];
      double a31 = ap[q + 7];
      double a02 = ap[q + 8];
      double a12 = ap[q + 9];
      double a22 = ap[q + 10];
      double a32 = ap[q + 11];
      double a03 = ap[q + 12];
      double a13 = ap[q + 13];
      double a23 = ap[q + 14];
      double a33 = ap[q + 15];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        double x1 = b1[j];
        double x2 = b2[j];
        double x3 = b3[j];
        c0[j] = Math.fma(a03, x3, Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c0[j]))));
        c1[j] = Math.fma(a13, x3, Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c1[j]))));
        c2[j] = Math.fma(a23, x3, Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, c2[j]))));
        c3[j] = Math.fma(a33, x3, Math.fma(a32, x2, Math.fma(a31, x1, Math.fma(a30, x0, c3[j]))));
      }
    }
    kernelFrom(p, ap, bp, kc, nc, c0, c1, c2, c3);
  }

  /** {@link #kernel} for the steps {@code p0 <= p < kc} only. */
  private static void kernelFrom(int p0, double[] ap, double[][] bp, int kc, int nc,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    int p = p0;
    for (; p + 1 < kc; p += 2) {
      double[] b0 = bp[p];
      double[] b1 = bp[p + 1];
      int q = p * MR;
      double a00 = ap[q];
      double a10 = ap[q + 1];
      double a20 = ap[q + 2];
      double a30 = ap[q + 3];
      double a01 = ap[q + 4];
      double a11 = ap[q + 5];
      double a21 = ap[q + 6];
      double a31 = ap[q + 7];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        double x1 = b1[j];
        c0[j] = Math.fma(a01, x1, Math.fma(a00, x0, c0[j]));
        c1[j] = Math.fma(a11, x1, Math.fma(a10, x0, c1[j]));
        c2[j] = Math.fma(a21, x1, Math.fma(a20, x0, c2[j]));
        c3[j] = Math.fma(a31, x1, Math.fma(a30, x0, c3[j]));
      }
    }
    if (p < kc) {
      double[] b0 = bp[p];
      int q = p * MR;
      double a0 = ap[q];
      double a1 = ap[q + 1];
      double a2 = ap[q + 2];
      double a3 = ap[q + 3];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        c0[j] = Math.fma(a0, x0, c0[j]);
        c1[j] = Math.fma(a1, x0, c1[j]);
        c2[j] = Math.fma(a2, x0, c2[j]);
        c3[j] = Math.fma(a3, x0, c3[j]);
      }
    }
  }

  /**
   * One packed strip of {@code rows} rows ({@code 1 <= rows <= MR}) into
   * {@code acc[r0 .. r0 + rows)}: through {@link #kernel1} or {@link #kernel2} for one or two
   * rows, else through {@code four} (then {@code acc} holds all {@link #MR} rows from {@code r0},
   * the spare ones scratch).
   */
  static void strip(MicroKernel four, double[] ap, double[][] bp, int kc, int nc,
      double[][] acc, int r0, int rows) {
    if (rows == 1) {
      kernel1(ap, bp, kc, nc, acc[r0]);
    } else if (rows == 2) {
      kernel2(ap, bp, kc, nc, acc[r0], acc[r0 + 1]);
    } else {
      four.kernel(ap, bp, kc, nc, acc[r0], acc[r0 + 1], acc[r0 + 2], acc[r0 + 3]);
    }
  }

  /** {@link #kernel} for a strip of two rows. */
  static void kernel2(double[] ap, double[][] bp, int kc, int nc, double[] c0, double[] c1) {
    int p = 0;
    for (; p + 1 < kc; p += 2) {
      double[] b0 = bp[p];
      double[] b1 = bp[p + 1];
      int q = p * MR;
      double a00 = ap[q];
      double a10 = ap[q + 1];
      double a01 = ap[q + MR];
      double a11 = ap[q + MR + 1];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        double x1 = b1[j];
        c0[j] = Math.fma(a01, x1, Math.fma(a00, x0, c0[j]));
        c1[j] = Math.fma(a11, x1, Math.fma(a10, x0, c1[j]));
      }
    }
    if (p < kc) {
      double[] b0 = bp[p];
      double a0 = ap[p * MR];
      double a1 = ap[p * MR + 1];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        c0[j] = Math.fma(a0, x0, c0[j]);
        c1[j] = Math.fma(a1, x0, c1[j]);
      }
    }
  }

  /** {@link #kernel} for a strip of one row. */
  static void kernel1(double[] ap, double[][] bp, int kc, int nc, double[] c0) {
    int p = 0;
    for (; p + 1 < kc; p += 2) {
      double[] b0 = bp[p];
      double[] b1 = bp[p + 1];
      double a0 = ap[p * MR];
      double a1 = ap[p * MR + MR];
      for (int j = 0; j < nc; j++) {
        double x0 = b0[j];
        double x1 = b1[j];
        c0[j] = Math.fma(a1, x1, Math.fma(a0, x0, c0[j]));
      }
    }
    if (p < kc) {
      double[] b0 = bp[p];
      double a0 = ap[p * MR];
      for (int j = 0; j < nc; j++) {
        c0[j] = Math.fma(a0, b0[j], c0[j]);
      }
    }
  }

  // ---- reusable copy buffers

  /**
   * The copy buffers of one running block: packed B, a strip of A and a strip of C. Kept in a
   * small shared free list, so that a thread that calls often (or many threads in turn) reuses
   * them and a thread that goes away does not pin them.
   */
  static final class Workspace {
    private static final AtomicReferenceArray<Workspace> FREE =
        new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    double[][] bp = new double[0][];
    double[] ap = new double[0];
    final double[][] acc = new double[MR][0];
    /** Packed strips of A, panels of B and one edge tile of C, for {@link GemmTiles}. */
    double[] tileA = new double[0];
    double[] tileB = new double[0];
    double[] tileC = new double[0];

    static Workspace take() {
      for (int i = 0; i < FREE.length(); i++) {
        if (FREE.get(i) != null) {
          Workspace w = FREE.getAndSet(i, null);
          if (w != null) {
            return w;
          }
        }
      }
      return new Workspace();
    }

    static void give(Workspace w) {
      for (int i = 0; i < FREE.length(); i++) {
        if (FREE.get(i) == null && FREE.compareAndSet(i, null, w)) {
          return;
        }
      }
    }

    /** Grows the buffers to hold a {@code kc x nc} block of B (they never shrink). */
    void ensure(int kc, int nc) {
      int width = bp.length == 0 ? 0 : bp[0].length;
      if (bp.length < kc || width < nc + PAD) {
        int rows = Math.max(bp.length, kc);
        int cols = Math.max(width, nc + PAD);
        // the block of B, then the strip of C: all rows aligned alike
        bp = AlignedRows.make(rows, cols);
        double[][] strip = AlignedRows.make(MR, cols);
        System.arraycopy(strip, 0, acc, 0, MR);
      }
      if (ap.length < kc * MR) {
        ap = new double[kc * MR];
      }
    }

    /** Grows the buffers of {@link GemmTiles} to the given lengths (they never shrink). */
    void ensureTiles(int a, int b, int c) {
      if (tileA.length < a) {
        tileA = new double[a];
      }
      if (tileB.length < b) {
        tileB = new double[b];
      }
      if (tileC.length < c) {
        tileC = new double[c];
      }
    }
  }
}
