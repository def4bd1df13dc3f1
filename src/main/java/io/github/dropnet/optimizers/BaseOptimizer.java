package io.github.dropnet.optimizers;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.util.List;

/**
 * What every optimizer of this package shares: the learning rate (a constant or a
 * {@link LearningRateSchedule}), gradient clipping, the step counter, and the checks of
 * {@link #step}. A subclass only allocates its per-parameter state and applies its update rule.
 *
 * <h2>A step</h2>
 * {@link #step} first validates everything (so a bad call changes nothing): the two lists have
 * the same size, each gradient has the shape of its parameter, and, after the first step, the
 * parameters have the count and shapes they had on the first step. Then it takes the learning
 * rate {@code lr = schedule.rate(iterations())}, clips the gradients if asked, and calls
 * {@link #update} once per parameter with {@code t = iterations() + 1}, the 1-based number of
 * this step; finally it increments {@link #iterations()}.
 *
 * <h2>State</h2>
 * The state of each parameter (momentum, moment estimates) follows its position in the list and
 * is allocated on the first step, from the parameter sizes of that step. Later steps allocate
 * nothing. {@link #reset} forgets all state.
 *
 * <h2>Gradient clipping (Keras)</h2>
 * At most one of these is set, as in Keras (setting a second kind throws
 * {@link IllegalStateException}; setting the same kind again replaces the threshold):
 * <ul>
 *   <li>{@link #clipNorm(double) clipNorm(c)}: each gradient tensor {@code g} with
 *       {@code ||g||_2 > c} is scaled to {@code g * c / ||g||_2};
 *   <li>{@link #globalClipNorm(double) globalClipNorm(c)}: all gradients are scaled together by
 *       {@code min(1, c / N)}, where {@code N} is the L2 norm of all their elements;
 *   <li>{@link #clipValue(double) clipValue(c)}: each element is clamped to {@code [-c, c]}.
 * </ul>
 * Clipping is applied before the update and never modifies the caller's gradient tensors: the
 * clipped gradients are written to buffers owned by the optimizer (one per parameter, allocated
 * the first time clipping runs, then reused). Without clipping the caller's gradients are read
 * directly and nothing is copied. Norms are computed without overflow for very large gradients.
 *
 * <h2>Non-finite values</h2>
 * Gradients are not checked: a NaN or infinite gradient propagates into the parameters, as in
 * PyTorch and Keras.
 *
 * <h2>Thread safety</h2>
 * Not thread-safe: an optimizer holds mutable state for one training loop. The parameters are
 * modified in place, so they must not be read concurrently with {@link #step}.
 *
 * @param <T> the concrete optimizer, returned by the fluent setters
 */
public abstract class BaseOptimizer<T extends BaseOptimizer<T>> implements Optimizer {
  private enum Clip { NONE, NORM, GLOBAL_NORM, VALUE }

  private final String name;
  private LearningRateSchedule schedule;
  private Clip clip = Clip.NONE;
  private double clipThreshold;
  private long iterations;
  /** The parameter shapes of the first step; null before it. */
  private int[][] shapes;
  /** Clipped copies of the gradients, per parameter; allocated when clipping first runs. */
  private double[][] clipped;

  /**
   * An optimizer whose learning rate follows {@code schedule}, without clipping.
   *
   * @param schedule the learning rate schedule, not null
   * @throws IllegalArgumentException if {@code schedule} is null
   */
  protected BaseOptimizer(LearningRateSchedule schedule) {
    String simple = getClass().getSimpleName();
    this.name = simple.isEmpty() ? getClass().getName() : simple;
    this.schedule = checkSchedule(schedule);
  }

  /**
   * A constant learning rate for the constructors of {@code optimizer}.
   *
   * @param optimizer the optimizer's name, for the error message
   * @param lr the learning rate
   * @return a schedule that returns {@code lr} at every step
   * @throws IllegalArgumentException naming {@code optimizer} unless {@code lr} is finite and
   *     {@code >= 0}
   */
  protected static LearningRateSchedule constantRate(String optimizer, double lr) {
    return new ConstantLearningRate(Args.nonNegative(optimizer, "lr", lr));
  }

  /**
   * The simple class name, used in messages and in {@link #toString()}.
   *
   * @return the optimizer's name, such as {@code "SGD"}
   */
  protected final String name() {
    return name;
  }

  /**
   * Allocates the state of parameters of the given sizes (in list order); called once, at the
   * first step after construction or {@link #reset}.
   *
   * @param sizes the number of elements of each parameter, in list order
   */
  protected abstract void allocate(int[] sizes);

  /**
   * Applies the update rule to one parameter.
   *
   * @param index the parameter's position in the list (selects its state)
   * @param param the parameter's data, modified in place
   * @param grad its gradient (already clipped); must not be modified
   * @param lr the learning rate of this step
   * @param t the 1-based number of this step
   */
  protected abstract void update(int index, double[] param, double[] grad, double lr, long t);

  /**
   * The hyper-parameters other than the learning rate, for {@link #toString()}.
   *
   * @return for example {@code "momentum=0.9, nesterov=false"}; empty if there are none
   */
  protected abstract String config();

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  // ---------------------------------------------------------------- learning rate

  /**
   * Replaces the learning rate by a constant one.
   *
   * @param lr the learning rate used at every step
   * @return this optimizer
   * @throws IllegalArgumentException unless {@code lr} is finite and {@code >= 0}
   */
  public final T learningRate(double lr) {
    this.schedule = constantRate(name, lr);
    return self();
  }

  /**
   * Replaces the learning rate by a schedule.
   *
   * @param schedule the schedule, asked for the rate of each step by its 0-based number
   * @return this optimizer
   * @throws IllegalArgumentException if {@code schedule} is null
   */
  public final T learningRate(LearningRateSchedule schedule) {
    this.schedule = checkSchedule(schedule);
    return self();
  }

  /**
   * The rate the next step will use: {@code schedule.rate(iterations())}.
   *
   * @return the learning rate of the next step
   */
  public final double learningRate() {
    return schedule.rate(iterations);
  }

  /**
   * The learning rate schedule (a constant one if a number was given).
   *
   * @return the schedule in use
   */
  public final LearningRateSchedule learningRateSchedule() {
    return schedule;
  }

  private LearningRateSchedule checkSchedule(LearningRateSchedule s) {
    if (s == null) {
      throw new IllegalArgumentException(name + ": learning rate schedule must not be null");
    }
    return s;
  }

  // ---------------------------------------------------------------- clipping

  /**
   * Scales each gradient tensor whose L2 norm exceeds {@code c} down to norm {@code c} (Keras
   * {@code clipnorm}).
   *
   * @param c the largest L2 norm a gradient tensor keeps
   * @throws IllegalArgumentException unless {@code c} is finite and {@code > 0}
   * @throws IllegalStateException if another kind of clipping is set
   * @return this optimizer
   */
  public final T clipNorm(double c) {
    return setClip(Clip.NORM, "clipNorm", c);
  }

  /**
   * Scales all gradients together so that their joint L2 norm is at most {@code c} (Keras
   * {@code global_clipnorm}).
   *
   * @param c the largest joint L2 norm of all gradients
   * @throws IllegalArgumentException unless {@code c} is finite and {@code > 0}
   * @throws IllegalStateException if another kind of clipping is set
   * @return this optimizer
   */
  public final T globalClipNorm(double c) {
    return setClip(Clip.GLOBAL_NORM, "globalClipNorm", c);
  }

  /**
   * Clamps every gradient element to {@code [-c, c]} (Keras {@code clipvalue}).
   *
   * @param c the largest magnitude a gradient element keeps
   * @throws IllegalArgumentException unless {@code c} is finite and {@code > 0}
   * @throws IllegalStateException if another kind of clipping is set
   * @return this optimizer
   */
  public final T clipValue(double c) {
    return setClip(Clip.VALUE, "clipValue", c);
  }

  /**
   * Turns gradient clipping off.
   *
   * @return this optimizer
   */
  public final T noClipping() {
    clip = Clip.NONE;
    clipThreshold = 0;
    return self();
  }

  private T setClip(Clip kind, String arg, double c) {
    Args.positive(name, arg, c);
    if (clip != Clip.NONE && clip != kind) {
      throw new IllegalStateException(
          name + ": only one of clipNorm, globalClipNorm and clipValue can be set (as in Keras);"
              + " " + clipName() + " is already " + clipThreshold + ", received " + arg + " " + c
              + " (call noClipping() first to switch)");
    }
    clip = kind;
    clipThreshold = c;
    return self();
  }

  private String clipName() {
    switch (clip) {
      case NORM:
        return "clipNorm";
      case GLOBAL_NORM:
        return "globalClipNorm";
      case VALUE:
        return "clipValue";
      default:
        return "none";
    }
  }

  // ---------------------------------------------------------------- steps

  /**
   * The number of steps applied so far (Keras {@code optimizer.iterations}).
   *
   * @return the step count, 0 after construction or {@link #reset}
   */
  public final long iterations() {
    return iterations;
  }

  /**
   * Forgets all per-parameter state and sets {@link #iterations()} back to 0: the next step is a
   * first step again, and may take a different list of parameters.
   */
  public final void reset() {
    iterations = 0;
    shapes = null;
    clipped = null;
  }

  /**
   * Applies one update to {@code params} (modified in place) from {@code grads} (only read).
   *
   * @param params the parameters; their data is modified in place
   * @param grads the gradients, one per parameter in the same order and shape; not modified
   * @throws IllegalArgumentException if a list is null or holds null, the lists differ in size,
   *     a gradient's shape differs from its parameter's, or the parameters differ in count or
   *     shape from those of the first step; nothing is modified then
   * @throws IllegalStateException if the schedule returns a rate that is not finite and
   *     {@code >= 0}
   */
  @Override
  public final void step(List<Tensor> params, List<Tensor> grads) {
    checkLists(params, grads);
    double lr = schedule.rate(iterations);
    if (!(lr >= 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new IllegalStateException(
          name + ": learning rate schedule " + schedule + " returned " + lr + " at step "
              + iterations + "; expected a finite rate >= 0");
    }
    int n = params.size();
    if (shapes == null) {
      shapes = new int[n][];
      int[] sizes = new int[n];
      for (int i = 0; i < n; i++) {
        shapes[i] = params.get(i).shape();
        sizes[i] = params.get(i).size();
      }
      allocate(sizes);
    }
    double scale = clip == Clip.GLOBAL_NORM ? globalScale(grads) : 1.0;
    long t = iterations + 1;
    for (int i = 0; i < n; i++) {
      double[] g = grads.get(i).data();
      if (clip != Clip.NONE) {
        g = clipInto(i, n, g, scale);
      }
      update(i, params.get(i).data(), g, lr, t);
    }
    iterations = t;
  }

  private void checkLists(List<Tensor> params, List<Tensor> grads) {
    if (params == null || grads == null) {
      throw new IllegalArgumentException(
          name + ": params and grads must not be null, received params "
              + (params == null ? "null" : params.size() + " tensors") + " and grads "
              + (grads == null ? "null" : grads.size() + " tensors"));
    }
    if (params.size() != grads.size()) {
      throw new IllegalArgumentException(
          name + ": expected as many gradients as parameters, received " + params.size()
              + " parameters and " + grads.size() + " gradients");
    }
    if (shapes != null && params.size() != shapes.length) {
      throw new IllegalArgumentException(
          name + ": expected " + shapes.length + " parameters, as on the first step (state"
              + " follows list positions), received " + params.size());
    }
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      Tensor g = grads.get(i);
      if (p == null || g == null) {
        throw new IllegalArgumentException(
            name + ": parameter " + i + " and its gradient must not be null, received "
                + (p == null ? "null" : Shapes.format(p.shape())) + " and "
                + (g == null ? "null" : Shapes.format(g.shape())));
      }
      if (!sameShape(p, g)) {
        throw new IllegalArgumentException(
            name + ": gradient " + i + " must have the shape of parameter " + i + ", "
                + Shapes.format(p.shape()) + ", received " + Shapes.format(g.shape()));
      }
      if (shapes != null && !hasShape(p, shapes[i])) {
        throw new IllegalArgumentException(
            name + ": parameter " + i + " has shape " + Shapes.format(p.shape()) + " but its"
                + " state was created for shape " + Shapes.format(shapes[i]) + " on the first"
                + " step; pass the parameters in the same order on every step");
      }
    }
  }

  // Shape comparisons through rank() and dim(), which do not copy: a step allocates nothing.
  private static boolean sameShape(Tensor a, Tensor b) {
    if (a.rank() != b.rank()) {
      return false;
    }
    for (int k = 0; k < a.rank(); k++) {
      if (a.dim(k) != b.dim(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasShape(Tensor a, int[] shape) {
    if (a.rank() != shape.length) {
      return false;
    }
    for (int k = 0; k < shape.length; k++) {
      if (a.dim(k) != shape[k]) {
        return false;
      }
    }
    return true;
  }

  /** {@code min(1, c / N)} with {@code N} the L2 norm of all gradient elements together. */
  private double globalScale(List<Tensor> grads) {
    double max = 0;
    for (Tensor g : grads) {
      max = Math.max(max, maxAbs(g.data()));
    }
    double sum = 0;
    if (max > 0 && max < Double.POSITIVE_INFINITY) {
      for (Tensor g : grads) {
        sum += scaledSquares(g.data(), max);
      }
    }
    return scale(norm(max, sum), clipThreshold);
  }

  /** Writes the clipped gradient {@code g} of parameter {@code i} into its buffer. */
  private double[] clipInto(int i, int n, double[] g, double globalScale) {
    if (clipped == null || clipped.length != n) {
      clipped = new double[n][];
    }
    double[] out = clipped[i];
    if (out == null || out.length != g.length) {
      out = new double[g.length];
      clipped[i] = out;
    }
    double c = clipThreshold;
    switch (clip) {
      case VALUE:
        for (int j = 0; j < g.length; j++) {
          out[j] = g[j] > c ? c : (g[j] < -c ? -c : g[j]);
        }
        return out;
      case NORM:
        return scaleInto(g, out, normScale(g, c));
      case GLOBAL_NORM:
        return scaleInto(g, out, globalScale);
      default:
        throw new AssertionError(clip);
    }
  }

  private static double[] scaleInto(double[] g, double[] out, double scale) {
    if (scale == 1.0) {
      System.arraycopy(g, 0, out, 0, g.length);
    } else {
      for (int j = 0; j < g.length; j++) {
        out[j] = g[j] * scale;
      }
    }
    return out;
  }

  /** {@code min(1, c / ||g||)}. */
  private static double normScale(double[] g, double c) {
    double max = maxAbs(g);
    double sum = max > 0 && max < Double.POSITIVE_INFINITY ? scaledSquares(g, max) : 0;
    return scale(norm(max, sum), c);
  }

  /**
   * The L2 norm from the largest magnitude and the sum of squares divided by its square: 0, NaN
   * and infinity pass through as the norm itself.
   */
  private static double norm(double max, double scaledSquares) {
    return max > 0 && max < Double.POSITIVE_INFINITY ? max * Math.sqrt(scaledSquares) : max;
  }

  /**
   * {@code min(1, c / norm)}: 1 when the norm is within {@code c} (so the gradient is copied
   * unchanged), 0 for an infinite norm, NaN for a NaN norm (the NaN then propagates, as in Keras).
   */
  private static double scale(double norm, double c) {
    return norm > c ? c / norm : (Double.isNaN(norm) ? Double.NaN : 1.0);
  }

  /** The largest |g[j]|; NaN if any element is NaN. */
  private static double maxAbs(double[] g) {
    double max = 0;
    for (double v : g) {
      double a = Math.abs(v);
      if (a > max) {
        max = a;
      } else if (Double.isNaN(a)) {
        return a;
      }
    }
    return max;
  }

  /** {@code sum((g[j] / max)^2)}: the squared norm over max^2, which cannot overflow. */
  private static double scaledSquares(double[] g, double max) {
    double sum = 0;
    for (double v : g) {
      double s = v / max;  // not v * (1 / max): 1 / max overflows for subnormal max
      sum += s * s;
    }
    return sum;
  }

  /**
   * For example {@code SGD[lr=0.01, momentum=0.9, nesterov=false]}, with the clipping setting
   * appended when one is set.
   */
  @Override
  public String toString() {
    String c = config();
    return name + "[lr=" + schedule + (c.isEmpty() ? "" : ", " + c)
        + (clip == Clip.NONE ? "" : ", " + clipName() + "=" + clipThreshold) + "]";
  }
}
