package io.github.dropnet.layers;

import static io.github.dropnet.layers.DropoutTest.assertMessageHas;
import static io.github.dropnet.layers.DropoutTest.checkWithFixedMask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class SpatialDropoutTest {
  private static final DataFormat LAST = DataFormat.CHANNELS_LAST;
  private static final DataFormat FIRST = DataFormat.CHANNELS_FIRST;

  @Test
  void noiseShapesKeepBatchAndChannelsForAllSixCombinations() {
    assertArrayEquals(new int[] {-1, 1, -1}, Dropout.spatial1D(0.5, LAST).noiseShape());
    assertArrayEquals(new int[] {-1, 1, 1, -1}, Dropout.spatial2D(0.5, LAST).noiseShape());
    assertArrayEquals(new int[] {-1, 1, 1, 1, -1}, Dropout.spatial3D(0.5, LAST).noiseShape());
    assertArrayEquals(new int[] {-1, -1, 1}, Dropout.spatial1D(0.5, FIRST).noiseShape());
    assertArrayEquals(new int[] {-1, -1, 1, 1}, Dropout.spatial2D(0.5, FIRST).noiseShape());
    assertArrayEquals(new int[] {-1, -1, 1, 1, 1}, Dropout.spatial3D(0.5, FIRST).noiseShape());
    // channels last is the default, as for every image layer
    assertArrayEquals(new int[] {-1, 1, -1}, Dropout.spatial1D(0.5).noiseShape());
    assertArrayEquals(new int[] {-1, 1, 1, -1}, Dropout.spatial2D(0.5).noiseShape());
    assertArrayEquals(new int[] {-1, 1, 1, 1, -1}, Dropout.spatial3D(0.5).noiseShape());
    assertEquals(0.25, Dropout.spatial2D(0.25, FIRST).rate());
    assertEquals("Dropout[rate=0.5, noiseShape=(-1, 1, 1, -1), scaling=INVERTED]",
        Dropout.spatial2D(0.5).toString());
  }

  @Test
  void wrongRankInputsAreRejectedNamingBothShapes() {
    Dropout d2 = Dropout.spatial2D(0.5, LAST);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d2.forward(Tensor.ones(2, 3, 4), true));
    assertMessageHas(e, "Dropout", Shapes.format(-1, 1, 1, -1), Shapes.format(2, 3, 4));
    assertThrows(IllegalArgumentException.class, () -> Dropout.spatial1D(0.5, FIRST).build(2, 3));
    assertThrows(IllegalArgumentException.class,
        () -> Dropout.spatial3D(0.5, LAST).build(2, 3, 4, 5));
    assertThrows(IllegalArgumentException.class, () -> Dropout.spatial2D(0.5, null));
    assertThrows(IllegalArgumentException.class, () -> Dropout.spatial2D(1.5, LAST));
  }

  /**
   * PyTorch's {@code _test_dropoutNd_channel_zero}: every (sample, channel) slice of the output is
   * all zero or all kept (and scaled), for 1-D, 2-D and 3-D data in both formats; and so is the
   * gradient.
   */
  @Test
  void everyChannelSliceIsAllZeroOrAllKept() {
    checkChannelSlices(Dropout::spatial1D, 3);
    checkChannelSlices(Dropout::spatial2D, 4);
    checkChannelSlices(Dropout::spatial3D, 5);
  }

  private static void checkChannelSlices(BiFunction<Double, DataFormat, Dropout> make, int rank) {
    int batch = 3;
    int channels = 16;
    int[] spatial = {7, 5, 4};
    for (DataFormat format : DataFormat.values()) {
      int[] shape = new int[rank];
      shape[0] = batch;
      int channelAxis = format == LAST ? rank - 1 : 1;
      shape[channelAxis] = channels;
      for (int ax = 1, s = 0; ax < rank; ax++) {
        if (ax != channelAxis) {
          shape[ax] = spatial[s++];
        }
      }
      int sliceSize = Shapes.size(shape) / (batch * channels);
      double rate = 0.5;
      Dropout d = make.apply(rate, format).seed(rank * 10L + format.ordinal());
      Tensor x = Tensor.ones(shape);
      Tensor y = d.forward(x, true);
      Tensor dy = GradientCheck.random(3, shape).add(2.0); // in [1, 3): never 0
      Tensor dx = d.backward(dy);

      // count the non-zeros of each (sample, channel) slice
      int[] nonZeroY = new int[batch * channels];
      int[] nonZeroDx = new int[batch * channels];
      int[] strides = Shapes.strides(shape);
      for (int i = 0; i < y.size(); i++) {
        int b = i / strides[0];
        int c = (i / strides[channelAxis]) % channels;
        if (y.data()[i] != 0) {
          nonZeroY[b * channels + c]++;
          assertEquals(2.0, y.data()[i], 0.0, "kept values are scaled by 1 / (1 - rate)");
          assertEquals(dy.data()[i] * 2.0, dx.data()[i], 0.0);
        }
        nonZeroDx[b * channels + c] += dx.data()[i] != 0 ? 1 : 0;
      }
      int zeroSlices = 0;
      String what = rank + "-d " + format + " " + Shapes.format(shape);
      for (int k = 0; k < batch * channels; k++) {
        assertTrue(nonZeroY[k] == 0 || nonZeroY[k] == sliceSize,
            what + ": slice " + k + " has " + nonZeroY[k] + " of " + sliceSize + " kept");
        assertEquals(nonZeroY[k], nonZeroDx[k], what + ": gradient slice " + k);
        zeroSlices += nonZeroY[k] == 0 ? 1 : 0;
      }
      assertTrue(zeroSlices > 0 && zeroSlices < batch * channels,
          what + ": " + zeroSlices + " of " + batch * channels + " slices dropped");
    }
  }

  /** Training-mode finite differences with the mask held fixed, for every rank and format. */
  @Test
  void trainingGradientsMatchFiniteDifferencesWithTheMaskHeldFixed() {
    checkWithFixedMask(Dropout.spatial1D(0.5, FIRST), GradientCheck.random(1, 2, 4, 5), 1);
    checkWithFixedMask(Dropout.spatial1D(0.5, LAST), GradientCheck.random(2, 2, 5, 4), 2);
    checkWithFixedMask(Dropout.spatial2D(0.5, FIRST), GradientCheck.random(3, 2, 4, 3, 4), 3);
    checkWithFixedMask(Dropout.spatial2D(0.5, LAST), GradientCheck.random(4, 2, 3, 4, 4), 4);
    checkWithFixedMask(
        Dropout.spatial2D(0.5, LAST).scaling(Dropout.Scaling.AT_INFERENCE),
        GradientCheck.random(4, 2, 3, 4, 4), 7);
    checkWithFixedMask(Dropout.spatial3D(0.5, FIRST), GradientCheck.random(5, 2, 4, 3, 2, 3), 5);
    checkWithFixedMask(Dropout.spatial3D(0.5, LAST), GradientCheck.random(6, 2, 3, 2, 3, 4), 6);
  }

  @Test
  void theMaskHoldsOneBitPerSampleAndChannel() {
    Dropout d = Dropout.spatial2D(0.5, FIRST).seed(1);
    d.forward(Tensor.ones(4, 32, 28, 28), true);
    assertEquals(2, d.maskBits().length, "4 * 32 = 128 bits, not 4 * 32 * 28 * 28");
  }
}
