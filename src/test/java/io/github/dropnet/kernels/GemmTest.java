package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.Dropnet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GemmTest {
  private static final int[] PATHS = {Gemm.AUTO, Gemm.DIRECT, Gemm.ALONG_ROWS, Gemm.ALONG_COLUMNS};
  private static final int THREADS = Dropnet.threads();

  @AfterEach
  void restoreThreads() {
    Dropnet.setThreads(THREADS);
  }

  /**
   * One product on padded storage: every matrix starts at an offset and has a leading dimension
   * larger than its stored row, and C's padding must come back untouched.
   */
  static final class Problem {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final boolean accumulate;
    final double[] a;
    final double[] b;
    final double[] c;
    final int aOff = 3;
    final int bOff = 5;
    final int cOff = 2;
    final int lda;
    final int ldb;
    final int ldc;

    Problem(boolean transA, boolean transB, int m, int n, int k, boolean accumulate, long seed) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.accumulate = accumulate;
      lda = (transA ? m : k) + 2;
      ldb = (transB ? k : n) + 1;
      ldc = n + 3;
      SplittableRandom rnd = new SplittableRandom(seed);
      a = random(rnd, aOff + (transA ? k : m) * lda);
      b = random(rnd, bOff + (transB ? n : k) * ldb);
      c = random(rnd, cOff + m * ldc + 4);
    }

    double a(int i, int p) {
      return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    double b(int p, int j) {
      return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    int ci(int i, int j) {
      return cOff + i * ldc + j;
    }

    /** Runs the product on a copy of C and returns that copy. */
    double[] run(int path) {
      double[] out = c.clone();
      Gemm.gemm(path, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, out, cOff, ldc,
          accumulate);
      return out;
    }

    /** The documented arithmetic: a chain of fused multiply-adds in ascending p. */
    double[] fmaChain() {
      double[] out = c.clone();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = accumulate ? c[ci(i, j)] : 0.0;
          for (int p = 0; p < k; p++) {
            s = Math.fma(a(i, p), b(p, j), s);
          }
          out[ci(i, j)] = s;
        }
      }
      return out;
    }

    /** The plain triple loop, and the scale of each element for a relative tolerance. */
    void assertCloseToNaive(double[] got, String what) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double c0 = accumulate ? c[ci(i, j)] : 0.0;
          double s = c0;
          double scale = Math.abs(c0);
          for (int p = 0; p < k; p++) {
            s += a(i, p) * b(p, j);
            scale += Math.abs(a(i, p) * b(p, j));
          }
          double g = got[ci(i, j)];
          if (!(Math.abs(g - s) <= 1e-12 * scale)) {
            fail(what + ": C[" + i + "][" + j + "] = " + g + ", naive " + s + " (scale " + scale
                + ")");
          }
        }
      }
    }

    @Override
    public String toString() {
      return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
          + (accumulate ? " accumulate" : "");
    }
  }

  static double[] random(SplittableRandom rnd, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = rnd.nextDouble(-1, 1);
    }
    return x;
  }

  static Stream<Arguments> shapes() {
    int[][] sizes = {
      {1, 1, 1}, {7, 7, 7}, {33, 33, 33}, {129, 129, 129}, {1, 129, 7}, {130, 3, 257},
      {3, 1, 5}, {2, 40, 9}, {64, 17, 9}, {9, 32, 300}, {600, 5, 20}, {5, 1100, 12},
      {1030, 12, 6}, {40, 520, 600},
      // along the columns, one block a little deeper than usual and narrower, in two panels
      {500, 6, 290},
    };
    List<Arguments> out = new ArrayList<>();
    for (int[] s : sizes) {
      for (int t = 0; t < 4; t++) {
        out.add(Arguments.of(t / 2 == 1, t % 2 == 1, s[0], s[1], s[2]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @MethodSource("shapes")
  void everyPathMatchesTheNaiveLoop(boolean transA, boolean transB, int m, int n, int k) {
    for (boolean accumulate : new boolean[] {false, true}) {
      Problem pr = new Problem(transA, transB, m, n, k, accumulate, 31L * m + 7L * n + k);
      double[] chain = pr.fmaChain();
      for (int path : PATHS) {
        double[] got = pr.run(path);
        String what = pr + " path " + path;
        pr.assertCloseToNaive(got, what);
        // the arithmetic is specified exactly, so every path agrees to the bit
        assertArrayEquals(chain, got, what + ": not the documented fma chain");
      }
    }
  }

  @Test
  void paddingAroundCIsUntouched() {
    Problem pr = new Problem(false, true, 37, 45, 19, false, 5);
    for (int path : PATHS) {
      double[] got = pr.run(path);
      for (int idx = 0; idx < got.length; idx++) {
        int rel = idx - pr.cOff;
        boolean inside = rel >= 0 && rel / pr.ldc < pr.m && rel % pr.ldc < pr.n;
        if (!inside) {
          assertEquals(pr.c[idx], got[idx], "path " + path + ": index " + idx + " was written");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void resultsAreBitIdenticalForAnyThreadCount(int threads) {
    // large enough to be split; shapes that split along rows and along columns
    Problem[] problems = {
      new Problem(false, false, 130, 257, 129, false, 1),
      new Problem(true, false, 257, 130, 129, true, 2),
      new Problem(false, true, 1030, 37, 70, false, 3),
      new Problem(true, true, 67, 700, 65, true, 4),
      new Problem(false, false, 2, 3000, 300, false, 5),
      // wider than tall, but split by rows with three threads too
      new Problem(false, false, 200, 301, 70, true, 6),
    };
    for (Problem pr : problems) {
      Dropnet.setThreads(1);
      double[] one = pr.run(Gemm.AUTO);
      Dropnet.setThreads(threads);
      double[] many = pr.run(Gemm.AUTO);
      assertArrayEquals(one, many, pr + " with " + threads + " threads");
      assertArrayEquals(pr.fmaChain(), many, pr + ": not the documented fma chain");
    }
  }

  @Test
  void concurrentCallsFromFourThreadsAreCorrect() throws Exception {
    Dropnet.setThreads(2);
    int callers = 4;
    List<Problem> problems = new ArrayList<>();
    List<double[]> expected = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      Problem pr = new Problem(t % 2 == 1, t % 3 == 1, 60 + 37 * t, 300 - 11 * t, 80 + t,
          t % 4 == 0, 100 + t);
      problems.add(pr);
      expected.add(pr.fmaChain());
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        int offset = t;
        Callable<Void> task = () -> {
          start.await();
          for (int round = 0; round < 5; round++) {
            for (int q = 0; q < problems.size(); q++) {
              int i = (q + 3 * offset) % problems.size();
              assertArrayEquals(expected.get(i), problems.get(i).run(Gemm.AUTO),
                  "caller " + offset + ", " + problems.get(i));
            }
          }
          return null;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nanAndInfinityPropagateThroughZeros() {
    for (int path : PATHS) {
      for (int t = 0; t < 4; t++) {
        boolean transA = t / 2 == 1;
        boolean transB = t % 2 == 1;
        int m = 9;
        int n = 20;
        int k = 11;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        java.util.Arrays.fill(a, 0.5);
        // B all zero: a NaN in A must still reach its row of C (no skipping of zeros)
        a[transA ? 4 * m + 6 : 6 * k + 4] = Double.NaN;
        double[] c = new double[m * n];
        Gemm.gemm(path, transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n,
            c, 0, n, false);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double v = c[i * n + j];
            String what = "path " + path + " transA=" + transA + " transB=" + transB + " C[" + i
                + "][" + j + "]";
            if (i == 6) {
              assertTrue(Double.isNaN(v), what + " should be NaN, is " + v);
            } else {
              assertEquals(0.0, v, what);
            }
          }
        }
        // A all zero and an infinity in B: 0 * inf is NaN in that column
        java.util.Arrays.fill(a, 0.0);
        b[transB ? 13 * k + 2 : 2 * n + 13] = Double.POSITIVE_INFINITY;
        Gemm.gemm(path, transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n,
            c, 0, n, false);
        for (int i = 0; i < m; i++) {
          assertTrue(Double.isNaN(c[i * n + 13]), "path " + path + " C[" + i + "][13]");
          assertEquals(0.0, c[i * n + 12], "path " + path + " C[" + i + "][12]");
        }
      }
    }
  }

  @Test
  void emptyDepthZeroesOrKeepsC() {
    double[] c = {1, 2, 3, 4, 5, 6};
    Gemm.gemm(false, false, 2, 3, 0, new double[0], 0, 0, new double[0], 0, 3, c, 0, 3, true);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, c);
    Gemm.gemm(false, false, 2, 3, 0, new double[0], 0, 0, new double[0], 0, 3, c, 0, 3, false);
    assertArrayEquals(new double[6], c);
    // nothing to compute and nothing touched
    double[] sentinel = {7, 7, 7, 7, 7, 7};
    Gemm.gemm(false, false, 0, 3, 4, new double[0], 0, 4, new double[12], 0, 3, sentinel, 0, 3,
        false);
    Gemm.gemm(false, false, 2, 0, 4, new double[8], 0, 4, new double[0], 0, 0, sentinel, 0, 0,
        false);
    assertArrayEquals(new double[] {7, 7, 7, 7, 7, 7}, sentinel);
  }

  @Test
  void accumulateFalseIgnoresNanAlreadyInC() {
    double[] c = {Double.NaN, Double.NaN};
    Gemm.gemm(false, false, 1, 2, 1, new double[] {2}, 0, 1, new double[] {3, 4}, 0, 2, c, 0, 2,
        false);
    assertArrayEquals(new double[] {6, 8}, c);
  }

  @Test
  void nnIsTheContiguousProduct() {
    double[] a = {1, 2, 3, 4, 5, 6};        // 2 x 3
    double[] b = {1, 0, 0, 1, 1, 1};        // 3 x 2
    double[] c = {9, 9, 9, 9};
    Gemm.nn(2, 2, 3, a, b, c);
    assertArrayEquals(new double[] {4, 5, 10, 11}, c);
  }

  @Test
  void badArgumentsAreRejected() {
    double[] x = new double[12];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, x, 0, 2, false));
    assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(false, false, 3, 2, 4, x, 1, 4, new double[8], 0, 2, new double[6], 0, 2,
            false));
    assertTrue(e.getMessage().contains("A (3 x 4, offset 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(false, true, 2, 3, 2, x, 0, 2, new double[5], 0, 2, x, 0, 3, false));
    assertTrue(e.getMessage().contains("B (3 x 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.gemm(false, false, 2, 3, 2, x, 0, 2, x, 0, 3, new double[12], 0, 2, false));
    assertTrue(e.getMessage().contains("ldc"), e.getMessage());
  }
}
