package io.github.dropnet.layers;

import io.github.dropnet.kernels.Rng;
import java.util.OptionalLong;

/**
 * The random stream of a stochastic layer: a seed and how many calls have drawn from it.
 *
 * <p>Call {@code k} (from 0, counted since construction or the last {@link #reseed}) uses the key
 * {@code Rng.key(seed, k)}, so the draws are a pure function of the seed and the call count,
 * whatever the thread count. A stream nobody seeded uses a fresh seed taken at construction and
 * reports no seed.
 *
 * <p>Thread safety: none; confined to the layer's training thread, as the layer's training
 * forwards are.
 */
final class RandomStream {
  private long seed = Rng.freshSeed();
  /** Whether {@link #reseed} chose the seed. */
  private boolean seeded;
  /** The number of keys drawn since the seed was set. */
  private long calls;

  /** Restarts the stream from {@code seed}, as a layer created with {@code .seed(seed)}. */
  void reseed(long seed) {
    this.seed = seed;
    this.seeded = true;
    this.calls = 0;
  }

  /** The key of the next call, {@code Rng.key(seed, calls)}; advances the stream. */
  long nextKey() {
    return Rng.key(seed, calls++);
  }

  /** The seed given to {@link #reseed}, or empty if the stream uses a fresh one. */
  OptionalLong seed() {
    return seeded ? OptionalLong.of(seed) : OptionalLong.empty();
  }

  /** The seed in use, chosen or fresh, for what else the layer derives from it. */
  long current() {
    return seed;
  }

  /** How many keys were drawn since the seed was set. */
  long calls() {
    return calls;
  }

  /** {@code ", seed=<seed>"} for a layer's {@code toString}, or {@code ""} if unseeded. */
  String describe() {
    return seeded ? ", seed=" + seed : "";
  }
}
