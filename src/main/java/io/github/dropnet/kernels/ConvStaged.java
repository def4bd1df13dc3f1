package io.github.dropnet.kernels;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The stride-1 forward into a new output array, computed while the JVM zeroes that array.
 *
 * <p>A new {@code double[]} is zeroed by the thread that asks for it, before anyone can write
 * to it: for an output of many MiB, as long as a fair share of the convolution, during which
 * the library's other threads would wait. Here the allocation is the first piece of work the
 * threads claim, before the blocks of images ({@link Parallel#forBlocksAfter}). A
 * block claimed before the new array exists is computed into a scratch array of the same
 * layout, the stage, and copied over at the end; every later block goes straight to the new
 * array. Each image is computed by {@link ConvPlanar#forward} either way, so the results do not
 * depend on which blocks were staged.
 *
 * <p>Thread safety: stateless; concurrent calls need stages of their own.
 */
final class ConvStaged {
  private ConvStaged() {}

  /**
   * The output of {@link Conv2dKernels#forward} on the stride-1 path, in a new array.
   *
   * @param strips {@link ConvPlanar#packStrips} of the kernel
   * @param stage scratch of at least the output's size (modified)
   * @param fresh makes the output array, {@code new double[size]}
   * @param block images per block
   */
  static double[] forward(
      double[] x, double[][] strips, double[] bias, ConvGeometry g, int filters,
      boolean channelsFirst, boolean relu, double[] stage, Supplier<double[]> fresh, int block) {
    int batch = g.batch();
    int blocks = (batch + block - 1) / block;
    int outImage = g.outPlane() * filters;
    AtomicReference<double[]> made = new AtomicReference<>();
    boolean[] staged = new boolean[blocks];
    // the output is made first; meanwhile, and after, blocks of images are computed
    Parallel.forBlocksAfter(() -> made.set(fresh.get()), blocks, 1, (from, to) -> {
      ConvPlanar planar = ConvPlanar.take(g, filters, channelsFirst);
      for (int b = from; b < to; b++) {
        double[] out = made.get();
        if (out == null) {
          out = stage;
          staged[b] = true;
        }
        for (int n = b * block; n < Math.min(batch, (b + 1) * block); n++) {
          planar.forward(x, strips, bias, relu, out, n);
        }
      }
      ConvPlanar.give(planar);
    });
    double[] out = made.get();
    Parallel.forBlocks(blocks, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        if (staged[b]) {
          int start = b * block * outImage;
          int end = Math.min(batch, (b + 1) * block) * outImage;
          System.arraycopy(stage, start, out, start, end - start);
        }
      }
    });
    return out;
  }
}
