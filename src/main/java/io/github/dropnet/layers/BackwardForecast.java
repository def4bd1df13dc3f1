package io.github.dropnet.layers;

/**
 * Whether a layer's next training forward will be followed by a backward, judged by the last
 * one: in a training loop every training forward is; in Monte Carlo predictions none is. A layer
 * that returns a large gradient uses it to allocate that array during the forward, when another
 * thread can zero it (see {@code io.github.dropnet.kernels.FreshArrays}), and not otherwise.
 *
 * <p>Thread safety: none; training forwards and backward are confined to one thread.
 */
final class BackwardForecast {
  /** Whether a backward followed the last training forward. */
  private boolean followed;
  /** Whether the last training forward is still waiting for its backward. */
  private boolean waiting;

  /**
   * Records a training forward.
   *
   * @return whether a backward is expected to follow it (as one followed the previous one)
   */
  boolean trainingForward() {
    if (waiting) {
      followed = false; // the previous training forward went without a backward
    }
    waiting = true;
    return followed;
  }

  /** Records a backward. */
  void backward() {
    followed = true;
    waiting = false;
  }
}
