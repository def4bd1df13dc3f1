package io.github.dropnet.bench;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.DataFormat;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.testing.GradientCheck;
import java.util.Arrays;

/**
 * Times Dropout's training forward and backward on one thread, next to the cost of one
 * allocating pass over the same tensor ({@code x.mul(2.0)}), which bounds what any dropout can
 * do. Not a unit test (surefire does not pick it up) and not in the main jar; run it from the
 * test class path:
 *
 * <pre>{@code
 * mvn -q test-compile
 * java -cp target/classes:target/test-classes io.github.dropnet.bench.DropoutBenchmark [reps]
 * }</pre>
 *
 * Each line is the median of {@code reps} timed repetitions after as many untimed ones, which
 * let the JIT compile the kernels.
 */
public final class DropoutBenchmark {
  private DropoutBenchmark() {}

  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Tensor x = GradientCheck.random(1, 64, 64, 32, 32);
    baseline(x, reps);
    run("Dropout(0.5)", new Dropout(0.5).seed(1), x, reps);
    run("spatial2D(0.5, CHANNELS_FIRST)",
        Dropout.spatial2D(0.5, DataFormat.CHANNELS_FIRST).seed(1), x, reps);
    run("spatial2D(0.5, CHANNELS_LAST)", Dropout.spatial2D(0.5).seed(1), x, reps);
    run("Dropout(0.5, -1, 1, -1, -1)", new Dropout(0.5, -1, 1, -1, -1).seed(1), x, reps);
  }

  private static void baseline(Tensor x, int reps) {
    long[] t = new long[reps];
    double sink = 0;
    for (int r = -reps; r < reps; r++) {
      long t0 = System.nanoTime();
      sink += x.mul(2.0).data()[r & 1023];
      if (r >= 0) {
        t[r] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(t);
    System.out.printf("x (64, 64, 32, 32): %d doubles%n", x.size());
    System.out.printf("%-32s %7.3f ms%s%n", "baseline x.mul(2.0)", t[reps / 2] / 1e6,
        sink == 0.5 ? " " : "");
  }

  private static void run(String name, Dropout drop, Tensor x, int reps) {
    long[] fwd = new long[reps];
    long[] bwd = new long[reps];
    for (int r = -reps; r < reps; r++) {
      long t0 = System.nanoTime();
      drop.forward(x, true);
      long t1 = System.nanoTime();
      drop.backward(x);
      long t2 = System.nanoTime();
      if (r >= 0) {
        fwd[r] = t1 - t0;
        bwd[r] = t2 - t1;
      }
    }
    Arrays.sort(fwd);
    Arrays.sort(bwd);
    System.out.printf("%-32s forward %7.3f ms   backward %7.3f ms%n", name,
        fwd[reps / 2] / 1e6, bwd[reps / 2] / 1e6);
  }
}
