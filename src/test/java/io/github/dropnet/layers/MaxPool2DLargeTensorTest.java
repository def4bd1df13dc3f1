package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Inputs large enough (8 MiB and more) for max pooling to allocate its backward's gradient array
 * during a training forward, and training forwards that reuse their index array: every backward
 * must equal that of a fresh layer given only the same last forward, in every order of calls.
 */
class MaxPool2DLargeTensorTest {
  private static final int[] SHAPE = {4, 64, 64, 64};
  private static final int[] OUT = {4, 32, 32, 64};

  /** The gradient of a fresh layer that saw only {@code forward(x, training)}. */
  private static double[] freshGradient(Tensor x, Tensor g, boolean training) {
    MaxPool2D fresh = new MaxPool2D(2, 2);
    fresh.forward(x, training);
    return fresh.backward(g).data();
  }

  @Test
  void trainingStepsGiveEachForwardsOwnGradientInAFreshArray() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    Tensor previous = null;
    for (int step = 0; step < 3; step++) {
      Tensor x = GradientCheck.random(10 + step, SHAPE);
      Tensor g = GradientCheck.random(20 + step, OUT);
      pool.forward(x, true);
      Tensor dx = pool.backward(g);
      assertArrayEquals(freshGradient(x, g, true), dx.data(), "step " + step);
      if (previous != null) {
        assertNotSame(previous.data(), dx.data());
      }
      previous = dx;
    }
  }

  @Test
  void secondBackwardAndInterleavedForwardsStayCorrect() {
    MaxPool2D pool = new MaxPool2D(2, 2);
    Tensor x1 = GradientCheck.random(1, SHAPE);
    Tensor x2 = GradientCheck.random(2, SHAPE);
    Tensor g = GradientCheck.random(3, OUT);
    pool.forward(x1, true);
    pool.backward(g);
    pool.forward(x1, true);
    Tensor first = pool.backward(g);
    Tensor second = pool.backward(g);          // the same forward's gradient, a new array
    assertArrayEquals(first.data(), second.data());
    assertNotSame(first.data(), second.data());
    pool.forward(x1, true);                     // no backward after this one
    pool.forward(x2, true);
    assertArrayEquals(freshGradient(x2, g, true), pool.backward(g).data());
    pool.forward(x1, true);
    pool.forward(x2, false);                    // inference last: its maxima count
    assertArrayEquals(freshGradient(x2, g, false), pool.backward(g).data());
  }

  @Test
  void oneThreadAndTwoGiveTheSameGradient() {
    Tensor x = GradientCheck.random(4, SHAPE);
    Tensor g = GradientCheck.random(5, OUT);
    Supplier<MaxPool2D> make = () -> new MaxPool2D(2, 2);
    assertArrayEquals(SecondStep.gradient(make, x, g, 1), SecondStep.gradient(make, x, g, 2));
  }
}
