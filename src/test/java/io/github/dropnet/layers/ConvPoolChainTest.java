package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

/**
 * A multivariate time series as a one-channel image, (N, 1, 100, 2) channels first, through a
 * Conv2D with 64 filters of (11, 2) and a MaxPool2D of (2, 1): Keras gives (None, 64, 90, 1) and
 * then (None, 64, 45, 1). The question then asks for a Dropout of 0.1 with noise shape
 * (batch, 64, 1, 1) without knowing the batch: here that is {@code -1}, and every
 * (sample, channel) plane is kept or dropped whole, for any batch size.
 */
class ConvPoolChainTest {

  private static Conv2D conv() {
    return new Conv2D(64, 11, 2).strides(1, 1).dataFormat(DataFormat.CHANNELS_FIRST).seed(2017);
  }

  private static MaxPool2D pool() {
    return new MaxPool2D(2, 1).dataFormat(DataFormat.CHANNELS_FIRST);
  }

  private static Dropout dropout() {
    return new Dropout(0.1, -1, 64, 1, 1).seed(7);
  }

  @Test
  void outputShapesChainWithAnUnknownBatch() {
    int[] afterConv = conv().outputShape(-1, 1, 100, 2);
    assertArrayEquals(new int[] {-1, 64, 90, 1}, afterConv);
    int[] afterPool = pool().outputShape(afterConv);
    assertArrayEquals(new int[] {-1, 64, 45, 1}, afterPool);
    assertArrayEquals(new int[] {-1, 64, 45, 1}, dropout().outputShape(afterPool));
  }

  @Test
  void theQuestionsRankThreeNoiseShapeIsRefusedByName() {
    // "should I just use (64, 1, 1)?": the noise shape must have the input's rank
    Dropout d = new Dropout(0.1, 64, 1, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.build(-1, 64, 45, 1));
    assertTrue(e.getMessage().contains("Dropout"), e.getMessage());
    assertTrue(e.getMessage().contains("(64, 1, 1)"), e.getMessage());
  }

  @Test
  void dropoutWithADynamicBatchKeepsOrDropsWholeChannelPlanes() {
    Conv2D conv = conv();
    MaxPool2D pool = pool();
    Dropout dropout = dropout();
    conv.build(-1, 1, 100, 2);
    pool.build(conv.outputShape(-1, 1, 100, 2));
    dropout.build(-1, 64, 45, 1);
    for (int n : new int[] {3, 64}) {
      Tensor pooled = pool.forward(conv.forward(GradientCheck.random(n, n, 1, 100, 2), false), false);
      Tensor y = dropout.forward(pooled, true);
      assertArrayEquals(new int[] {n, 64, 45, 1}, y.shape());
      int droppedPlanes = 0;
      for (int b = 0; b < n; b++) {
        for (int f = 0; f < 64; f++) {
          boolean kept = y.get(b, f, 0, 0) != 0;
          droppedPlanes += kept ? 0 : 1;
          for (int i = 0; i < 45; i++) {
            double expected = kept ? pooled.get(b, f, i, 0) * (1 / 0.9) : 0.0;
            assertEquals(expected, y.get(b, f, i, 0), "sample " + b + " channel " + f + " row " + i);
          }
        }
      }
      // rate 0.1 over 64n planes: some dropped, most kept (n = 3: 192 planes, n = 64: 4096)
      assertTrue(droppedPlanes > 0 && droppedPlanes < 64 * n / 4, "dropped " + droppedPlanes);
    }
  }

  @Test
  void forwardGivesTheChainedShapesForBatches3And64() {
    Conv2D conv = conv();
    MaxPool2D pool = pool();
    conv.build(-1, 1, 100, 2);
    pool.build(conv.outputShape(-1, 1, 100, 2));
    for (int n : new int[] {3, 64}) {
      Tensor x = GradientCheck.random(n, n, 1, 100, 2);
      Tensor c = conv.forward(x, false);
      assertArrayEquals(new int[] {n, 64, 90, 1}, c.shape());
      Tensor y = pool.forward(c, false);
      assertArrayEquals(new int[] {n, 64, 45, 1}, y.shape());
      for (int b = 0; b < n; b++) {
        for (int f = 0; f < 64; f++) {
          for (int i = 0; i < 45; i++) {
            double expected = Math.max(c.get(b, f, 2 * i, 0), c.get(b, f, 2 * i + 1, 0));
            assertEquals(expected, y.get(b, f, i, 0));
          }
        }
      }
      Tensor dx = conv.backward(pool.backward(Tensor.ones(y.shape())));
      assertArrayEquals(x.shape(), dx.shape());
    }
  }
}
