package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.FreshArrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Tensors large enough (16 MiB and more) for dropout to allocate its backward's gradient array at
 * forward time, once a backward has followed a training forward: the gradients must be exactly
 * those of the mask of the forward they follow, in every order of calls.
 */
class DropoutLargeTensorTest {
  private static final int[] SHAPE = {2, 1 << 20};

  /** {@code g * m / (1 - rate)}, with the mask read off the forward's output. */
  private static double[] expectedGradient(Tensor y, Tensor g, double rate) {
    double[] m = DropoutTest.maskOf(y);
    double[] dx = new double[m.length];
    for (int i = 0; i < dx.length; i++) {
      dx[i] = m[i] == 0 ? 0.0 : g.data()[i] * (1 / (1 - rate));
    }
    return dx;
  }

  @Test
  void everyBackwardOfATrainingLoopUsesItsOwnForwardsMask() {
    Tensor x = DropoutTest.nonZero(1, SHAPE);
    Tensor g = DropoutTest.nonZero(2, SHAPE);
    Dropout drop = new Dropout(0.3).seed(7);
    Tensor previous = null;
    for (int step = 0; step < 3; step++) {
      Tensor y = drop.forward(x, true);
      Tensor dx = drop.backward(g);
      assertArrayEquals(expectedGradient(y, g, 0.3), dx.data(), "step " + step);
      assertNotSame(g.data(), dx.data());
      assertNotSame(y.data(), dx.data());
      if (previous != null) {
        assertNotSame(previous.data(), dx.data(), "each backward returns a fresh array");
      }
      previous = dx;
    }
  }

  @Test
  void monteCarloForwardsBetweenTrainingStepsDoNotConfuseTheGradient() {
    Tensor x = DropoutTest.nonZero(3, SHAPE);
    Tensor g = DropoutTest.nonZero(4, SHAPE);
    Dropout drop = new Dropout(0.5).seed(11);
    drop.forward(x, true);
    drop.backward(g);                       // training: the next forward prepares a gradient
    drop.forward(x, true);                  // a Monte Carlo pass, no backward
    Tensor y = drop.forward(x, true);       // this one is followed by backward
    assertArrayEquals(expectedGradient(y, g, 0.5), drop.backward(g).data());
    Tensor z = drop.forward(x, false);      // inference between
    assertEquals(x, z);
    Tensor y2 = drop.forward(x, true);
    assertArrayEquals(expectedGradient(y2, g, 0.5), drop.backward(g).data());
  }

  @Test
  void resultsAreTheSameWithOneThreadAndTwo() {
    Tensor x = DropoutTest.nonZero(5, SHAPE);
    Tensor g = DropoutTest.nonZero(6, SHAPE);
    Supplier<Dropout> make = () -> new Dropout(0.25).seed(13);
    assertArrayEquals(SecondStep.gradient(make, x, g, 1), SecondStep.gradient(make, x, g, 2));
  }

  @Test
  void freshArraysAreZeroedAndDistinct() {
    double[][] arrays = FreshArrays.doubles(1000, 7, 1000);
    assertEquals(3, arrays.length);
    assertArrayEquals(new double[1000], arrays[0]);
    assertArrayEquals(new double[7], arrays[1]);
    assertArrayEquals(new double[1000], arrays[2]);
    assertNotSame(arrays[0], arrays[2]);
    assertEquals(0, FreshArrays.doubles().length);
    assertThrows(IllegalArgumentException.class, () -> FreshArrays.doubles(3, -1));
  }
}
