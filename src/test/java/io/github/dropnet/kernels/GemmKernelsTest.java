package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dropnet.Dropnet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The choice of Gemm's micro-kernel, and bit-identity of its variants: the two scalar kernels
 * and the tiled path (with a plain tile kernel) always, the Vector API kernel with the scalar one
 * only where the JVM has {@code jdk.incubator.vector} (the {@code vector-api} test execution),
 * where it must run.
 */
class GemmKernelsTest {
  private static final int[] SIZES = {1, 7, 33, 129};

  private static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule(GemmKernels.VECTOR_MODULE).isPresent();
  }

  /**
   * Whether the Vector API is present and its preferred vectors hold eight doubles (512 bits),
   * which the tile kernel needs; read by reflection, as the tests compile without the module.
   */
  private static boolean vectorKernelExpected() {
    if (!vectorModulePresent()) {
      return false;
    }
    try {
      Object species = Class.forName("jdk.incubator.vector.DoubleVector")
          .getField("SPECIES_PREFERRED").get(null);
      Object length = Class.forName("jdk.incubator.vector.VectorSpecies")
          .getMethod("length").invoke(species);
      return (Integer) length == 8;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("jdk.incubator.vector is present but unreadable", e);
    }
  }

  @Test
  void selectionFollowsTheModuleAndTheProperty() {
    MicroKernel scalar = Runtime.version().feature() >= GemmKernels.FOUR_STEP_RELEASE
        ? GemmKernels.FOUR_STEPS : GemmKernels.TWO_STEPS;
    assertSame(scalar, GemmKernels.SCALAR);
    if (!vectorKernelExpected()) {
      assertNull(GemmKernels.VECTOR);
      assertNull(GemmKernels.TILES);
      assertTrue(Dropnet.gemmKernel().startsWith("scalar"), Dropnet.gemmKernel());
      return;
    }
    assertNotNull(GemmKernels.VECTOR, "512-bit vectors are available but the kernel is not");
    boolean forcedOff = "false".equalsIgnoreCase(System.getProperty("dropnet.vector"));
    assertSame(forcedOff ? null : GemmKernels.VECTOR, GemmKernels.TILES);
    String expected = forcedOff ? GemmKernels.SCALAR.name() : GemmKernels.VECTOR.name();
    assertEquals(expected, Dropnet.gemmKernel());
  }

  @Test
  void theVectorExecutionRunsTheVectorKernel() {
    assumeTrue(Boolean.getBoolean("dropnet.test.expectVector"));
    assertTrue(vectorModulePresent(), "the vector-api execution lacks jdk.incubator.vector");
    assumeTrue(vectorKernelExpected(), "this CPU's vectors are narrower than 512 bits");
    assertTrue(Dropnet.gemmKernel().startsWith("vector-api"), Dropnet.gemmKernel());
  }

  @Test
  void vectorKernelIsBitIdenticalToTheScalarKernel() {
    TileKernel vector = GemmKernels.VECTOR;
    assumeTrue(vector != null || vectorKernelExpected());
    assertNotNull(vector);
    assertSameProducts(GemmKernels.SCALAR, null, GemmKernels.SCALAR, vector, 20260101);
    assertSameWideProducts(vector);
  }

  @Test
  void vectorKernelMatchesThePlainTileOnEveryDepthAndLoad() {
    TileKernel vector = GemmKernels.VECTOR;
    assumeTrue(vector != null || vectorKernelExpected());
    assertNotNull(vector);
    SplittableRandom rnd = new SplittableRandom(5);
    int rows = vector.rows();
    int cols = vector.cols();
    int ldc = cols + 3;
    for (int kc : new int[] {1, 2, 3, 4, 5, 6, 7, 17, 128}) {
      for (boolean load : new boolean[] {false, true}) {
        double[] a = random(rnd, 2 + kc * rows);
        double[] b = random(rnd, 5 + kc * cols);
        double[] expected = random(rnd, 1 + rows * ldc);
        double[] actual = expected.clone();
        PlainTiles.tile(rows, cols, a, 2, b, 5, kc, expected, 1, ldc, load);
        vector.tile(a, 2, b, 5, kc, actual, 1, ldc, load);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(Double.doubleToRawLongBits(expected[i]),
              Double.doubleToRawLongBits(actual[i]),
              "kc=" + kc + " load=" + load + " element " + i);
        }
      }
    }
  }

  @Test
  void tiledPathGivesTheSameProductsAsTheFourRowKernel() {
    // a 3 x 5 tile and a depth of 7: every product has edge tiles and several depth blocks
    TileKernel plain = new PlainTiles(3, 5, 7);
    assertSameProducts(GemmKernels.SCALAR, null, GemmKernels.SCALAR, plain, 3);
    assertSameWideProducts(plain);
  }

  @Test
  void fourStepKernelMatchesTheTwoStepKernelOnFullWidthsAndTails() {
    assertSameBits(GemmKernels.TWO_STEPS, GemmKernels.FOUR_STEPS);
  }

  @Test
  void fourStepKernelGivesTheSameProductsOnEveryPath() {
    assertSameProducts(GemmKernels.TWO_STEPS, null, GemmKernels.FOUR_STEPS, null, 11);
  }

  /**
   * Products wider than a block of the tiled path ({@link GemmTiles#NC} columns) and deeper than
   * {@code tiles}' depth, through {@code tiles} and through the four-row kernel, on one thread
   * and on three: the same bits.
   */
  private static void assertSameWideProducts(TileKernel tiles) {
    SplittableRandom rnd = new SplittableRandom(17);
    int m = 2 * GemmTiles.MC + 3;
    int n = GemmTiles.NC + 37;
    int k = 2 * tiles.depth() + 5;
    int before = Dropnet.threads();
    try {
      for (int threads : new int[] {1, 3}) {
        Dropnet.setThreads(threads);
        for (int t = 0; t < 4; t++) {
          boolean transA = (t & 1) != 0;
          boolean transB = (t & 2) != 0;
          double[] a = random(rnd, m * k);
          double[] b = random(rnd, k * n);
          double[] expected = random(rnd, m * n);
          double[] actual = expected.clone();
          run(Gemm.ALONG_ROWS, GemmKernels.SCALAR, null, transA, transB, m, n, k, a, b, expected,
              true);
          run(Gemm.ALONG_ROWS, GemmKernels.SCALAR, tiles, transA, transB, m, n, k, a, b, actual,
              true);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]),
                Double.doubleToRawLongBits(actual[i]),
                tiles.name() + ", " + threads + " threads, transA=" + transA + " transB="
                    + transB + ": element " + i);
          }
        }
      }
    } finally {
      Dropnet.setThreads(before);
    }
  }

  /**
   * Whole products through both pairs of kernels (a four-row kernel and a tile kernel or null),
   * on odd sizes, every transposition, path and accumulation: the same bits.
   */
  private static void assertSameProducts(MicroKernel reference, TileKernel referenceTiles,
      MicroKernel four, TileKernel tiles, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] paths = {Gemm.AUTO, Gemm.ALONG_ROWS, Gemm.ALONG_COLUMNS};
    for (int m : SIZES) {
      for (int n : SIZES) {
        for (int k : SIZES) {
          for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            double[] a = random(rnd, m * k);
            double[] b = random(rnd, k * n);
            double[] c0 = random(rnd, m * n);
            for (int path : paths) {
              for (boolean accumulate : new boolean[] {false, true}) {
                double[] expected = c0.clone();
                double[] actual = c0.clone();
                run(path, reference, referenceTiles, transA, transB, m, n, k, a, b, expected,
                    accumulate);
                run(path, four, tiles, transA, transB, m, n, k, a, b, actual, accumulate);
                for (int i = 0; i < expected.length; i++) {
                  if (Double.doubleToRawLongBits(expected[i])
                      != Double.doubleToRawLongBits(actual[i])) {
                    String name = tiles != null ? tiles.name() : four.name();
                    throw new AssertionError(name + ", m=" + m + " n=" + n + " k=" + k
                        + " transA=" + transA + " transB=" + transB + " path=" + path
                        + " accumulate=" + accumulate + ": element " + i + " is " + actual[i]
                        + ", " + reference.name() + " gives " + expected[i]);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** Runs both kernels on the same strips, every depth tail and width up to 70: same bits. */
  private static void assertSameBits(MicroKernel reference, MicroKernel other) {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int kc : new int[] {1, 2, 3, 4, 5, 6, 7, 17, 256}) {
      for (int nc = 0; nc <= 70; nc++) {
        double[] ap = random(rnd, kc * Gemm.MR);
        double[][] bp = new double[kc][];
        for (int p = 0; p < kc; p++) {
          bp[p] = random(rnd, nc + Gemm.PAD);
        }
        double[][] expected = new double[Gemm.MR][];
        double[][] actual = new double[Gemm.MR][];
        for (int r = 0; r < Gemm.MR; r++) {
          expected[r] = random(rnd, nc + Gemm.PAD);
          actual[r] = expected[r].clone();
        }
        reference.kernel(ap, bp, kc, nc, expected[0], expected[1], expected[2], expected[3]);
        other.kernel(ap, bp, kc, nc, actual[0], actual[1], actual[2], actual[3]);
        for (int r = 0; r < Gemm.MR; r++) {
          for (int j = 0; j < expected[r].length; j++) {
            assertEquals(Double.doubleToRawLongBits(expected[r][j]),
                Double.doubleToRawLongBits(actual[r][j]),
                "kc=" + kc + " nc=" + nc + " row " + r + " column " + j);
          }
        }
      }
    }
  }

  private static void run(int path, MicroKernel four, TileKernel tiles, boolean transA,
      boolean transB, int m, int n, int k, double[] a, double[] b, double[] c,
      boolean accumulate) {
    Gemm.gemm(path, four, tiles, transA, transB, m, n, k, a, 0, transA ? m : k, b, 0,
        transB ? k : n, c, 0, n, accumulate);
  }

  /** The operations of {@link TileKernel#tile} as plain loops, on tiles of any size. */
  private record PlainTiles(int rows, int cols, int depth) implements TileKernel {
    @Override
    public String name() {
      return "plain " + rows + " x " + cols + " tiles";
    }

    @Override
    public void tile(double[] a, int aOff, double[] b, int bOff, int kc,
        double[] c, int cOff, int ldc, boolean load) {
      tile(rows, cols, a, aOff, b, bOff, kc, c, cOff, ldc, load);
    }

    @Override
    public void copy(double[] src, int srcOff, double[] dst, int dstOff, int length) {
      for (int i = 0; i < length; i++) {
        dst[dstOff + i] = src[srcOff + i];
      }
    }

    @Override
    public void gather(double[] src, int srcOff, int stride, int srcStep,
        double[] dst, int dstOff, int dstStep, int length, int count) {
      for (int n = 0; n < count; n++) {
        for (int i = 0; i < length; i++) {
          dst[dstOff + n * dstStep + i] = src[srcOff + n * srcStep + i * stride];
        }
      }
    }

    static void tile(int rows, int cols, double[] a, int aOff, double[] b, int bOff, int kc,
        double[] c, int cOff, int ldc, boolean load) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++) {
          double s = load ? c[cOff + r * ldc + j] : 0.0;
          for (int p = 0; p < kc; p++) {
            s = Math.fma(a[aOff + p * rows + r], b[bOff + p * cols + j], s);
          }
          c[cOff + r * ldc + j] = s;
        }
      }
    }
  }

  /** Values of mixed signs and magnitudes, so that rounding differences would show. */
  private static double[] random(SplittableRandom rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = (rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(-20, 21));
    }
    return x;
  }
}
