package io.github.dropnet.kernels;

import java.util.Arrays;

/**
 * {@link Gemm}'s blocked path for a {@link TileKernel}, which keeps a tile of C in registers.
 *
 * <p>A block of {@code op(B)} (the kernel's depth by up to {@value #NC} columns) is packed into
 * panels as wide as a tile, each one contiguous; a block of {@code op(A)} ({@value #MC} rows)
 * into strips as tall as a tile. Each panel of B is then used against every strip of A, while
 * both are in the cache. Tiles inside C are computed where they lie when the rows of C are
 * contiguous; tiles at its edges (or of a C stored by columns) go through a small buffer, so that
 * the kernel always works on whole tiles. Rows and columns packed beyond the edges are zero and
 * never stored.
 *
 * <p>Each element of C receives the operations of {@link Gemm}'s arithmetic in the same order,
 * whatever the blocking: its depth blocks run one after the other, each starting from the
 * value the previous one stored.
 */
final class GemmTiles {
  /**
   * Rows of op(A) packed per block: a few strips (two of the Vector API kernel's), so that the
   * block and a panel of B fit the first-level cache together.
   */
  static final int MC = 16;
  /** Columns of op(B) packed per block, at most. */
  static final int NC = 1024;

  private GemmTiles() {}

  /** Rows {@code [r0, r1)} by columns {@code [c0, c1)} of {@code prod}'s C. */
  static void compute(Gemm.Product prod, TileKernel t, Gemm.Workspace ws,
      int r0, int r1, int c0, int c1) {
    int mr = t.rows();
    int nr = t.cols();
    int k = prod.k;
    int depths = ceilDiv(k, t.depth());
    int kcMax = ceilDiv(k, depths);
    int w = c1 - c0;
    int blocks = ceilDiv(w, NC);
    int ncMax = Math.min(w, ceilDiv(ceilDiv(w, blocks), nr) * nr);
    int mcMax = Math.max(mr, MC / mr * mr);
    ws.ensureTiles(ceilDiv(mcMax, mr) * mr * kcMax, ceilDiv(ncMax, nr) * nr * kcMax, mr * nr);
    double[] ap = ws.tileA;
    double[] bp = ws.tileB;
    for (int jc = c0; jc < c1; jc += ncMax) {
      int nc = Math.min(ncMax, c1 - jc);
      for (int pc = 0; pc < k; pc += kcMax) {
        int kc = Math.min(kcMax, k - pc);
        boolean load = prod.accumulate || pc > 0;
        packB(prod, t, bp, pc, kc, jc, nc, nr);
        for (int ic = r0; ic < r1; ic += mcMax) {
          int mc = Math.min(mcMax, r1 - ic);
          packA(prod, t, ap, ic, mc, pc, kc, mr);
          for (int j = 0; j < nc; j += nr) {
            int bOff = j / nr * kc * nr;
            for (int i = 0; i < mc; i += mr) {
              tile(prod, t, ap, i / mr * kc * mr, bp, bOff, kc, ic + i, Math.min(mr, mc - i),
                  jc + j, Math.min(nr, nc - j), load, ws.tileC);
            }
          }
        }
      }
    }
  }

  /** One tile at row {@code i}, column {@code j} of C, {@code rows x cols} of it live. */
  private static void tile(Gemm.Product prod, TileKernel t, double[] ap, int aOff, double[] bp,
      int bOff, int kc, int i, int rows, int j, int cols, boolean load, double[] buffer) {
    int nr = t.cols();
    int at = prod.cOff + i * prod.cRs + j * prod.cCs;
    if (rows == t.rows() && cols == nr && prod.cCs == 1) {
      t.tile(ap, aOff, bp, bOff, kc, prod.c, at, prod.cRs, load);
      return;
    }
    if (load) {
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < cols; q++) {
          buffer[r * nr + q] = prod.c[at + r * prod.cRs + q * prod.cCs];
        }
      }
    }
    t.tile(ap, aOff, bp, bOff, kc, buffer, 0, nr, load);
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < cols; q++) {
        prod.c[at + r * prod.cRs + q * prod.cCs] = buffer[r * nr + q];
      }
    }
  }

  /**
   * Columns {@code [jc, jc + nc)} of depth rows {@code [pc, pc + kc)} of op(B) as panels of
   * {@code nr} columns: element {@code (p, j)} at {@code (j / nr) * kc * nr + p * nr + j % nr}.
   */
  private static void packB(Gemm.Product prod, TileKernel t, double[] bp, int pc, int kc, int jc,
      int nc, int nr) {
    double[] b = prod.b;
    int base = prod.bOff + pc * prod.bRs + jc * prod.bCs;
    int panels = ceilDiv(nc, nr);
    if (prod.bCs == 1) {
      for (int p = 0; p < kc; p++) {
        int src = base + p * prod.bRs;
        for (int s = 0; s < panels; s++) {
          t.copy(b, src + s * nr, bp, s * kc * nr + p * nr, Math.min(nr, nc - s * nr));
        }
      }
    } else {
      for (int s = 0; s < panels; s++) {
        t.gather(b, base + s * nr * prod.bCs, prod.bCs, prod.bRs, bp, s * kc * nr, nr,
            Math.min(nr, nc - s * nr), kc);
      }
    }
    zeroPastEdge(bp, (panels - 1) * kc * nr, kc, nr, nc - (panels - 1) * nr);
  }

  /**
   * Rows {@code [ic, ic + mc)} of depth columns {@code [pc, pc + kc)} of op(A) as strips of
   * {@code mr} rows: element {@code (i, p)} at {@code (i / mr) * kc * mr + p * mr + i % mr}.
   */
  private static void packA(Gemm.Product prod, TileKernel t, double[] ap, int ic, int mc, int pc,
      int kc, int mr) {
    double[] a = prod.a;
    int base = prod.aOff + ic * prod.aRs + pc * prod.aCs;
    int strips = ceilDiv(mc, mr);
    for (int s = 0; s < strips; s++) {
      int rows = Math.min(mr, mc - s * mr);
      int first = base + s * mr * prod.aRs;
      int dst = s * kc * mr;
      if (prod.aRs == 1) {
        for (int p = 0; p < kc; p++) {
          t.copy(a, first + p * prod.aCs, ap, dst + p * mr, rows);
        }
      } else {
        t.gather(a, first, prod.aRs, prod.aCs, ap, dst, mr, rows, kc);
      }
    }
    zeroPastEdge(ap, (strips - 1) * kc * mr, kc, mr, mc - (strips - 1) * mr);
  }

  /**
   * Zeros the entries past the {@code live} first of each of the {@code kc} rows of
   * {@code width} of the packed strip or panel at {@code off}: rows or columns beyond the edge.
   */
  private static void zeroPastEdge(double[] packed, int off, int kc, int width, int live) {
    if (live == width) {
      return;
    }
    for (int p = 0; p < kc; p++) {
      Arrays.fill(packed, off + p * width + live, off + (p + 1) * width, 0.0);
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
