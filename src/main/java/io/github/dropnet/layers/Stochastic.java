package io.github.dropnet.layers;

/**
 * A layer that draws random numbers when it runs in training mode (dropout, noise).
 *
 * <p>Its draws form one stream per layer, a pure function of the seed and of how many training
 * forwards it has run, so results do not depend on the thread count. {@link #reseed} restarts that
 * stream as if the layer had been constructed with {@code .seed(seed)}; a model uses it to make
 * Monte Carlo predictions and training runs repeatable.
 *
 * <p>Thread safety: {@code reseed} must not run concurrently with a training forward.
 */
public interface Stochastic {
  /**
   * Restarts the layer's random stream from {@code seed}.
   *
   * @param seed the seed, as given to the layer's {@code seed(long)} setter
   */
  void reseed(long seed);
}
