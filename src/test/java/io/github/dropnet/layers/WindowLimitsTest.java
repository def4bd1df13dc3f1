package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

/**
 * Windows, dilations and strides far larger than the image: the window arithmetic must not wrap
 * around (which gave wrong output shapes without a word), and SAME padding of a window dilated
 * far past the image must not allocate planes of padding.
 */
class WindowLimitsTest {
  private static final Tensor X = GradientCheck.random(5, 2, 5, 5, 1);

  @Test
  void aDilatedWindowLongerThanAnyArrayIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Conv2D(1, 3, 3).dilation(Integer.MAX_VALUE, 1).forward(X, false));
    assertEquals("Conv2D: the kernel height 4294967295 (3 dilated by 2147483647) is larger than"
        + " any input can be (2147483647); input shape (2, 5, 5, 1)", e.getMessage());
    // with SAME padding too, which needs no window to fit the input
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, 3, 3)
        .dilation(1, 1 << 30).padding(Padding.SAME).forward(X, false));
  }

  @Test
  void sameWithAWindowDilatedFarPastTheImageKeepsOnlyTheCentreTap() {
    Conv2D conv = new Conv2D(1, 3, 3).dilation(100_000, 100_000).padding(Padding.SAME).seed(3);
    Tensor y = conv.forward(X, false);
    assertArrayEquals(new int[] {2, 5, 5, 1}, y.shape());
    double centre = conv.getWeights().get(0).data()[4]; // kernel (3, 3, 1, 1), row 1, column 1
    for (int i = 0; i < X.size(); i++) {
      assertEquals(X.data()[i] * centre, y.data()[i], 0.0);
    }
  }

  @Test
  void aStrideLongerThanTheImageLeavesOneWindowWithSamePadding() {
    Conv2D conv = new Conv2D(1, 3, 3).strides(Integer.MAX_VALUE, Integer.MAX_VALUE)
        .padding(Padding.SAME).seed(3);
    Tensor y = conv.forward(X, false);
    assertArrayEquals(new int[] {2, 1, 1, 1}, y.shape(), "ceil(5 / stride) = 1, as Keras");
    // the total padding max((1 - 1) * stride + 3 - 5, 0) is 0: the window is the top left 3x3
    double[] w = conv.getWeights().get(0).data();
    for (int n = 0; n < 2; n++) {
      double sum = 0;
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          sum = Math.fma(X.data()[n * 25 + a * 5 + b], w[a * 3 + b], sum);
        }
      }
      assertEquals(sum, y.data()[n], 1e-12);
    }
  }

  @Test
  void aPoolWindowAndStrideOfTwoToTheThirtyOneTakeTheWholeImage() {
    Tensor y = new MaxPool2D(Integer.MAX_VALUE, Integer.MAX_VALUE).padding(Padding.SAME)
        .forward(X, true);
    assertArrayEquals(new int[] {2, 1, 1, 1}, y.shape());
    for (int n = 0; n < 2; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 25; i++) {
        max = Math.max(max, X.data()[n * 25 + i]);
      }
      assertEquals(max, y.data()[n], 0.0);
    }
    Tensor strided = new MaxPool2D(2, 2).strides(Integer.MAX_VALUE, Integer.MAX_VALUE)
        .padding(Padding.SAME).forward(X, false);
    assertArrayEquals(new int[] {2, 1, 1, 1}, strided.shape());
  }
}
