package io.github.dropnet.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import org.junit.jupiter.api.Test;

class MeanSquaredErrorTest {
  private final Loss mse = new MeanSquaredError();

  @Test
  void matchesFixture() {
    LossHarness.checkFixture(mse, Fixture.load("loss_mean_squared_error"));
  }

  @Test
  void meanOverAllElements() {
    Tensor p = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor y = Tensor.of(new double[] {0, 2, 3, 2}, 2, 2);
    assertEquals((1 + 0 + 0 + 4) / 4.0, mse.compute(p, y), 0);
    assertEquals(Tensor.of(new double[] {0.5, 0, 0, 1}, 2, 2), mse.gradient(p, y));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    LossHarness.checkGradient("mse", mse, GradientCheck.random(1, 3, 4, 2),
        GradientCheck.random(2, 3, 4, 2));
  }

  @Test
  void rejectsShapeMismatchNamingBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mse.compute(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    assertTrue(e.getMessage().contains("MeanSquaredError"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> mse.gradient(Tensor.zeros(2, 3), Tensor.zeros(6)));
    assertThrows(IllegalArgumentException.class, () -> mse.compute(null, Tensor.zeros(1)));
    assertThrows(IllegalArgumentException.class,
        () -> mse.compute(Tensor.zeros(0, 3), Tensor.zeros(0, 3)));
  }

  @Test
  void describesItself() {
    assertEquals("MeanSquaredError[]", mse.toString());
    assertEquals(new MeanSquaredError(), mse);
  }

  @Test
  void rejectsNonFiniteTargetsNamingThem() {
    MeanSquaredError mse = new MeanSquaredError();
    for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
      Tensor y = Tensor.of(new double[] {bad, 0}, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mse.compute(Tensor.zeros(2), y));
      assertEquals("MeanSquaredError: expected finite targets, received yTrue (2,) holding "
          + bad + " at flat index 0", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> mse.gradient(Tensor.zeros(2), y));
    }
  }
}
