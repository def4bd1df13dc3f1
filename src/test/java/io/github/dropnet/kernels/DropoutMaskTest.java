package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DropoutMaskTest {
  private static final long HALF = 1L << 31;

  /** The documented definition, written out independently of the kernel. */
  private static boolean reference(long key, double rate, long i) {
    // bit b of element i's 32-bit draw is bit i % 64 of plane 32 * (i / 64) + 31 - b
    long u = 0;
    for (int b = 0; b < 32; b++) {
      long plane = Rng.bits(key, 32 * (i / 64) + 31 - b);
      u += ((plane >>> (i % 64)) & 1) * (1L << b);
    }
    return u >= Math.round(rate * 4294967296.0);
  }

  @Test
  void thresholdIsTheRateTimesTwoToThe32() {
    assertEquals(0, DropoutMask.threshold(0));
    assertEquals(1L << 32, DropoutMask.threshold(1));
    assertEquals(HALF, DropoutMask.threshold(0.5));
    SplittableRandom rng = new SplittableRandom(3);
    for (int k = 0; k < 1000; k++) {
      double rate = rng.nextDouble();
      double p = DropoutMask.threshold(rate) / 4294967296.0;
      assertTrue(Math.abs(p - rate) <= 0x1.0p-33, "P(drop) " + p + " for rate " + rate);
    }
  }

  @Test
  void thresholdRejectsRatesOutsideTheUnitInterval() {
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DropoutMask.threshold(bad));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }

  @Test
  void aMaskTakesOneBitPerElement() {
    assertEquals(0, DropoutMask.words(0));
    assertEquals(1, DropoutMask.words(1));
    assertEquals(1, DropoutMask.words(64));
    assertEquals(2, DropoutMask.words(65));
    assertEquals(33_554_432, DropoutMask.words(Integer.MAX_VALUE)); // no int overflow
    assertThrows(IllegalArgumentException.class, () -> DropoutMask.words(-1));
  }

  @Test
  void everyBitFollowsTheDocumentedDefinition() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int n : new int[] {1, 2, 63, 64, 65, 127, 128, 1000}) {
      for (double rate : new double[] {0.1, 0.5, 0.77}) {
        long key = rng.nextLong();
        long t = DropoutMask.threshold(rate);
        long[] mask = DropoutMask.create(key, t, n);
        assertEquals(DropoutMask.words(n), mask.length);
        for (int i = 0; i < n; i++) {
          boolean expected = reference(key, rate, i);
          assertEquals(expected, DropoutMask.get(mask, i), "n=" + n + " rate=" + rate + " i=" + i);
          assertEquals(expected, DropoutMask.kept(key, t, i));
        }
        // bits past the end are clear, so counting kept elements needs no size
        long kept = 0;
        for (int i = 0; i < n; i++) {
          kept += DropoutMask.get(mask, i) ? 1 : 0;
        }
        assertEquals(kept, DropoutMask.countKept(mask));
        if (n % 64 != 0) {
          assertEquals(0, mask[mask.length - 1] >>> (n % 64), "tail bits of n=" + n);
        }
      }
    }
  }

  @Test
  void goldenBitsPinTheStreamAcrossVersions() {
    // Changing these breaks every seeded user's reproducibility: do it only on purpose.
    long[] mask = DropoutMask.create(Rng.key(42, 0), DropoutMask.threshold(0.5), 150);
    assertArrayEquals(
        new long[] {0xA43B2F48B3FAA79DL, 0x1F809ECEE761A759L, 0x000000000021BFFDL}, mask);
    long[] low = DropoutMask.create(Rng.key(42, 1), DropoutMask.threshold(0.1), 64);
    assertArrayEquals(new long[] {0x7F7FF6FFFFDFFFFFL}, low);
  }

  @Test
  void fillingInPiecesOrInAnyOrderGivesTheSameBits() {
    int n = 64 * 37 + 11;
    long key = Rng.key(9, 4);
    long t = DropoutMask.threshold(0.3);
    long[] whole = DropoutMask.create(key, t, n);

    long[] halves = new long[whole.length];
    int mid = whole.length / 2;
    DropoutMask.fill(key, t, halves, n, mid, whole.length); // second half first
    DropoutMask.fill(key, t, halves, n, 0, mid);
    assertArrayEquals(whole, halves);

    long[] backwards = new long[whole.length];
    for (int w = whole.length - 1; w >= 0; w--) {
      DropoutMask.fill(key, t, backwards, n, w, w + 1);
    }
    assertArrayEquals(whole, backwards);

    // a larger array than needed: only the mask's words are written
    long[] roomy = new long[whole.length + 3];
    DropoutMask.fill(key, t, roomy, n);
    for (int w = 0; w < whole.length; w++) {
      assertEquals(whole[w], roomy[w]);
    }
  }

  @Test
  void threadsFillingDisjointRangesGiveTheSameBitsAsOneThread() throws Exception {
    int n = 1 << 20;
    long key = Rng.key(123, 7);
    long t = DropoutMask.threshold(0.5);
    long[] sequential = DropoutMask.create(key, t, n);
    for (int threads : new int[] {2, 3, 8}) {
      long[] parallel = new long[DropoutMask.words(n)];
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> parts = new ArrayList<>();
        int per = (parallel.length + threads - 1) / threads;
        for (int p = 0; p < threads; p++) {
          int from = Math.min(p * per, parallel.length);
          int to = Math.min(from + per, parallel.length);
          parts.add(pool.submit(() -> DropoutMask.fill(key, t, parallel, n, from, to)));
        }
        for (Future<?> f : parts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertArrayEquals(sequential, parallel, threads + " threads");
    }
  }

  @Test
  void rateZeroKeepsEverythingAndRateOneDropsEverything() {
    int n = 200;
    long[] none = DropoutMask.create(77, DropoutMask.threshold(0), n);
    long[] all = DropoutMask.create(77, DropoutMask.threshold(1), n);
    assertEquals(n, DropoutMask.countKept(none));
    assertEquals(0, DropoutMask.countKept(all));
  }

  @Test
  void differentKeysGiveDifferentMasks() {
    long t = DropoutMask.threshold(0.5);
    long[] a = DropoutMask.create(Rng.key(1, 0), t, 256);
    long[] b = DropoutMask.create(Rng.key(1, 1), t, 256);
    long[] c = DropoutMask.create(Rng.key(2, 0), t, 256);
    assertFalse(java.util.Arrays.equals(a, b));
    assertFalse(java.util.Arrays.equals(a, c));
    assertNotEquals(0, DropoutMask.countKept(a));
  }

  @Test
  void fillRejectsRangesOutsideTheMask() {
    long[] mask = new long[2];
    long t = HALF;
    assertThrows(IndexOutOfBoundsException.class, () -> DropoutMask.fill(1, t, mask, 100, 1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> DropoutMask.fill(1, t, mask, 100, 2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> DropoutMask.fill(1, t, mask, 200, 0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> DropoutMask.fill(1, t, mask, 100, -1, 1));
  }
}
