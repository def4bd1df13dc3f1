package io.github.dropnet.layers;

import java.util.random.RandomGenerator;

/**
 * How {@link Dense} and {@link Conv2D} initialise their kernels: Keras' variance-scaling
 * initialisers, by name.
 *
 * <p>Each draws with a variance of {@code scale / n}, where {@code n} is the fan-in, or the mean
 * of the fans for Glorot; a Dense kernel (in, units) has fans in and units, a Conv2D kernel
 * (kh, kw, cin, filters) has fans kh*kw*cin and kh*kw*filters. A uniform draw takes
 * {@code [-limit, limit]} with {@code limit = sqrt(3 * scale / n)}; a normal one takes a normal
 * truncated at two standard deviations (values beyond redrawn) of standard deviation
 * {@code sqrt(scale / n) / 0.87962566103423978}, the factor making the truncated variance
 * {@code scale / n}, as Keras does.
 * <table>
 *   <caption>The initialisers</caption>
 *   <tr><th>constant</th><th>Keras name</th><th>distribution</th><th>scale</th><th>n</th></tr>
 *   <tr><td>{@link #GLOROT_UNIFORM}</td><td>glorot_uniform (the default)</td><td>uniform</td>
 *       <td>1</td><td>(fanIn + fanOut) / 2</td></tr>
 *   <tr><td>{@link #GLOROT_NORMAL}</td><td>glorot_normal</td><td>truncated normal</td>
 *       <td>1</td><td>(fanIn + fanOut) / 2</td></tr>
 *   <tr><td>{@link #HE_UNIFORM}</td><td>he_uniform</td><td>uniform</td><td>2</td>
 *       <td>fanIn</td></tr>
 *   <tr><td>{@link #HE_NORMAL}</td><td>he_normal</td><td>truncated normal</td><td>2</td>
 *       <td>fanIn</td></tr>
 *   <tr><td>{@link #LECUN_UNIFORM}</td><td>lecun_uniform</td><td>uniform</td><td>1</td>
 *       <td>fanIn</td></tr>
 *   <tr><td>{@link #LECUN_NORMAL}</td><td>lecun_normal</td><td>truncated normal</td><td>1</td>
 *       <td>fanIn</td></tr>
 * </table>
 * {@link #LECUN_NORMAL} is the initialiser of self-normalising networks ({@link Activation#SELU}
 * with {@link AlphaDropout}). The numbers drawn are the library's own (a seeded layer is
 * repeatable), not those of Keras' generators.
 *
 * <p>Thread safety: immutable; the generator passed to {@link #fill} must not be shared between
 * threads.
 */
public enum KernelInitializer {
  /** Keras' glorot_uniform, the default: uniform, variance {@code 2 / (fanIn + fanOut)}. */
  GLOROT_UNIFORM,
  /** Keras' glorot_normal: truncated normal, variance {@code 2 / (fanIn + fanOut)}. */
  GLOROT_NORMAL,
  /** Keras' he_uniform: uniform, variance {@code 2 / fanIn}. */
  HE_UNIFORM,
  /** Keras' he_normal: truncated normal, variance {@code 2 / fanIn}. */
  HE_NORMAL,
  /** Keras' lecun_uniform: uniform, variance {@code 1 / fanIn}. */
  LECUN_UNIFORM,
  /** Keras' lecun_normal: truncated normal, variance {@code 1 / fanIn}; for SELU networks. */
  LECUN_NORMAL;

  /**
   * Fills {@code w} (modified), a kernel of the given fans, in row-major order.
   *
   * @param w the kernel to fill (modified)
   * @param fanIn the kernel's fan-in, {@code > 0}
   * @param fanOut the kernel's fan-out, {@code > 0}
   * @param rng the generator to draw from
   * @throws IllegalArgumentException if a fan is not positive
   */
  public void fill(double[] w, int fanIn, int fanOut, RandomGenerator rng) {
    if (fanIn <= 0 || fanOut <= 0) {
      throw new IllegalArgumentException(
          "KernelInitializer." + name() + ": fans must be positive, received fanIn " + fanIn
              + ", fanOut " + fanOut);
    }
    switch (this) {
      case GLOROT_UNIFORM:
        Initializers.glorotUniform(w, fanIn, fanOut, rng);
        return;
      case GLOROT_NORMAL:
        Initializers.truncatedNormal(w, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
        return;
      case HE_UNIFORM:
        Initializers.uniform(w, Math.sqrt(6.0 / fanIn), rng);
        return;
      case HE_NORMAL:
        Initializers.truncatedNormal(w, Math.sqrt(2.0 / fanIn), rng);
        return;
      case LECUN_UNIFORM:
        Initializers.uniform(w, Math.sqrt(3.0 / fanIn), rng);
        return;
      case LECUN_NORMAL:
        Initializers.lecunNormal(w, fanIn, rng);
        return;
      default:
        throw new AssertionError(this);
    }
  }
}
