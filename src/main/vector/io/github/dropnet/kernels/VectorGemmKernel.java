package io.github.dropnet.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileKernel} on the incubating Vector API: a tile of eight rows by two 512-bit vectors
 * (16 columns) of C stays in sixteen registers for the whole depth. Each step of p loads two
 * vectors of the packed panel of B, broadcasts the eight packed values of A and performs sixteen
 * fused multiply-adds. Each lane performs one {@code fma} per step of p, in order, exactly as
 * {@link Math#fma} does, so the results are bit-identical to the scalar kernels.
 *
 * <p>Only {@link GemmKernels} refers to this class, by name, and only when the module
 * {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorGemmKernel implements TileKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  /** Doubles per vector. */
  private static final int L = S.length();
  private static final int ROWS = 8;
  private static final int COLS = 2 * L;
  /** Depth of a packed block: its panel of B (16 KiB) stays in the first-level cache. */
  private static final int DEPTH = 128;

  private VectorGemmKernel() {}

  /**
   * The kernel, or null unless the preferred vectors hold eight doubles (512 bits): with
   * narrower ones the sixteen accumulators and their operands no longer fit in the registers.
   */
  static TileKernel create() {
    return L == 8 ? new VectorGemmKernel() : null;
  }

  @Override
  public int rows() {
    return ROWS;
  }

  @Override
  public int cols() {
    return COLS;
  }

  @Override
  public int depth() {
    return DEPTH;
  }

  @Override
  public String name() {
    return "vector-api (" + S.vectorBitSize() + "-bit, " + ROWS + " x " + COLS + " tiles)";
  }

  @Override
  public void tile(double[] a, int aOff, double[] b, int bOff, int kc,
      double[] c, int cOff, int ldc, boolean load) {
    int o0 = cOff;
    int o1 = o0 + ldc;
    int o2 = o1 + ldc;
    int o3 = o2 + ldc;
    int o4 = o3 + ldc;
    int o5 = o4 + ldc;
    int o6 = o5 + ldc;
    int o7 = o6 + ldc;
    DoubleVector s00 = start(c, o0, load);
    DoubleVector s01 = start(c, o0 + L, load);
    DoubleVector s10 = start(c, o1, load);
    DoubleVector s11 = start(c, o1 + L, load);
    DoubleVector s20 = start(c, o2, load);
    DoubleVector s21 = start(c, o2 + L, load);
    DoubleVector s30 = start(c, o3, load);
    DoubleVector s31 = start(c, o3 + L, load);
    DoubleVector s40 = start(c, o4, load);
    DoubleVector s41 = start(c, o4 + L, load);
    DoubleVector s50 = start(c, o5, load);
    DoubleVector s51 = start(c, o5 + L, load);
    DoubleVector s60 = start(c, o6, load);
    DoubleVector s61 = start(c, o6 + L, load);
    DoubleVector s70 = start(c, o7, load);
    DoubleVector s71 = start(c, o7 + L, load);
    for (int p = 0; p < kc; p++) {
      int bq = bOff + p * COLS;
      DoubleVector x0 = DoubleVector.fromArray(S, b, bq);
      DoubleVector x1 = DoubleVector.fromArray(S, b, bq + L);
      int q = aOff + p * ROWS;
      DoubleVector v = DoubleVector.broadcast(S, a[q]);
      s00 = v.fma(x0, s00);
      s01 = v.fma(x1, s01);
      v = DoubleVector.broadcast(S, a[q + 1]);
      s10 = v.fma(x0, s10);
      s11 = v.fma(x1, s11);
      v = DoubleVector.broadcast(S, a[q + 2]);
      s20 = v.fma(x0, s20);
      s21 = v.fma(x1, s21);
      v = DoubleVector.broadcast(S, a[q + 3]);
      s30 = v.fma(x0, s30);
      s31 = v.fma(x1, s31);
      v = DoubleVector.broadcast(S, a[q + 4]);
      s40 = v.fma(x0, s40);
      s41 = v.fma(x1, s41);
      v = DoubleVector.broadcast(S, a[q + 5]);
      s50 = v.fma(x0, s50);
      s51 = v.fma(x1, s51);
      v = DoubleVector.broadcast(S, a[q + 6]);
      s60 = v.fma(x0, s60);
      s61 = v.fma(x1, s61);
      v = DoubleVector.broadcast(S, a[q + 7]);
      s70 = v.fma(x0, s70);
      s71 = v.fma(x1, s71);
    }
    s00.intoArray(c, o0);
    s01.intoArray(c, o0 + L);
    s10.intoArray(c, o1);
    s11.intoArray(c, o1 + L);
    s20.intoArray(c, o2);
    s21.intoArray(c, o2 + L);
    s30.intoArray(c, o3);
    s31.intoArray(c, o3 + L);
    s40.intoArray(c, o4);
    s41.intoArray(c, o4 + L);
    s50.intoArray(c, o5);
    s51.intoArray(c, o5 + L);
    s60.intoArray(c, o6);
    s61.intoArray(c, o6 + L);
    s70.intoArray(c, o7);
    s71.intoArray(c, o7 + L);
  }

  @Override
  public void copy(double[] src, int srcOff, double[] dst, int dstOff, int length) {
    if (length == COLS) { // a row of a panel: the common case, without a loop
      DoubleVector.fromArray(S, src, srcOff).intoArray(dst, dstOff);
      DoubleVector.fromArray(S, src, srcOff + L).intoArray(dst, dstOff + L);
      return;
    }
    int i = 0;
    for (; i + L <= length; i += L) {
      DoubleVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
    }
    for (; i < length; i++) {
      dst[dstOff + i] = src[srcOff + i];
    }
  }

  @Override
  public void gather(double[] src, int srcOff, int stride, int srcStep,
      double[] dst, int dstOff, int dstStep, int length, int count) {
    int whole = length / L * L;
    int[] map = new int[L];
    for (int lane = 0; lane < L; lane++) {
      map[lane] = lane * stride;
    }
    for (int n = 0; n < count; n++) {
      int from = srcOff + n * srcStep;
      int to = dstOff + n * dstStep;
      for (int i = 0; i < whole; i += L) {
        DoubleVector.fromArray(S, src, from + i * stride, map, 0).intoArray(dst, to + i);
      }
      for (int i = whole; i < length; i++) {
        dst[to + i] = src[from + i * stride];
      }
    }
  }

  /** One vector of C at {@code off}, or zeros. */
  private static DoubleVector start(double[] c, int off, boolean load) {
    return load ? DoubleVector.fromArray(S, c, off) : DoubleVector.zero(S);
  }
}
