package io.github.dropnet.optimizers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import java.util.Arrays;
import java.util.List;

/** Runs an optimizer fixture step by step. */
final class OptimizerHarness {
  private OptimizerHarness() {}

  /** Slice {@code t} of a tensor of shape (steps, ...shape), as a tensor of {@code shape}. */
  static Tensor slice(Tensor stacked, int t, int[] shape) {
    int n = stacked.size() / stacked.dim(0);
    return Tensor.of(Arrays.copyOfRange(stacked.data(), t * n, (t + 1) * n), shape);
  }

  /**
   * Applies {@code grads[t]} for every step and checks that the parameter equals
   * {@code params[t]} after each, and that the gradients are left untouched.
   */
  static void run(BaseOptimizer<?> opt, Fixture f) {
    Tensor p = f.tensor("param_init");
    Tensor grads = f.tensor("grads");
    Tensor expected = f.tensor("params");
    int steps = f.intAttr("steps");
    assertEquals(steps, grads.dim(0), f.name + " grads");
    for (int t = 0; t < steps; t++) {
      Tensor g = slice(grads, t, p.shape());
      Tensor gCopy = g.copy();
      opt.step(List.of(p), List.of(g));
      assertClose(slice(expected, t, p.shape()), p, f.name + " after step " + (t + 1));
      assertEquals(gCopy, g, f.name + ": the gradient must not be modified");
    }
    assertEquals(steps, opt.iterations());
  }
}
