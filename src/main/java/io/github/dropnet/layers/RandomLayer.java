package io.github.dropnet.layers;

import java.util.OptionalLong;

/**
 * The part that every layer drawing random numbers in training (dropout, noise) has in common: a
 * seedable random stream, the seed setter and getters, and the rule that the setters work only
 * until the layer is built. Each subclass says what it draws and how its forward and backward use
 * the draws. {@link #build} and {@link #outputShape} here suit a layer without weights whose
 * output has its input's shape, each subclass saying which input shapes it accepts; a layer that
 * wraps another ({@link DropConnect}) overrides them.
 *
 * <p>The fluent setters declared here return the concrete layer, so that
 * {@code new Dropout(0.5).seed(1)} is a {@link Dropout} and can be configured further. Only the
 * layers of this package extend this class.
 *
 * <h2>Determinism</h2>
 * The draws form one stream per layer: the {@code k}-th training forward that draws uses a key
 * derived from {@code (seed, k)}, so a seeded layer repeats from run to run whatever the thread
 * count, and successive calls differ. An unseeded layer takes a fresh seed when constructed.
 * {@link #reseed} restarts the stream as if the layer had been created with {@code .seed(seed)}.
 *
 * <h2>Thread safety</h2>
 * {@link #seed(long)}, {@link #reseed} and training forwards are confined to one thread at a time;
 * see each layer for what may run concurrently.
 *
 * <h2>Errors</h2>
 * {@link IllegalStateException}, naming the layer: {@link #seed(long)} (or another setter) after
 * the layer is built. {@link IllegalArgumentException}, naming the layer: an input shape the layer
 * does not accept, in {@link #build} and {@link #outputShape}.
 *
 * @param <L> the concrete layer, which the fluent setters return
 */
public abstract class RandomLayer<L extends RandomLayer<L>> implements Layer, Stochastic {
  /** The layer's name, which starts every message. */
  final String name;
  /** The random stream: one key per training forward that draws. */
  final RandomStream stream = new RandomStream();
  /** Whether the layer is built; the setters throw once it is. */
  boolean built;

  /**
   * A random layer with a fresh, unseeded stream.
   *
   * @param name the layer's name, for messages
   */
  RandomLayer(String name) {
    this.name = name;
  }

  /**
   * Seeds the layer's random stream, so that its draws repeat from run to run.
   *
   * @param seed the seed of the random stream
   * @return this layer
   * @throws IllegalStateException if the layer is already built
   */
  public L seed(long seed) {
    Checks.notBuilt(name, built, "seed");
    stream.reseed(seed);
    return self();
  }

  /** Restarts the random stream as if the layer had been created with {@code .seed(seed)}. */
  @Override
  public void reseed(long seed) {
    stream.reseed(seed);
  }

  /** {@return the seed given to {@link #seed(long)} or {@link #reseed}; empty if unseeded} */
  public OptionalLong seed() {
    return stream.seed();
  }

  /**
   * Checks that the layer accepts inputs of this shape (see the layer's class documentation); the
   * layer has no weights to create.
   *
   * @throws IllegalArgumentException naming the layer, if it does not accept inputs of this shape
   */
  @Override
  public void build(int... inputShape) {
    checkInputShape(inputShape);
    built = true;
  }

  /** The input shape itself (a copy), after the checks of {@link #build}. */
  @Override
  public int[] outputShape(int... inputShape) {
    checkInputShape(inputShape);
    return inputShape.clone();
  }

  /**
   * Throws {@link IllegalArgumentException}, naming the layer, if it does not accept inputs of
   * this shape; here only a null shape is rejected, and a layer with more rules overrides this.
   */
  void checkInputShape(int[] inputShape) {
    Checks.notNull(name, "input shape", inputShape);
  }

  /** This layer as its concrete type, for the fluent setters. */
  @SuppressWarnings("unchecked") // every subclass is declared as X extends RandomLayer<X>
  final L self() {
    return (L) this;
  }

  /** How many training forwards have drawn from the stream since the seed was set (for tests). */
  long calls() {
    return stream.calls();
  }
}
