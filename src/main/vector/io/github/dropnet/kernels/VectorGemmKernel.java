package io.github.dropnet.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MicroKernel} on the incubating Vector API: a block of four rows by three vectors of C
 * stays in registers for the whole depth, where the scalar kernel reads and writes C on every
 * pair of steps. Each lane performs one {@code fma} per step of p, in order, exactly as
 * {@link Math#fma} does, so the results are bit-identical to {@link Gemm#kernel}.
 *
 * <p>Only {@link GemmKernels} refers to this class, by name, and only when the module
 * {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorGemmKernel implements MicroKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int DEPTH = 96;

  private VectorGemmKernel() {}

  /**
   * The kernel, or null when the preferred vectors are narrower than four doubles (there the
   * scalar kernel is as fast).
   */
  static MicroKernel create() {
    return L >= 4 ? new VectorGemmKernel() : null;
  }

  /**
   * Shallower blocks than the scalar kernel's: the kernel reads a column strip of B down the whole
   * depth, one packed row (a separate array) per step, and fewer rows stay in the first-level
   * cache and its address translations.
   */
  @Override
  public int depth() {
    return DEPTH;
  }

  @Override
  public String name() {
    return "vector-api (" + S.vectorBitSize() + "-bit, " + L + " doubles)";
  }

  @Override
  public void kernel(double[] ap, double[][] bp, int kc, int nc,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    int j = 0;
    for (; j + 3 * L <= nc; j += 3 * L) {
      block3(ap, bp, kc, j, c0, c1, c2, c3);
    }
    for (; j + L <= nc; j += L) {
      block1(ap, bp, kc, j, c0, c1, c2, c3);
    }
    for (; j < nc; j++) {
      double s0 = c0[j];
      double s1 = c1[j];
      double s2 = c2[j];
      double s3 = c3[j];
      for (int p = 0; p < kc; p++) {
        double x = bp[p][j];
        int q = p * Gemm.MR;
        s0 = Math.fma(ap[q], x, s0);
        s1 = Math.fma(ap[q + 1], x, s1);
        s2 = Math.fma(ap[q + 2], x, s2);
        s3 = Math.fma(ap[q + 3], x, s3);
      }
      c0[j] = s0;
      c1[j] = s1;
      c2[j] = s2;
      c3[j] = s3;
    }
  }

  private static void block3(double[] ap, double[][] bp, int kc, int j,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    int j1 = j + L;
    int j2 = j + 2 * L;
    DoubleVector s00 = DoubleVector.fromArray(S, c0, j);
    DoubleVector s01 = DoubleVector.fromArray(S, c0, j1);
    DoubleVector s02 = DoubleVector.fromArray(S, c0, j2);
    DoubleVector s10 = DoubleVector.fromArray(S, c1, j);
    DoubleVector s11 = DoubleVector.fromArray(S, c1, j1);
    DoubleVector s12 = DoubleVector.fromArray(S, c1, j2);
    DoubleVector s20 = DoubleVector.fromArray(S, c2, j);
    DoubleVector s21 = DoubleVector.fromArray(S, c2, j1);
    DoubleVector s22 = DoubleVector.fromArray(S, c2, j2);
    DoubleVector s30 = DoubleVector.fromArray(S, c3, j);
    DoubleVector s31 = DoubleVector.fromArray(S, c3, j1);
    DoubleVector s32 = DoubleVector.fromArray(S, c3, j2);
    for (int p = 0; p < kc; p++) {
      double[] row = bp[p];
      DoubleVector x0 = DoubleVector.fromArray(S, row, j);
      DoubleVector x1 = DoubleVector.fromArray(S, row, j1);
      DoubleVector x2 = DoubleVector.fromArray(S, row, j2);
      int q = p * Gemm.MR;
      DoubleVector a = DoubleVector.broadcast(S, ap[q]);
      s00 = a.fma(x0, s00);
      s01 = a.fma(x1, s01);
      s02 = a.fma(x2, s02);
      a = DoubleVector.broadcast(S, ap[q + 1]);
      s10 = a.fma(x0, s10);
      s11 = a.fma(x1, s11);
      s12 = a.fma(x2, s12);
      a = DoubleVector.broadcast(S, ap[q + 2]);
      s20 = a.fma(x0, s20);
      s21 = a.fma(x1, s21);
      s22 = a.fma(x2, s22);
      a = DoubleVector.broadcast(S, ap[q + 3]);
      s30 = a.fma(x0, s30);
      s31 = a.fma(x1, s31);
      s32 = a.fma(x2, s32);
    }
    s00.intoArray(c0, j);
    s01.intoArray(c0, j1);
    s02.intoArray(c0, j2);
    s10.intoArray(c1, j);
    s11.intoArray(c1, j1);
    s12.intoArray(c1, j2);
    s20.intoArray(c2, j);
    s21.intoArray(c2, j1);
    s22.intoArray(c2, j2);
    s30.intoArray(c3, j);
    s31.intoArray(c3, j1);
    s32.intoArray(c3, j2);
  }

  private static void block1(double[] ap, double[][] bp, int kc, int j,
      double[] c0, double[] c1, double[] c2, double[] c3) {
    DoubleVector s0 = DoubleVector.fromArray(S, c0, j);
    DoubleVector s1 = DoubleVector.fromArray(S, c1, j);
    DoubleVector s2 = DoubleVector.fromArray(S, c2, j);
    DoubleVector s3 = DoubleVector.fromArray(S, c3, j);
    for (int p = 0; p < kc; p++) {
      DoubleVector x = DoubleVector.fromArray(S, bp[p], j);
      int q = p * Gemm.MR;
      s0 = DoubleVector.broadcast(S, ap[q]).fma(x, s0);
      s1 = DoubleVector.broadcast(S, ap[q + 1]).fma(x, s1);
      s2 = DoubleVector.broadcast(S, ap[q + 2]).fma(x, s2);
      s3 = DoubleVector.broadcast(S, ap[q + 3]).fma(x, s3);
    }
    s0.intoArray(c0, j);
    s1.intoArray(c1, j);
    s2.intoArray(c2, j);
    s3.intoArray(c3, j);
  }
}
