package io.github.dropnet.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  private static final double TOL = 1e-15;

  @Test
  void exponentialDecay() {
    ExponentialDecay smooth = new ExponentialDecay(0.1, 10, 0.5);
    assertEquals(0.1, smooth.rate(0), TOL);
    assertEquals(0.1 * Math.sqrt(0.5), smooth.rate(5), TOL);
    assertEquals(0.05, smooth.rate(10), TOL);
    ExponentialDecay stairs = new ExponentialDecay(0.1, 10, 0.5, true);
    assertEquals(0.1, stairs.rate(9), TOL);
    assertEquals(0.05, stairs.rate(19), TOL);
    assertEquals(0.025, stairs.rate(20), TOL);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ExponentialDecay(0.1, 0, 0.5));
    assertEquals("ExponentialDecay: decaySteps must be > 0, received 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(-1, 10, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(1, 10, Double.NaN));
  }

  @Test
  void piecewiseConstantDecayBoundariesBelongToTheIntervalBefore() {
    PiecewiseConstantDecay s =
        new PiecewiseConstantDecay(new int[] {10, 20}, new double[] {1.0, 0.5, 0.1});
    assertEquals(1.0, s.rate(0));
    assertEquals(1.0, s.rate(10));
    assertEquals(0.5, s.rate(11));
    assertEquals(0.5, s.rate(20));
    assertEquals(0.1, s.rate(21));
    assertEquals(0.1, s.rate(1_000_000_000_000L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PiecewiseConstantDecay(new int[] {10}, new double[] {1.0}));
    assertEquals("PiecewiseConstantDecay: expected one more value than boundaries, received 1"
        + " boundaries [10] and 1 values [1.0]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new PiecewiseConstantDecay(new int[] {10, 10}, new double[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class,
        () -> new PiecewiseConstantDecay(new int[] {10}, new double[] {1, -2}));
    assertThrows(IllegalArgumentException.class, () -> new PiecewiseConstantDecay(null, null));
  }

  @Test
  void piecewiseConstantDecayCopiesItsArrays() {
    int[] b = {10};
    double[] v = {1.0, 0.5};
    PiecewiseConstantDecay s = new PiecewiseConstantDecay(b, v);
    b[0] = 0;
    v[0] = 7;
    assertEquals(1.0, s.rate(5));
  }

  @Test
  void cosineDecay() {
    CosineDecay s = new CosineDecay(1.0, 10, 0.1);
    assertEquals(1.0, s.rate(0), TOL);
    assertEquals(0.1 + 0.9 * 0.5, s.rate(5), TOL);
    assertEquals(0.1, s.rate(10), TOL);
    assertEquals(0.1, s.rate(50), TOL);
    assertEquals(1.0 * (0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.3)) + 0.1), s.rate(3), TOL);
    assertThrows(IllegalArgumentException.class, () -> new CosineDecay(1.0, 10, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new CosineDecay(1.0, -1, 0));
  }

  @Test
  void cosineDecayWithWarmup() {
    CosineDecay s = new CosineDecay(0.0, 10, 0.0, 1.0, 5);
    assertEquals(0.0, s.rate(0), TOL);
    assertEquals(0.4, s.rate(2), TOL);
    assertEquals(1.0, s.rate(5), TOL);
    assertEquals(0.5, s.rate(10), TOL);
    assertEquals(0.0, s.rate(15), TOL);
    assertEquals(0.0, s.rate(100), TOL);
    assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0, 10, 0, 1, -1));
  }

  @Test
  void cosineDecayWithATargetButNoWarmupDecaysFromTheTarget() {
    // Keras: once warmup_target is set, the decay starts from it, warm-up steps or not
    CosineDecay s = new CosineDecay(0.0, 100, 0.0, 0.1, 0);
    assertEquals(0.1, s.rate(0), TOL);
    assertEquals(0.05, s.rate(50), TOL);
    assertEquals(0.0, s.rate(100), TOL);
    assertEquals("CosineDecay[initialLearningRate=0.0, decaySteps=100, alpha=0.0,"
        + " warmupTarget=0.1, warmupSteps=0]", s.toString());
  }

  @Test
  void inverseTimeDecay() {
    InverseTimeDecay s = new InverseTimeDecay(1.0, 10, 1.0);
    assertEquals(1.0, s.rate(0), TOL);
    assertEquals(1 / 1.5, s.rate(5), TOL);
    assertEquals(0.5, s.rate(10), TOL);
    InverseTimeDecay stairs = new InverseTimeDecay(1.0, 10, 1.0, true);
    assertEquals(1.0, stairs.rate(9), TOL);
    assertEquals(0.5, stairs.rate(10), TOL);
    assertThrows(IllegalArgumentException.class, () -> new InverseTimeDecay(1.0, 10, -1));
  }

  @Test
  void polynomialDecay() {
    PolynomialDecay s = new PolynomialDecay(1.0, 10, 0.0, 2.0, false);
    assertEquals(1.0, s.rate(0), TOL);
    assertEquals(0.25, s.rate(5), TOL);
    assertEquals(0.0, s.rate(10), TOL);
    assertEquals(0.0, s.rate(20), TOL);
    PolynomialDecay cycling = new PolynomialDecay(1.0, 10, 0.0, 2.0, true);
    assertEquals(1.0, cycling.rate(0), TOL);
    assertEquals(0.25, cycling.rate(5), TOL);
    assertEquals(0.0625, cycling.rate(15), TOL);  // horizon 20: (1 - 15/20)^2
    PolynomialDecay linear = new PolynomialDecay(0.1, 100);
    assertEquals(0.1 - (0.1 - 1e-4) * 0.5, linear.rate(50), TOL);
    assertThrows(IllegalArgumentException.class, () -> new PolynomialDecay(1, 10, 0, -1, false));
  }

  @Test
  void optimizersUseRateOfTheStepsDoneSoFar() {
    SGD sgd = new SGD(new PiecewiseConstantDecay(new int[] {0}, new double[] {1.0, 0.5}));
    assertEquals(1.0, sgd.learningRate());
    Tensor p = Tensor.zeros(1);
    Tensor g = Tensor.ones(1);
    sgd.step(List.of(p), List.of(g));   // rate(0) = 1.0
    assertEquals(0.5, sgd.learningRate());
    sgd.step(List.of(p), List.of(g));   // rate(1) = 0.5
    assertEquals(-1.5, p.get(0), 0);
  }

  @Test
  void everyOptimizerTakesASchedule() {
    LearningRateSchedule half = new ExponentialDecay(1.0, 1, 0.5);
    assertEquals(1.0, new Adam(half).learningRate());
    assertEquals(1.0, new RMSprop(half, 0.9, 0.1, 1e-7).learningRate());
    assertEquals(1.0, new Adam(0.1).learningRate(half).learningRate());
    Adam adam = new Adam(half).learningRate(0.01);
    assertEquals(0.01, adam.learningRate());
    assertEquals("Adam[lr=ExponentialDecay[initialLearningRate=1.0, decaySteps=1,"
        + " decayRate=0.5, staircase=false], beta1=0.9, beta2=0.999, epsilon=1.0E-7]",
        new Adam(half).toString());
    assertThrows(IllegalArgumentException.class,
        () -> new SGD((LearningRateSchedule) null));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.1).learningRate(-1));
  }

  @Test
  void aScheduleReturningABadRateStopsTheStepBeforeAnyChange() {
    SGD sgd = new SGD(step -> step == 0 ? 0.1 : -0.1);
    Tensor p = Tensor.zeros(1);
    sgd.step(List.of(p), List.of(Tensor.ones(1)));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> sgd.step(List.of(p), List.of(Tensor.ones(1))));
    assertTrue(e.getMessage().startsWith("SGD: learning rate schedule"), e.getMessage());
    assertTrue(e.getMessage().endsWith("returned -0.1 at step 1; expected a finite rate >= 0"),
        e.getMessage());
    assertEquals(-0.1, p.get(0), 0);
    assertEquals(1, sgd.iterations());
  }

  @Test
  void constantSchedule() {
    assertEquals(0.3, LearningRateSchedule.constant(0.3).rate(123));
    assertEquals("0.3", LearningRateSchedule.constant(0.3).toString());
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
  }
}
