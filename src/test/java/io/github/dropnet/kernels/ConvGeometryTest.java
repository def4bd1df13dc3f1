package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConvGeometryTest {

  @Test
  void validDropsTrailingRowsThatDoNotFillAWindow() {
    assertEquals(3, ConvGeometry.outputSize(7, 2, 2, 1, false));
    assertEquals(2, ConvGeometry.outputSize(5, 2, 2, 1, false));
    assertEquals(4, ConvGeometry.outputSize(6, 3, 1, 1, false));
    assertEquals(1, ConvGeometry.outputSize(5, 3, 1, 2, false)); // extent 5
    assertEquals(90, ConvGeometry.outputSize(100, 11, 1, 1, false));
    assertEquals(0, ConvGeometry.padTotal(7, 3, 2, 1, false));
  }

  @Test
  void validWindowLargerThanInputGivesNoPositiveSize() {
    assertEquals(true, ConvGeometry.outputSize(4, 5, 1, 1, false) <= 0);
    assertEquals(true, ConvGeometry.outputSize(4, 3, 2, 2, false) <= 0); // extent 5
  }

  @Test
  void sameFollowsTensorFlowWithTheExtraPaddingAfter() {
    // 7 with 3x3 stride 2: out 4, total (3*2 + 3 - 7) = 2, 1 before and 1 after
    assertEquals(4, ConvGeometry.outputSize(7, 3, 2, 1, true));
    assertEquals(2, ConvGeometry.padTotal(7, 3, 2, 1, true));
    assertEquals(1, ConvGeometry.padBefore(7, 3, 2, 1, true));
    // 6 with 3 stride 2: out 3, total 1, all of it after (bottom/right)
    assertEquals(3, ConvGeometry.outputSize(6, 3, 2, 1, true));
    assertEquals(1, ConvGeometry.padTotal(6, 3, 2, 1, true));
    assertEquals(0, ConvGeometry.padBefore(6, 3, 2, 1, true));
    // even kernel 2, stride 1: total 1, after
    assertEquals(5, ConvGeometry.outputSize(5, 2, 1, 1, true));
    assertEquals(1, ConvGeometry.padTotal(5, 2, 1, 1, true));
    assertEquals(0, ConvGeometry.padBefore(5, 2, 1, 1, true));
    // 4 with kernel 4: total 3, 1 before, 2 after (not the symmetric (k-1)/2)
    assertEquals(1, ConvGeometry.padBefore(4, 4, 1, 1, true));
    // dilation 2 on a 3-tap kernel: extent 5, total 4, 2 before
    assertEquals(7, ConvGeometry.outputSize(7, 3, 1, 2, true));
    assertEquals(2, ConvGeometry.padBefore(7, 3, 1, 2, true));
    // stride larger than the window: no padding needed
    assertEquals(2, ConvGeometry.outputSize(5, 1, 3, 1, true));
    assertEquals(0, ConvGeometry.padTotal(5, 1, 3, 1, true));
    // window larger than the input: still one output
    assertEquals(1, ConvGeometry.outputSize(1, 5, 1, 1, true));
    assertEquals(2, ConvGeometry.padBefore(1, 5, 1, 1, true));
  }

  @Test
  void ofCombinesBothAxes() {
    ConvGeometry g = ConvGeometry.of(2, 3, 6, 7, 3, 2, 2, 2, 1, 1, true);
    assertEquals(3, g.outH());
    assertEquals(4, g.outW());
    assertEquals(0, g.padTop());
    assertEquals(0, g.padLeft());
    assertEquals(12, g.outPlane());
    assertEquals(42, g.inPlane());
    assertEquals(18, g.patchSize());
    assertEquals(12 * 18, g.columnSize());
  }
}
