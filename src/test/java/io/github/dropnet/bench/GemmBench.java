package io.github.dropnet.bench;

import io.github.dropnet.Dropnet;
import io.github.dropnet.kernels.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * GFLOP/s of {@link Gemm#gemm} on the matrix products of the reference workloads, for several
 * thread counts, next to the plain triple loop Gemm used to be.
 *
 * <p>Variants run interleaved, round after round (A B C A B C ...), so that a change in machine
 * speed hits all of them alike; each figure is the median over rounds of the rate within a round.
 * Compare figures from one run only.
 *
 * <pre>
 * mvn -q test-compile
 * java -cp target/classes:target/test-classes io.github.dropnet.bench.GemmBench \
 *     [--threads 1,2] [--rounds 5] [--min-ms 200] [--shapes L1.fwd,L3.fwd] [--no-baseline]
 * </pre>
 */
public final class GemmBench {
  private GemmBench() {}

  /** One product: {@code C (m x n) = op(A) (m x k) * op(B) (k x n)}. */
  record Shape(String name, String what, boolean transA, boolean transB, int m, int n, int k,
      boolean accumulate) {
    double flops() {
      return 2.0 * m * n * k;
    }

    String op() {
      return (transA ? "T" : "N") + (transB ? "T" : "N");
    }
  }

  static final List<Shape> SHAPES = List.of(
      new Shape("L1.fwd", "Dense x (256,784) . W (784,1024)", false, false, 256, 1024, 784, true),
      new Shape("L1.dW", "Dense dW = x^T . dz", true, false, 784, 1024, 256, false),
      new Shape("L1.dx", "Dense dx = dz . W^T", false, true, 256, 784, 1024, false),
      new Shape("L3.fwd", "Conv2D im2col (12544,288) . W (288,64)", false, false, 12544, 64, 288,
          true),
      new Shape("L3.dW", "Conv2D dW = cols^T . dz", true, false, 288, 64, 12544, false),
      new Shape("L3.dx", "Conv2D dcols = dz . W^T", false, true, 12544, 288, 64, false),
      new Shape("L2.fwd", "Conv2D im2col, K = 9 (50176,9) . W (9,32)", false, false, 50176, 32, 9,
          true),
      new Shape("L5.hU", "LSTM step h (64,128) . U (128,512)", false, false, 64, 512, 128, true),
      new Shape("L5.xW", "LSTM step x (64,32) . W (32,512)", false, false, 64, 512, 32, true),
      new Shape("L5.dh", "LSTM step dgates . U^T", false, true, 64, 128, 512, false),
      new Shape("L5.dU", "LSTM step dU += h^T . dgates", true, false, 128, 512, 64, true),
      new Shape("E1.fwd1", "E1 first Dense x (128,784) . W (784,512)", false, false, 128, 512,
          784, true),
      new Shape("E1.dW1", "E1 first Dense dW = x^T . dz", true, false, 784, 512, 128, false),
      new Shape("E1.fwd2", "E1 second Dense h (128,512) . W (512,512)", false, false, 128, 512,
          512, true),
      new Shape("E1.dx2", "E1 second Dense dx = dz . W^T", false, true, 128, 512, 512, false));

  public static void main(String[] args) {
    int[] threads = {1, 2};
    int rounds = 5;
    double minMs = 200;
    List<String> names = null;
    boolean baseline = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Arrays.stream(args[++i].split(","))
            .mapToInt(Integer::parseInt).toArray();
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--min-ms" -> minMs = Double.parseDouble(args[++i]);
        case "--shapes" -> names = List.of(args[++i].split(","));
        case "--no-baseline" -> baseline = false;
        default -> throw new IllegalArgumentException("GemmBench: unknown argument " + args[i]);
      }
    }
    List<Shape> shapes = new ArrayList<>();
    for (Shape s : SHAPES) {
      if (names == null || names.contains(s.name())) {
        shapes.add(s);
      }
    }

    // variant name -> rates per round; "loop" is the old triple loop (one thread)
    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, Runnable> runs = new LinkedHashMap<>();
    Map<String, Integer> threadsOf = new LinkedHashMap<>();
    for (Shape s : shapes) {
      Operands o = new Operands(s);
      if (baseline) {
        String key = s.name() + " loop 1";
        runs.put(key, o::loop);
        threadsOf.put(key, 1);
      }
      for (int t : threads) {
        String key = s.name() + " gemm " + t;
        runs.put(key, o::gemm);
        threadsOf.put(key, t);
      }
    }
    for (String key : runs.keySet()) {
      rates.put(key, new double[rounds]);
    }
    int before = Dropnet.threads();
    try {
      for (int round = -1; round < rounds; round++) {   // round -1 warms up
        for (Shape s : shapes) {
          for (Map.Entry<String, Runnable> e : runs.entrySet()) {
            if (!e.getKey().startsWith(s.name() + " ")) {
              continue;
            }
            Dropnet.setThreads(threadsOf.get(e.getKey()));
            double rate = time(e.getValue(), s.flops(), round < 0 ? minMs / 4 : minMs);
            if (round >= 0) {
              rates.get(e.getKey())[round] = rate;
            }
          }
        }
      }
    } finally {
      Dropnet.setThreads(before);
    }

    System.out.printf(Locale.ROOT,
        "GemmBench: %d rounds, median GFLOP/s (min-max), %s, micro-kernel %s%n",
        rounds, Runtime.version(), Dropnet.gemmKernel());
    for (Shape s : shapes) {
      System.out.printf(Locale.ROOT, "%-7s %s m=%d n=%d k=%d  (%s)%n",
          s.name(), s.op(), s.m(), s.n(), s.k(), s.what());
      for (String key : runs.keySet()) {
        if (key.startsWith(s.name() + " ")) {
          double[] r = rates.get(key).clone();
          Arrays.sort(r);
          String[] parts = key.split(" ");
          String label = parts[1].equals("loop") ? "old triple loop" : "gemm, " + parts[2]
              + (parts[2].equals("1") ? " thread" : " threads");
          System.out.printf(Locale.ROOT, "    %-18s %7.2f  (%.2f-%.2f)%n",
              label, r[r.length / 2], r[0], r[r.length - 1]);
        }
      }
    }
  }

  /** GFLOP/s of {@code run} repeated for at least {@code minMs}. */
  private static double time(Runnable run, double flops, double minMs) {
    long start = System.nanoTime();
    long reps = 0;
    long now;
    do {
      run.run();
      reps++;
      now = System.nanoTime();
    } while (now - start < minMs * 1e6);
    return flops * reps / (now - start);
  }

  /** Random operands for one shape, stored as the transposes say. */
  private static final class Operands {
    final Shape s;
    final double[] a;
    final double[] b;
    final double[] c;
    final int lda;
    final int ldb;

    Operands(Shape s) {
      this.s = s;
      SplittableRandom rnd = new SplittableRandom(s.name().hashCode());
      a = random(rnd, s.m() * s.k());
      b = random(rnd, s.k() * s.n());
      c = new double[s.m() * s.n()];
      lda = s.transA() ? s.m() : s.k();
      ldb = s.transB() ? s.k() : s.n();
    }

    static double[] random(SplittableRandom rnd, int size) {
      double[] x = new double[size];
      for (int i = 0; i < size; i++) {
        x[i] = rnd.nextDouble(-1, 1);
      }
      return x;
    }

    void gemm() {
      Gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, c, 0, s.n(),
          s.accumulate());
    }

    void loop() {
      tripleLoop(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, lda, b, ldb, c, s.n(),
          s.accumulate());
    }
  }

  /** The loop Gemm used to run (without offsets): the baseline of the speed-ups. */
  static void tripleLoop(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int lda, double[] b, int ldb, double[] c, int ldc, boolean accumulate) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        Arrays.fill(c, i * ldc, i * ldc + n, 0.0);
      }
    }
    if (!transB) {
      for (int i = 0; i < m; i++) {
        int row = i * ldc;
        for (int p = 0; p < k; p++) {
          double aip = transA ? a[p * lda + i] : a[i * lda + p];
          int rowB = p * ldb;
          for (int j = 0; j < n; j++) {
            c[row + j] += aip * b[rowB + j];
          }
        }
      }
    } else {
      for (int i = 0; i < m; i++) {
        int row = i * ldc;
        for (int j = 0; j < n; j++) {
          int rowB = j * ldb;
          double s = 0;
          if (transA) {
            for (int p = 0; p < k; p++) {
              s += a[p * lda + i] * b[rowB + p];
            }
          } else {
            int rowA = i * lda;
            for (int p = 0; p < k; p++) {
              s += a[rowA + p] * b[rowB + p];
            }
          }
          c[row + j] += s;
        }
      }
    }
  }
}
