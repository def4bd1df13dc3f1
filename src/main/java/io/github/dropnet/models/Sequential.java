package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.Stochastic;
import io.github.dropnet.losses.Loss;
import io.github.dropnet.optimizers.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A linear stack of layers, itself a {@link Layer}: Keras' {@code Sequential}.
 *
 * <pre>{@code
 * Sequential model = new Sequential(
 *     new Dense(64).activation(Activation.RELU),
 *     new Dropout(0.5),
 *     new Dense(10).activation(Activation.SOFTMAX));
 * model.compile(new Adam(1e-3), new CategoricalCrossentropy(false), Metric.accuracy());
 * History h = model.fit(x, y, new FitOptions().epochs(10).batchSize(32).validationSplit(0.1));
 * Tensor probabilities = model.predict(xTest);
 * }</pre>
 *
 * <h2>Building</h2>
 * {@link #build} builds the layers in order, each with the output shape of the one before. A
 * model that is not built builds itself on its first {@code forward}, {@code predict},
 * {@code evaluate} or {@code fit}, from the input's shape with the batch size left open (-1).
 * A layer added to a built model is built at once. The layers of this library ignore a second
 * build for a compatible shape, so a layer built (and given weights) before it is added keeps its
 * weights.
 *
 * <h2>As a layer</h2>
 * {@code forward} runs the layers in order and {@code backward} in reverse; the weights, the
 * gradients, {@link #parameters()} and {@link #gradients()} are those of every layer, concatenated
 * in layer order. A model may be nested in another. An {@link IllegalArgumentException} or
 * {@link IllegalStateException} from a layer is rethrown, same type, with its message prefixed by
 * the layer's position and class: {@code "Sequential layer 2 (Dense): ..."}, the original as the
 * cause.
 *
 * <h2>Training</h2>
 * {@link #compile} sets the optimizer, the loss and the metrics; {@link #fit} then, for every
 * batch of rows: {@code forward(batch, true)}, the loss and its gradient,
 * {@link #backwardWeightsOnly} (the weight gradients of {@code backward}, without the gradient
 * with respect to the data), {@code optimizer.step(parameters(), gradients())}. The rows are copied into each batch, in a new
 * random order every epoch unless shuffling is off; the last batch may be smaller. Progress
 * output, validation, callbacks and the {@link History} follow Keras (see {@link FitOptions},
 * {@link Callback}).
 *
 * <h2>Determinism</h2>
 * With {@link FitOptions#seed(long)} set, a fit is a pure function of the seed, the data, the
 * options and the model's weights when it starts: two such fits give bit-identical histories and
 * weights. The seed fixes the order of the rows in every epoch and, through {@link #reseed}, the
 * random stream of every {@link Stochastic} layer (dropout, noise), nested models included, each
 * from its own derived seed. Without a seed, each fit shuffles from a fresh seed and the layers
 * keep their own streams (repeatable only for layers seeded themselves). Inference
 * ({@link #predict(Tensor)}, {@link #evaluate}) draws no random numbers at all;
 * {@link #predict(Tensor, boolean) predict(x, true)} draws from the layers' streams, which
 * {@link #reseed} restarts (see {@link MonteCarlo}). The weights a layer starts with come from its
 * own initialiser; set them (or seed the layers) for a fully repeatable run.
 *
 * <h2>Thread safety</h2>
 * Inference on a built model, {@code predict(x)}, {@code evaluate} and {@code forward(x, false)},
 * keeps no state in the model and may run from many threads at once when its layers allow it
 * (the layers of this library do). Everything else is confined to one thread at a time and must
 * not overlap inference: building, {@code fit} (single-threaded), {@code forward(x, true)},
 * {@code backward}, {@code predict(x, true)}, {@code setWeights}, {@code compile},
 * {@code add} and {@code reseed}.
 */
public final class Sequential implements Layer, Stochastic {
  /** Keras' default batch size for {@code predict} and {@code evaluate}. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private final List<Layer> layers = new ArrayList<>();
  private int[] inputShape;
  private Optimizer optimizer;
  private Loss loss;
  private List<Metric> metrics = List.of();
  private volatile boolean stopTraining;

  /**
   * A model of the given layers, in order; more can be {@link #add}ed.
   *
   * @param layers the layers, applied first to last; none may be null
   * @throws IllegalArgumentException if a layer is null
   */
  public Sequential(Layer... layers) {
    for (Layer layer : layers) {
      add(layer);
    }
  }

  /**
   * Appends a layer; if the model is built, builds the layer for the current output shape.
   *
   * @param layer the layer applied after the current last one
   * @return this model
   * @throws IllegalArgumentException if {@code layer} is null or this model itself, or does not
   *     suit the current output shape
   */
  public Sequential add(Layer layer) {
    if (layer == null) {
      throw new IllegalArgumentException("Sequential.add: layer must not be null");
    }
    if (layer == this) {
      throw new IllegalArgumentException("Sequential.add: a model cannot contain itself");
    }
    if (inputShape != null) {
      int[] shape = outputShape(inputShape);
      try {
        layer.build(shape);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(layers.size(), layer, e);
      }
    }
    layers.add(layer);
    return this;
  }

  /** {@return the layers, in order (an unmodifiable view)} */
  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /**
   * {@return true once the model is built (explicitly or by a first forward, predict, evaluate
   * or fit)}
   */
  public boolean isBuilt() {
    return inputShape != null;
  }

  /**
   * Builds every layer in order for inputs of {@code inputShape} (batch first; -1 for a size left
   * open). Does nothing if the model is already built for a compatible shape.
   *
   * @throws IllegalArgumentException if a layer rejects its input shape, or the model was built
   *     for an incompatible shape
   */
  @Override
  public void build(int... inputShape) {
    if (inputShape == null || inputShape.length == 0) {
      throw new IllegalArgumentException(
          "Sequential: build expected a shape with a batch axis first, received "
              + (inputShape == null ? "null" : "()"));
    }
    if (this.inputShape != null) {
      if (!compatible(this.inputShape, inputShape)) {
        throw new IllegalArgumentException(
            "Sequential: already built for input shape " + Shapes.format(this.inputShape)
                + ", received " + Shapes.format(inputShape));
      }
      return;
    }
    int[] shape = inputShape.clone();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      try {
        layer.build(shape);
        shape = layer.outputShape(shape);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(i, layer, e);
      }
    }
    this.inputShape = inputShape.clone();
  }

  /**
   * Before a backward: requires every layer, those of nested models and the layers that
   * {@link DropConnect} wraps included, to take one place in the model. A layer keeps what its
   * backward needs from its own last forward, so a layer in two places (which predicts correctly,
   * its weights shared) would be trained on the state of its second place only.
   */
  private void checkTrainable() {
    distinctLayers(layers, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static void distinctLayers(List<Layer> layers, Set<Layer> seen) {
    for (Layer layer : layers) {
      if (!seen.add(layer)) {
        throw new IllegalStateException("Sequential: the same " + layer.getClass().getSimpleName()
            + " instance takes two places in the model (nested and wrapped layers included): it"
            + " predicts, but cannot be trained, as its backward needs the forward of one place;"
            + " give each place an instance of its own");
      }
      if (layer instanceof Sequential) {
        distinctLayers(((Sequential) layer).layers, seen);
      } else if (layer instanceof DropConnect) {
        distinctLayers(List.of(((DropConnect) layer).inner()), seen);
      }
    }
  }

  private static boolean compatible(int[] a, int[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != -1 && b[i] != -1 && a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@return a copy of the input shape the model was built for, or null if it is not built} */
  public int[] inputShape() {
    return inputShape == null ? null : inputShape.clone();
  }

  @Override
  public int[] outputShape(int... inputShape) {
    if (inputShape == null) {
      throw new IllegalArgumentException("Sequential.outputShape: inputShape must not be null");
    }
    int[] shape = inputShape.clone();
    for (int i = 0; i < layers.size(); i++) {
      try {
        shape = layers.get(i).outputShape(shape);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(i, layers.get(i), e);
      }
    }
    return shape;
  }

  /**
   * Builds the model for inputs shaped as {@code x}, its batch left open; if a layer refuses
   * that shape, the message also gives {@code x}'s own shape, which the layer did not see.
   */
  private void buildFor(Tensor x) {
    int[] open = Rows.batchFree(x.shape());
    try {
      build(open);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Sequential: cannot build for inputs of shape "
          + Shapes.format(x.shape()) + " (batch left open, " + Shapes.format(open) + "): "
          + e.getMessage(), e);
    }
  }

  /** Runs the layers in order; builds the model from {@code input}'s shape if it is not built. */
  @Override
  public Tensor forward(Tensor input, boolean training) {
    Rows.checkBatched("Sequential: the input", input);
    if (!isBuilt()) {
      buildFor(input);
    }
    Tensor h = input;
    for (int i = 0; i < layers.size(); i++) {
      try {
        h = layers.get(i).forward(h, training);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(i, layers.get(i), e);
      }
    }
    return h;
  }

  /**
   * Runs the layers' backward in reverse order; each also computes its weight gradients.
   *
   * @throws IllegalStateException if there was no forward yet, or a layer instance takes two
   *     places in the model (see {@link #backwardWeightsOnly})
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public Tensor backward(Tensor gradOutput) {
    checkTrainable();
    Tensor g = gradOutput;
    for (int i = layers.size() - 1; i >= 0; i--) {
      try {
        g = layers.get(i).backward(g);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(i, layers.get(i), e);
      }
    }
    return g;
  }

  /**
   * The backward of a training step, computing only what the weight gradients need: the layers
   * from the last down to the first one with weights, which gets {@link
   * Layer#backwardWeightsOnly}; the layers before it (with no weights) get no backward at all,
   * as nothing reads their gradients. {@link #fit} runs this; the weight gradients are those of
   * {@link #backward}.
   *
   * <p>A layer instance may take two places in a model (places in nested models and inside a
   * {@link DropConnect} included) for prediction, its weights then shared; such a model cannot be
   * trained, as a layer's backward needs the forward of one place, and its backward throws rather
   * than train on the wrong state.
   *
   * @throws IllegalStateException if there was no forward yet, or a layer instance takes two
   *     places in the model
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   */
  @Override
  public void backwardWeightsOnly(Tensor gradOutput) {
    checkTrainable();
    int first = 0;
    while (first < layers.size() && layers.get(first).parameters().isEmpty()) {
      first++;
    }
    Tensor g = gradOutput;
    for (int i = layers.size() - 1; i >= first; i--) {
      try {
        if (i > first) {
          g = layers.get(i).backward(g);
        } else {
          layers.get(i).backwardWeightsOnly(g);
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw inLayer(i, layers.get(i), e);
      }
    }
  }

  /** Every layer's weights (copies), concatenated in layer order. */
  @Override
  public List<Tensor> getWeights() {
    List<Tensor> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.getWeights());
    }
    return all;
  }

  /**
   * Copies in the weights of every layer, concatenated in layer order (what {@link #getWeights}
   * returns). Every count and shape is checked before any layer changes.
   *
   * @throws IllegalArgumentException if the total count is wrong, or a tensor has the wrong shape
   *     (the message names the layer)
   * @throws IllegalStateException if the model is not built
   */
  @Override
  public void setWeights(List<Tensor> weights) {
    if (weights == null) {
      throw new IllegalArgumentException("Sequential: setWeights expected a list, received null");
    }
    if (!isBuilt()) {
      throw new IllegalStateException(
          "Sequential: setWeights needs a built model; call build(inputShape) first");
    }
    List<List<Tensor>> current = new ArrayList<>();
    int total = 0;
    for (Layer layer : layers) {
      List<Tensor> w = layer.getWeights();
      current.add(w);
      total += w.size();
    }
    if (weights.size() != total) {
      StringBuilder counts = new StringBuilder();
      for (int i = 0; i < layers.size(); i++) {
        if (!current.get(i).isEmpty()) {
          counts.append(counts.length() == 0 ? "" : ", ").append("layer ").append(i).append(" (")
              .append(typeName(layers.get(i))).append("): ").append(current.get(i).size());
        }
      }
      throw new IllegalArgumentException(
          "Sequential: setWeights expected " + total + " tensors (" + counts + "), received "
              + weights.size());
    }
    int k = 0;
    for (int i = 0; i < layers.size(); i++) {
      for (int j = 0; j < current.get(i).size(); j++, k++) {
        Tensor given = weights.get(k);
        int[] expected = current.get(i).get(j).shape();
        if (given == null || !Shapes.same(expected, given.shape())) {
          throw new IllegalArgumentException(
              "Sequential layer " + i + " (" + typeName(layers.get(i)) + "): setWeights expected "
                  + "weight " + j + " (tensor " + k + " of the list) of shape "
                  + Shapes.format(expected) + ", received "
                  + (given == null ? "null" : Shapes.format(given.shape())));
        }
      }
    }
    k = 0;
    for (int i = 0; i < layers.size(); i++) {
      int n = current.get(i).size();
      if (n > 0) {
        try {
          layers.get(i).setWeights(weights.subList(k, k + n));
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw inLayer(i, layers.get(i), e);
        }
      }
      k += n;
    }
  }

  /** Every layer's weight gradients from the last backward (copies), in layer order. */
  @Override
  public List<Tensor> getGradients() {
    List<Tensor> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.getGradients());
    }
    return all;
  }

  /** Every layer's live weight tensors, in layer order. */
  @Override
  public List<Tensor> parameters() {
    List<Tensor> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.parameters());
    }
    return all;
  }

  /** Every layer's live gradient tensors, matching {@link #parameters()}. */
  @Override
  public List<Tensor> gradients() {
    List<Tensor> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.gradients());
    }
    return all;
  }

  /**
   * Restarts the random stream of every {@link Stochastic} layer: layer {@code i} is reseeded with
   * {@code Rng.key(seed, i)}, so layers (and the layers of a nested model) get distinct streams.
   */
  @Override
  public void reseed(long seed) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof Stochastic) {
        ((Stochastic) layers.get(i)).reseed(Rng.key(seed, i));
      }
    }
  }

  /**
   * Sets the optimizer and the loss for {@link #fit} and {@link #evaluate}; no metrics.
   *
   * @param optimizer the optimizer that {@link #fit} steps
   * @param loss the loss that {@link #fit} minimises and {@link #evaluate} reports
   * @throws IllegalArgumentException if an argument is null
   */
  public void compile(Optimizer optimizer, Loss loss) {
    compile(optimizer, loss, new Metric[0]);
  }

  /**
   * Sets the optimizer, the loss and the metrics reported by {@link #fit} and
   * {@link #evaluateMetrics}, e.g. {@code compile(new Adam(1e-3), loss, Metric.accuracy())}.
   *
   * @param optimizer the optimizer that {@link #fit} steps
   * @param loss the loss that {@link #fit} minimises and {@link #evaluate} reports
   * @param metrics the metrics reported besides the loss, each under its own name
   * @throws IllegalArgumentException if an argument is null or two metrics share a name
   */
  public void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
    if (optimizer == null || loss == null) {
      throw new IllegalArgumentException(
          "Sequential.compile: optimizer and loss must not be null, received optimizer="
              + optimizer + ", loss=" + loss);
    }
    List<String> names = new ArrayList<>(List.of("loss"));
    if (metrics == null) {
      throw new IllegalArgumentException("Sequential.compile: metrics must not be null");
    }
    Metric[] bound = metrics.clone();
    for (int i = 0; i < bound.length; i++) {
      Metric m = bound[i];
      if (m == null) {
        throw new IllegalArgumentException("Sequential.compile: metrics must not be null");
      }
      if (names.contains(m.name())) {
        throw new IllegalArgumentException(
            "Sequential.compile: two values would be reported as \"" + m.name() + "\"");
      }
      names.add(m.name());
      if (m instanceof Accuracy) {
        bound[i] = ((Accuracy) m).forLoss(loss);
      }
    }
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = List.of(bound);
  }

  /**
   * The metrics given to {@link #compile}, in order (unmodifiable; empty before compile);
   * {@link Metric#accuracy()} as bound to the loss.
   *
   * @return the compiled metrics
   */
  public List<Metric> metrics() {
    return metrics;
  }

  /**
   * Asks the running {@link #fit} to stop after the current batch (Keras'
   * {@code model.stop_training = True}); the epoch still ends normally. Meant for callbacks; each
   * fit clears the request when it starts.
   */
  public void stopTraining() {
    stopTraining = true;
  }

  /** {@return true if a stop was requested since the last fit started} */
  public boolean isStopTrainingRequested() {
    return stopTraining;
  }

  /**
   * Trains for {@code epochs} passes over shuffled batches of {@code batchSize} rows, silently.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @param epochs the number of passes over the data, {@code >= 0} (0 trains nothing, as Keras)
   * @param batchSize the number of rows per training step, {@code > 0}
   * @return the loss and metrics of every epoch
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException if {@code epochs < 0} or {@code batchSize <= 0}, or as
   *     {@link #fit(Tensor, Tensor, FitOptions)}
   * @see #fit(Tensor, Tensor, FitOptions)
   */
  public History fit(Tensor x, Tensor y, int epochs, int batchSize) {
    return fit(x, y, new FitOptions().epochs(epochs).batchSize(batchSize));
  }

  /**
   * Trains the model on rows of {@code x} against the same rows of {@code y}; see the class
   * description for the steps and {@link FitOptions} for the settings.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @param options the epochs, batch size, shuffling, validation, callbacks and output
   * @return the loss and metrics of every epoch
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException if {@code options} is null, {@code x} and {@code y} (or the
   *     validation data) differ in their number of rows, there are no training rows, a validation
   *     split leaves no rows on either side, or a layer or the loss refuses the data's shapes
   */
  public History fit(Tensor x, Tensor y, FitOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("fit: options must not be null");
    }
    if (optimizer == null) {
      throw new IllegalStateException(
          "Sequential: fit needs an optimizer and a loss; call compile(optimizer, loss) first");
    }
    Rows.checkSame("fit", "x and y", x, y);
    Tensor trainX = x;
    Tensor trainY = y;
    Tensor valX = options.validationX();
    Tensor valY = options.validationY();
    if (valX == null && options.validationSplit() > 0) {
      int n = x.dim(0);
      int split = (int) Math.floor(n * (1 - options.validationSplit()));
      if (split == 0 || split == n) {
        throw new IllegalArgumentException(
            "fit: validationSplit " + options.validationSplit() + " of " + n + " rows leaves "
                + split + " training and " + (n - split) + " validation rows; both need at least 1");
      }
      trainX = Rows.slice(x, 0, split);
      trainY = Rows.slice(y, 0, split);
      valX = Rows.slice(x, split, n);
      valY = Rows.slice(y, split, n);
    }
    if (valX != null && valX.dim(0) == 0) {
      throw new IllegalArgumentException(
          "fit: validation x has no rows, received shape " + Shapes.format(valX.shape()));
    }
    int n = trainX.dim(0);
    if (n == 0) {
      throw new IllegalArgumentException(
          "fit: x has no rows, received shape " + Shapes.format(x.shape()));
    }
    if (!isBuilt()) {
      buildFor(x);
    }
    OptionalLong given = options.seed();
    long seed = given.isPresent() ? given.getAsLong() : Rng.freshSeed();
    if (given.isPresent()) {
      reseed(Rng.key(seed, 1));
    }
    SplittableRandom shuffler = new SplittableRandom(Rng.key(seed, 0));

    int batchSize = options.batchSize();
    int epochs = options.epochs();
    int steps = (n + batchSize - 1) / batchSize;
    List<Callback> callbacks = options.callbacks();
    ProgressPrinter progress = new ProgressPrinter(
        options.output(), options.verbose(), ProgressPrinter.isInteractive(options.output()),
        System::nanoTime);
    History history = new History();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }

    stopTraining = false;
    for (Callback c : callbacks) {
      c.onTrainBegin(this);
    }
    Map<String, Double> logs = new LinkedHashMap<>();
    for (int epoch = 0; epoch < epochs && !stopTraining; epoch++) {
      for (Callback c : callbacks) {
        c.onEpochBegin(epoch);
      }
      progress.epochBegin(epoch, epochs, steps);
      if (options.shuffle()) {
        shuffle(order, shuffler);
      }
      Means means = new Means(metrics);
      for (int step = 0; step < steps; step++) {
        int from = step * batchSize;
        int to = Math.min(n, from + batchSize);
        Tensor xb = Rows.gather(trainX, order, from, to);
        Tensor yb = Rows.gather(trainY, order, from, to);
        Tensor pred = forward(xb, true);
        means.add(loss.compute(pred, yb), pred, yb, to - from);
        backwardWeightsOnly(loss.gradient(pred, yb));
        optimizer.step(parameters(), gradients());
        Map<String, Double> batchLogs = means.logs("");
        for (Callback c : callbacks) {
          c.onBatchEnd(step, batchLogs);
        }
        progress.batchEnd(step + 1, batchLogs);
        if (stopTraining) {
          break;
        }
      }
      Map<String, Double> epochLogs = new LinkedHashMap<>(means.logs(""));
      if (valX != null) {
        epochLogs.putAll(evaluate(valX, valY, batchSize, "val_"));
      }
      // as in Keras, the callbacks may add to the logs; the history and the progress line follow
      for (Callback c : callbacks) {
        c.onEpochEnd(epoch, epochLogs);
      }
      history.record(epochLogs);
      progress.epochEnd(epochLogs);
      logs = epochLogs;
    }
    for (Callback c : callbacks) {
      c.onTrainEnd(logs);
    }
    return history;
  }

  /** Fisher-Yates, in place. */
  private static void shuffle(int[] order, SplittableRandom rng) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /**
   * Inference, in batches of {@value #DEFAULT_BATCH_SIZE}: every dropout is the identity.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @return a new tensor with one output row per input row
   * @throws IllegalArgumentException as {@link #predict(Tensor, boolean, int)}
   */
  public Tensor predict(Tensor x) {
    return predict(x, false, DEFAULT_BATCH_SIZE);
  }

  /**
   * Inference in batches of {@code batchSize} rows.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param batchSize the number of rows per forward pass, {@code > 0}
   * @return a new tensor with one output row per input row
   * @throws IllegalArgumentException as {@link #predict(Tensor, boolean, int)}
   */
  public Tensor predict(Tensor x, int batchSize) {
    return predict(x, false, batchSize);
  }

  /**
   * The outputs for {@code x}, in batches of {@value #DEFAULT_BATCH_SIZE}. With
   * {@code training == true} dropout and noise stay on, each call drawing new masks: Monte Carlo
   * dropout (see {@link MonteCarlo}); no weight changes either way.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param training true to keep dropout and noise on (Monte Carlo dropout)
   * @return a new tensor with one output row per input row
   * @throws IllegalArgumentException as {@link #predict(Tensor, boolean, int)}
   */
  public Tensor predict(Tensor x, boolean training) {
    return predict(x, training, DEFAULT_BATCH_SIZE);
  }

  /**
   * The outputs for {@code x}, computed {@code batchSize} rows at a time, in a new tensor. Builds
   * the model from {@code x} if it is not built.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param training true to keep dropout and noise on (Monte Carlo dropout)
   * @param batchSize the number of rows per forward pass, {@code > 0}
   * @return a new tensor with one output row per input row
   * @throws IllegalArgumentException if {@code x} is null or has no batch axis,
   *     {@code batchSize <= 0}, or a layer refuses its shape (the message names the layer)
   */
  public Tensor predict(Tensor x, boolean training, int batchSize) {
    Rows.checkBatched("predict: x", x);
    checkBatchSize("predict", batchSize);
    if (!isBuilt()) {
      buildFor(x);
    }
    int n = x.dim(0);
    if (n == 0) {
      return Tensor.zeros(outputShape(x.shape()));
    }
    Tensor out = null;
    int width = 0;
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      Tensor yb = forward(Rows.slice(x, from, to), training);
      if (out == null) {
        int[] shape = yb.shape();
        shape[0] = n;
        out = Tensor.zeros(shape);
        width = yb.size() / (to - from);
      }
      if (yb.rank() == 0 || yb.dim(0) != to - from || yb.size() != (to - from) * width) {
        throw new IllegalStateException(
            "Sequential: predict expected " + (to - from) + " output rows like "
                + Shapes.format(out.shape()) + ", received " + Shapes.format(yb.shape()));
      }
      System.arraycopy(yb.data(), 0, out.data(), from * width, yb.size());
    }
    return out;
  }

  /**
   * The loss over all rows at inference, computed in batches of {@value #DEFAULT_BATCH_SIZE}: the
   * batch losses weighted by the batch sizes, so for the losses of this library it equals the loss
   * of the whole set.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @return the mean loss over all rows
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException as {@link #evaluateMetrics(Tensor, Tensor, int)}
   */
  public double evaluate(Tensor x, Tensor y) {
    return evaluate(x, y, DEFAULT_BATCH_SIZE);
  }

  /**
   * {@link #evaluate(Tensor, Tensor)} in batches of {@code batchSize} rows.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @param batchSize the number of rows per forward pass, {@code > 0}
   * @return the mean loss over all rows
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException as {@link #evaluateMetrics(Tensor, Tensor, int)}
   */
  public double evaluate(Tensor x, Tensor y, int batchSize) {
    return evaluateMetrics(x, y, batchSize).get("loss");
  }

  /**
   * The loss and every compiled metric over all rows at inference, keyed as in {@link History}
   * ({@code loss}, {@code accuracy}, ...): Keras' {@code evaluate(..., return_dict=True)}.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @return the mean of each value over all rows, by name: the loss first, then the metrics in
   *     compile order
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException as {@link #evaluateMetrics(Tensor, Tensor, int)}
   */
  public Map<String, Double> evaluateMetrics(Tensor x, Tensor y) {
    return evaluateMetrics(x, y, DEFAULT_BATCH_SIZE);
  }

  /**
   * {@link #evaluateMetrics(Tensor, Tensor)} in batches of {@code batchSize} rows.
   *
   * @param x the inputs, rows on the first axis; not modified
   * @param y the targets, one per row of {@code x}; not modified
   * @param batchSize the number of rows per forward pass, {@code > 0}
   * @return the mean of each value over all rows, by name: the loss first, then the metrics in
   *     compile order
   * @throws IllegalStateException if the model is not compiled
   * @throws IllegalArgumentException if {@code x} and {@code y} differ in their number of rows or
   *     have none, {@code batchSize <= 0}, or a layer or the loss refuses their shapes
   */
  public Map<String, Double> evaluateMetrics(Tensor x, Tensor y, int batchSize) {
    if (loss == null) {
      throw new IllegalStateException(
          "Sequential: evaluate needs a loss; call compile(optimizer, loss) first");
    }
    Rows.checkSame("evaluate", "x and y", x, y);
    checkBatchSize("evaluate", batchSize);
    if (x.dim(0) == 0) {
      throw new IllegalArgumentException(
          "evaluate: x has no rows, received shape " + Shapes.format(x.shape()));
    }
    return Collections.unmodifiableMap(evaluate(x, y, batchSize, ""));
  }

  private Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize, String prefix) {
    if (!isBuilt()) {
      buildFor(x);
    }
    Means means = new Means(metrics);
    int n = x.dim(0);
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      Tensor yb = Rows.slice(y, from, to);
      Tensor pred = forward(Rows.slice(x, from, to), false);
      means.add(loss.compute(pred, yb), pred, yb, to - from);
    }
    return means.logs(prefix);
  }

  private static void checkBatchSize(String method, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          method + ": batchSize must be a positive integer, received " + batchSize);
    }
  }

  /** Running means of the loss and the metrics over batches, weighted by the batch sizes. */
  private static final class Means {
    private final List<Metric> metrics;
    private final double[] sums;
    private double lossSum;
    private long rows;

    Means(List<Metric> metrics) {
      this.metrics = metrics;
      this.sums = new double[metrics.size()];
    }

    void add(double batchLoss, Tensor pred, Tensor target, int batchRows) {
      lossSum += batchLoss * batchRows;
      for (int m = 0; m < sums.length; m++) {
        sums[m] += metrics.get(m).compute(pred, target) * batchRows;
      }
      rows += batchRows;
    }

    Map<String, Double> logs(String prefix) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put(prefix + "loss", lossSum / rows);
      for (int m = 0; m < sums.length; m++) {
        logs.put(prefix + metrics.get(m).name(), sums[m] / rows);
      }
      return logs;
    }
  }

  /**
   * A Keras-like table of the layers: position and class, output shape ({@code None} for sizes
   * left open, such as the batch) and parameter count, then the totals. Layers of a model that is
   * not built show {@code ?} and {@code 0 (unbuilt)}.
   *
   * @return the table, lines separated by {@code \n}
   */
  public String summary() {
    return SummaryTable.format(layers, inputShape);
  }

  /**
   * Saves the architecture (every layer's configuration), the input shape the model was built
   * for and the weights, in dropnet's versioned binary format (see {@link ModelFile}). The file
   * is written to a temporary file beside {@code path} and renamed over it, so a crash never
   * leaves a half-written model in place of a good one. The optimizer, loss and metrics of
   * {@code compile} are not saved: compile the loaded model again to train it further. Nor are
   * rate schedules (a dropout rate following a {@code RateSchedule}): such a layer is saved with
   * the rate it has now, and keeps that rate as a constant once loaded (see {@link ModelFile}).
   *
   * @param path the file to write; replaced atomically if it exists
   * @throws IllegalArgumentException if {@code path} is null, a layer has no file format (a layer
   *     class of your own), one layer instance takes two places, or for the other reasons the
   *     Errors section of {@link ModelFile} lists
   * @throws IOException if the file cannot be written; the file at {@code path} is then unchanged
   */
  public void save(Path path) throws IOException {
    ModelFile.write(path, this);
  }

  /**
   * Loads a model saved by {@link #save}: fresh layers with the saved configurations and
   * weights, built for the saved input shape. Outputs are bit-identical to the saved model's.
   *
   * @param path the model file to read
   * @return the loaded model, built and holding the saved weights
   * @throws IllegalArgumentException if {@code path} is null
   * @throws IOException if the file is missing, truncated, corrupted, not a dropnet model, or
   *     written by a newer format version; the message says which
   */
  public static Sequential load(Path path) throws IOException {
    return ModelFile.read(path).toSequential();
  }

  /** {@code Sequential[Dense[units=4, activation=RELU], Dropout[rate=0.5]]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Sequential[");
    for (int i = 0; i < layers.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(layers.get(i));
    }
    return sb.append(']').toString();
  }

  /** The layer's class name, as messages and the summary show it. */
  static String typeName(Layer layer) {
    String name = layer.getClass().getSimpleName();
    return name.isEmpty() ? layer.getClass().getName() : name;
  }

  /** The same kind of exception, its message prefixed with the layer's position and class. */
  private static RuntimeException inLayer(int index, Layer layer, RuntimeException e) {
    String message = "Sequential layer " + index + " (" + typeName(layer) + "): " + e.getMessage();
    return e instanceof IllegalStateException
        ? new IllegalStateException(message, e)
        : new IllegalArgumentException(message, e);
  }
}
