package io.github.dropnet.kernels;

import java.util.Arrays;

/**
 * DropBlock masks (Ghiasi, Lin and Le, 2018): square blocks of an image's feature maps dropped
 * together, one independent pattern per (sample, channel), packed one bit per element as in
 * {@link DropoutMask} (1 kept, 0 dropped).
 *
 * <h2>Definition</h2>
 * For maps of {@code H x W} and a block of {@code s x s} ({@code s <= min(H, W)}), a block may
 * start at any of the {@code (H - s + 1) * (W - s + 1)} top-left corners {@code (r, c)} whose block
 * fits in the map (equivalently: its centre lies in the valid region). Each corner of each
 * (sample {@code n}, channel {@code k}) is a block seed with probability {@code gamma},
 * independently; seed number
 * <pre>
 * q = ((n * C + k) * (H - s + 1) + r) * (W - s + 1) + c
 * </pre>
 * is drawn as element {@code q} of the dropout mask of {@code key} at rate {@code gamma}
 * ({@link DropoutMask#kept}): a seed where that mask drops. Every seed zeroes rows
 * {@code r .. r + s - 1} and columns {@code c .. c + s - 1} of map {@code (n, k)}; blocks may
 * overlap. The seed numbering does not depend on the data format, so one key gives the same
 * blocks, transposed, in both layouts.
 *
 * <p>{@link #gamma} is the paper's rate correction: with blocks of {@code s^2} units and only
 * valid corners eligible, {@code gamma = rate / s^2 * (H * W) / ((H - s + 1) * (W - s + 1))} makes
 * the expected fraction of seeds times the block area equal to {@code rate} (overlaps make the
 * dropped fraction slightly smaller).
 *
 * <p>Thread safety: stateless.
 */
public final class DropBlockMask {
  private DropBlockMask() {}

  /**
   * The block side actually used on {@code h x w} maps: {@code min(block, h, w)}, so a block larger
   * than the map covers the whole map (as keras-cv's DropBlock2D clips it).
   */
  public static int blockSize(int block, int h, int w) {
    return Math.min(block, Math.min(h, w));
  }

  /**
   * The seed probability for a drop rate, a block side {@code s} (already clipped by
   * {@link #blockSize}) and maps of {@code h x w}:
   * {@code rate / s^2 * (h * w) / ((h - s + 1) * (w - s + 1))}, which is at most {@code rate}.
   */
  public static double gamma(double rate, int s, int h, int w) {
    double area = (double) h * w;
    double valid = (double) (h - s + 1) * (w - s + 1);
    return Math.min(1.0, rate / ((double) s * s) * area / valid);
  }

  /**
   * Fills {@code mask} (modified), the packed block mask of a tensor of {@code n} samples,
   * {@code ch} channels and {@code h x w} maps in the given layout ({@code (n, h, w, ch)} when
   * {@code channelsLast}, else {@code (n, ch, h, w)}), for {@code key}, seed probability
   * {@code gamma} and block side {@code s}.
   *
   * @return the number of kept elements
   * @throws IllegalArgumentException unless {@code 1 <= s <= min(h, w)} and the mask has
   *     {@code words(n * ch * h * w)} words
   */
  public static long fill(
      long key, double gamma, int n, int ch, int h, int w, int s, boolean channelsLast,
      long[] mask) {
    int size = n * ch * h * w;
    if (s < 1 || s > Math.min(h, w) || mask.length != DropoutMask.words(size)) {
      throw new IllegalArgumentException(
          "DropBlockMask: block " + s + " on " + h + "x" + w + " maps needs 1 <= block <= "
              + Math.min(h, w) + " and " + DropoutMask.words(size) + " mask words, received "
              + mask.length);
    }
    Arrays.fill(mask, -1L);
    if (size > 0) {
      mask[mask.length - 1] = DropoutMask.validBits(size, mask.length - 1);
    }
    int hc = h - s + 1;
    int wc = w - s + 1;
    int seeds = n * ch * hc * wc;
    long[] keptSeeds = DropoutMask.create(key, DropoutMask.threshold(gamma), seeds);
    for (int word = 0; word < keptSeeds.length; word++) {
      long dropped = ~keptSeeds[word] & DropoutMask.validBits(seeds, word);
      while (dropped != 0) {
        int q = (word << 6) + Long.numberOfTrailingZeros(dropped);
        dropped &= dropped - 1;
        int c0 = q % wc;
        int r0 = (q / wc) % hc;
        int map = q / (wc * hc);
        clearBlock(mask, map / ch, map % ch, r0, c0, s, ch, h, w, channelsLast);
      }
    }
    return DropoutMask.countKept(mask);
  }

  /** Clears the bits of the {@code s x s} block at {@code (r0, c0)} of map {@code (b, k)}. */
  private static void clearBlock(
      long[] mask, int b, int k, int r0, int c0, int s, int ch, int h, int w,
      boolean channelsLast) {
    for (int r = r0; r < r0 + s; r++) {
      for (int c = c0; c < c0 + s; c++) {
        int i = channelsLast ? ((b * h + r) * w + c) * ch + k : ((b * ch + k) * h + r) * w + c;
        mask[i >>> 6] &= ~(1L << i);
      }
    }
  }
}
