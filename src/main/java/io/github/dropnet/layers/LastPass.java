package io.github.dropnet.layers;

/**
 * What a layer's last forward left for its backward, and the rule that goes with it: a training
 * forward's pass (its mask or noise) serves exactly one backward, which releases it; an inference
 * forward's pass serves any number.
 *
 * <p>Thread safety: the pass is published through one volatile field, so inference forwards on
 * several threads may each set theirs (backward sees the last to finish); passes must be
 * immutable. Training forwards and backward are confined to one thread.
 *
 * @param <P> the layer's record of one forward
 */
final class LastPass<P> {
  private final String layer;
  /** What a training pass holds, for the message of a second backward: "mask", "noise". */
  private final String holds;
  private volatile Slot<P> last;

  /** {@code pass} is null once released. */
  private record Slot<P>(P pass, boolean training) {}

  /**
   * The slot of a layer whose training passes hold {@code holds}.
   *
   * @param layer the layer's name, for messages
   * @param holds what backward releases, for the message of a second backward
   */
  LastPass(String layer, String holds) {
    this.layer = layer;
    this.holds = holds;
  }

  /**
   * Keeps the pass of the forward that just ran: one backward may use it after a training forward,
   * any number after an inference one.
   */
  void keep(P pass, boolean training) {
    last = new Slot<>(pass, training);
  }

  /**
   * The pass for a backward; {@link #release} it once the backward has gone through.
   *
   * @throws IllegalStateException before any forward, or when a backward already released the
   *     pass of the last training forward
   */
  P forBackward() {
    Slot<P> slot = Checks.forwardDone(layer, last);
    if (slot.pass() == null) {
      throw new IllegalStateException(
          layer + ": backward called twice after one training forward; the first backward"
              + " released its " + holds + ", so run a training forward before each backward");
    }
    return slot.pass();
  }

  /** Drops the pass of a training forward after its backward; nothing after an inference one. */
  void release() {
    Slot<P> slot = last;
    if (slot != null && slot.training()) {
      last = new Slot<>(null, true);
    }
  }

  /** The last pass, or null before any forward and once released (for tests). */
  P peek() {
    Slot<P> slot = last;
    return slot == null ? null : slot.pass();
  }
}
