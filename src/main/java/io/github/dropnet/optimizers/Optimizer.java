package io.github.dropnet.optimizers;

import io.github.dropnet.Tensor;
import java.util.List;

/**
 * Updates parameters in place from their gradients.
 *
 * <p>State (momentum, moment estimates) is kept per parameter by its position in the list, so the
 * same list order must be passed on every step.
 *
 * <p>Thread safety: not thread-safe; one optimizer serves one training loop.
 */
public interface Optimizer {
  /**
   * Applies one update to {@code params} (modified) using {@code grads}.
   *
   * @param params the parameters; their data is modified in place
   * @param grads the gradients, one per parameter in the same order and shape; not modified
   * @throws IllegalArgumentException if the lists differ in size or a pair differs in shape
   */
  void step(List<Tensor> params, List<Tensor> grads);
}
