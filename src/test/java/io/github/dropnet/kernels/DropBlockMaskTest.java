package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DropBlockMaskTest {

  @Test
  void gammaIsThePapersCorrectionAndNeverExceedsTheRate() {
    assertEquals(0.1 / 9 * 1024 / 900, DropBlockMask.gamma(0.1, 3, 32, 32), 1e-17);
    assertEquals(0.5, DropBlockMask.gamma(0.5, 4, 4, 4), 0.0, "one position: gamma = rate");
    assertEquals(0.3, DropBlockMask.gamma(0.3, 1, 5, 7), 1e-17, "block 1: plain dropout");
    for (int s = 1; s <= 6; s++) {
      for (int h = s; h <= 12; h++) {
        assertTrue(DropBlockMask.gamma(1.0, s, h, h + 1) <= 1.0);
      }
    }
    assertEquals(5, DropBlockMask.blockSize(7, 5, 9));
    assertEquals(3, DropBlockMask.blockSize(3, 5, 9));
  }

  /** The documented definition, one element at a time. */
  private static boolean referenceKept(
      long key, double gamma, int ch, int h, int w, int s, boolean last, int i) {
    int b;
    int k;
    int r;
    int c;
    if (last) {
      k = i % ch;
      c = (i / ch) % w;
      r = (i / ch / w) % h;
      b = i / ch / w / h;
    } else {
      c = i % w;
      r = (i / w) % h;
      k = (i / w / h) % ch;
      b = i / w / h / ch;
    }
    long threshold = DropoutMask.threshold(gamma);
    int hc = h - s + 1;
    int wc = w - s + 1;
    for (int r0 = Math.max(0, r - s + 1); r0 <= Math.min(r, hc - 1); r0++) {
      for (int c0 = Math.max(0, c - s + 1); c0 <= Math.min(c, wc - 1); c0++) {
        long q = ((long) (b * ch + k) * hc + r0) * wc + c0;
        if (!DropoutMask.kept(key, threshold, q)) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void fillFollowsTheDefinitionInBothLayouts() {
    int n = 2;
    int ch = 3;
    int h = 9;
    int w = 7;
    int s = 3;
    double gamma = 0.08;
    for (boolean last : new boolean[] {true, false}) {
      long key = Rng.key(4, last ? 1 : 2);
      long[] mask = new long[DropoutMask.words(n * ch * h * w)];
      long kept = DropBlockMask.fill(key, gamma, n, ch, h, w, s, last, mask);
      long count = 0;
      for (int i = 0; i < n * ch * h * w; i++) {
        boolean expected = referenceKept(key, gamma, ch, h, w, s, last, i);
        assertEquals(expected, DropoutMask.get(mask, i), "layout last=" + last + " i=" + i);
        count += expected ? 1 : 0;
      }
      assertEquals(count, kept);
      assertTrue(kept < n * ch * h * w, "some blocks dropped");
    }
  }

  @Test
  void rejectsABlockLargerThanTheMapOrAWrongMaskSize() {
    assertThrows(IllegalArgumentException.class,
        () -> DropBlockMask.fill(1, 0.1, 1, 1, 3, 3, 4, true, new long[1]));
    assertThrows(IllegalArgumentException.class,
        () -> DropBlockMask.fill(1, 0.1, 1, 1, 30, 30, 3, true, new long[1]));
  }
}
