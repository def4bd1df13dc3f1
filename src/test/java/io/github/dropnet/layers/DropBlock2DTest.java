package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static io.github.dropnet.layers.DropoutTest.nonZero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Frozen;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

class DropBlock2DTest {

  /** Channels-last to channels-first. */
  private static Tensor toChannelsFirst(Tensor x) {
    int[] s = x.shape();
    Tensor y = Tensor.zeros(s[0], s[3], s[1], s[2]);
    for (int n = 0; n < s[0]; n++) {
      for (int i = 0; i < s[1]; i++) {
        for (int j = 0; j < s[2]; j++) {
          for (int c = 0; c < s[3]; c++) {
            y.set(x.get(n, i, j, c), n, c, i, j);
          }
        }
      }
    }
    return y;
  }

  /**
   * Whether every zero of map (n, c) of a channels-last tensor lies in an all-zero s x s square
   * that fits in the map: the zeros are a union of whole blocks.
   */
  private static boolean zerosAreWholeBlocks(Tensor y, int n, int c, int s) {
    int h = y.dim(1);
    int w = y.dim(2);
    boolean[][] covered = new boolean[h][w];
    for (int r0 = 0; r0 + s <= h; r0++) {
      for (int c0 = 0; c0 + s <= w; c0++) {
        boolean allZero = true;
        for (int r = r0; r < r0 + s && allZero; r++) {
          for (int q = c0; q < c0 + s && allZero; q++) {
            allZero = y.get(n, r, q, c) == 0;
          }
        }
        if (allZero) {
          for (int r = r0; r < r0 + s; r++) {
            for (int q = c0; q < c0 + s; q++) {
              covered[r][q] = true;
            }
          }
        }
      }
    }
    for (int r = 0; r < h; r++) {
      for (int q = 0; q < w; q++) {
        if (y.get(n, r, q, c) == 0 && !covered[r][q]) {
          return false;
        }
      }
    }
    return true;
  }

  // ---- block structure and normalisation ----

  @Test
  void zerosFormWholeBlocksPerSampleAndChannel() {
    int s = 3;
    Tensor y = new DropBlock2D(0.2, s).seed(5).forward(Tensor.ones(4, 16, 16, 3), true);
    int withZeros = 0;
    for (int n = 0; n < 4; n++) {
      for (int c = 0; c < 3; c++) {
        assertTrue(zerosAreWholeBlocks(y, n, c, s), "map (" + n + ", " + c + ")");
        boolean any = false;
        for (int i = 0; i < 16 && !any; i++) {
          for (int j = 0; j < 16 && !any; j++) {
            any = y.get(n, i, j, c) == 0;
          }
        }
        withZeros += any ? 1 : 0;
      }
    }
    assertEquals(12, withZeros, "every map has blocks at this rate");
    // the maps of one sample differ: per-(sample, channel) patterns
    boolean differ = false;
    for (int i = 0; i < 16 && !differ; i++) {
      for (int j = 0; j < 16 && !differ; j++) {
        differ = y.get(0, i, j, 0) != y.get(0, i, j, 1);
      }
    }
    assertTrue(differ);
  }

  @Test
  void theNormalisationKeepsTheMeanOfOnesAtOneAndTheDropRateNearTheTarget() {
    Tensor x = Tensor.ones(8, 32, 32, 4);
    Tensor y = new DropBlock2D(0.1, 5).seed(2).forward(x, true);
    assertEquals(1.0, y.mean(), 1e-12, "count(M) / sum(M) restores the mean exactly");
    double kept = 0;
    double value = 0;
    for (double v : y.data()) {
      if (v != 0) {
        kept++;
        value = v;
      }
    }
    double dropped = 1 - kept / y.size();
    assertTrue(dropped > 0.07 && dropped < 0.11, "dropped fraction " + dropped);
    assertEquals(y.size() / kept, value, 1e-12, "kept units are scaled by count / sum");
  }

  @Test
  void aBlockAsLargeAsTheMapDropsWholeMapsAndAllDroppedGivesZeros() {
    Tensor x = Tensor.ones(50, 4, 4, 1);
    Tensor y = new DropBlock2D(0.5, 9).seed(4).forward(x, true);
    int keptMaps = 0;
    for (int n = 0; n < 50; n++) {
      double first = y.get(n, 0, 0, 0);
      keptMaps += first != 0 ? 1 : 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          assertEquals(first, y.get(n, i, j, 0), 0.0, "one block covers the whole map");
        }
      }
    }
    assertTrue(keptMaps > 0 && keptMaps < 50, "both kept and dropped maps: " + keptMaps);
    double scale = 50.0 / keptMaps; // count / sum of the mask, whole maps of 16 alike
    for (int n = 0; n < 50; n++) {
      double v = y.get(n, 0, 0, 0);
      assertTrue(v == 0 || Math.abs(v - scale) < 1e-12, "map " + n + ": " + v + ", not " + scale);
    }
    // with a single map, a dropped map leaves nothing: zeros, not NaN
    DropBlock2D single = new DropBlock2D(1.0, 3).seed(1);
    Tensor ones = Tensor.ones(1, 3, 3, 1);
    Tensor z = single.forward(ones, true);
    assertEquals(Tensor.zeros(1, 3, 3, 1), z, "rate 1 with one position: everything dropped");
    assertEquals(Tensor.zeros(1, 3, 3, 1), single.backward(ones));
  }

  @Test
  void bothDataFormatsGiveTheSameBlocksTransposed() {
    Tensor x = nonZero(3, 2, 10, 12, 3);
    Tensor last = new DropBlock2D(0.3, 3).seed(17).forward(x, true);
    Tensor first = new DropBlock2D(0.3, 3).dataFormat(DataFormat.CHANNELS_FIRST).seed(17)
        .forward(toChannelsFirst(x), true);
    assertEquals(toChannelsFirst(last), first);
  }

  // ---- backward ----

  @Test
  void backwardUsesTheSameMaskAndFactorOnce() {
    DropBlock2D d = new DropBlock2D(0.3, 2).seed(9);
    Tensor y = d.forward(Tensor.ones(2, 8, 8, 2), true);
    assertEquals(y, d.backward(Tensor.ones(2, 8, 8, 2)));
    assertNull(d.maskBits());
    assertMessageHas(assertThrows(IllegalStateException.class,
        () -> d.backward(Tensor.ones(2, 8, 8, 2))), "DropBlock2D", "twice");
  }

  @Test
  void gradientsMatchFiniteDifferencesWithTheMaskHeldFixed() {
    Tensor x = GradientCheck.random(1, 2, 6, 7, 2);
    GradientCheck.check(Frozen.training(new DropBlock2D(0.3, 3), 5), x, 1);
    GradientCheck.check(
        Frozen.training(new DropBlock2D(0.3, 2).dataFormat(DataFormat.CHANNELS_FIRST), 5), x, 2);
    GradientCheck.check(new DropBlock2D(0.3, 3), x, 3);
  }

  // ---- identity, determinism, Monte Carlo ----

  @Test
  void inferenceAndRateZeroAreTheIdentityAndDrawNothing() {
    Tensor x = nonZero(1, 2, 5, 5, 2);
    DropBlock2D d = new DropBlock2D(0.5, 2).seed(1);
    assertSame(x, d.forward(x, false));
    assertSame(x, d.backward(x));
    DropBlock2D zero = new DropBlock2D(0, 2).seed(1);
    assertSame(x, zero.forward(x, true));
    assertSame(x, zero.backward(x));
    assertEquals(0, d.calls() + zero.calls());
  }

  @Test
  void sameSeedSameSequenceSuccessiveCallsDifferAndReseedRestarts() {
    Tensor x = Tensor.ones(2, 12, 12, 2);
    DropBlock2D a = new DropBlock2D(0.2, 3).seed(8);
    Tensor first = a.forward(x, true);
    Tensor second = a.forward(x, true);
    assertNotEquals(first, second, "Monte Carlo: new blocks on every training forward");
    assertEquals(first, new DropBlock2D(0.2, 3).seed(8).forward(x, true));
    a.reseed(8);
    assertEquals(first, a.forward(x, true));
    assertEquals(second, a.forward(x, true));
    assertNotEquals(new DropBlock2D(0.2, 3).forward(x, true),
        new DropBlock2D(0.2, 3).forward(x, true));
  }

  // ---- validation ----

  @Test
  void argumentsAndShapesAreValidatedNamingTheValue() {
    assertEquals("DropBlock2D: rate must be in [0, 1], received 1.5",
        assertThrows(IllegalArgumentException.class, () -> new DropBlock2D(1.5, 3))
            .getMessage());
    assertEquals("DropBlock2D: blockSize must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> new DropBlock2D(0.1, 0))
            .getMessage());
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> new DropBlock2D(0.1, 3).forward(Tensor.ones(2, 5, 5), true)),
        "DropBlock2D", "rank 4", "(N, H, W, C)", "(2, 5, 5)");
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> new DropBlock2D(0.1, 3).dataFormat(null)), "DropBlock2D", "data format");
    DropBlock2D built = new DropBlock2D(0.1, 3);
    built.build(-1, 8, 8, -1);
    assertThrows(IllegalStateException.class, () -> built.dataFormat(DataFormat.CHANNELS_FIRST));
    assertThrows(IllegalStateException.class, () -> built.seed(1));
    assertArrayEquals(new int[] {-1, 8, 8, 3}, built.outputShape(-1, 8, 8, 3));
    built.forward(Tensor.ones(1, 4, 4, 1), true);
    assertMessageHas(assertThrows(IllegalArgumentException.class,
        () -> built.backward(Tensor.ones(1, 4, 4, 2))), "(1, 4, 4, 1)", "(1, 4, 4, 2)");
  }

  @Test
  void theLinearScheduleOfThePaperRaisesTheRate() {
    DropBlock2D d = new DropBlock2D(0.1, 3).seed(1).rateSchedule(RateSchedule.linear(0, 0.1, 10));
    Tensor x = Tensor.ones(2, 8, 8, 2);
    assertSame(x, d.forward(x, true), "rate 0 at the start");
    d.onSchedule(10, 0);
    assertEquals(0.1, d.rate(), 0.0);
    assertEquals("DropBlock2D[rate=0.1, blockSize=3, dataFormat=CHANNELS_LAST, seed=1]",
        d.toString());
  }
}
