package io.github.dropnet.examples;

import io.github.dropnet.data.Dataset;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.models.Sequential;
import java.io.IOException;
import java.io.PrintStream;

/**
 * A multilayer perceptron with dropout on all of Fashion-MNIST (the benchmark workload E1):
 * {@code 784 -> Dense(512, relu) -> Dropout(0.2) -> Dense(512, relu) -> Dropout(0.2) ->
 * Dense(10, softmax)}, Adam 1e-3, batches of 128, 5 epochs. PyTorch reaches 0.877 test accuracy
 * with the same set-up; the target here is 0.875.
 *
 * <p>The learning rate starts at 1e-3 and decays along half a cosine to 0 at the end of the run.
 * With a constant rate the test accuracy of the last epochs swings by half a point from one epoch
 * to the next (0.8735, 0.8674, 0.8724 for epochs 3 to 5 with seed 42), so where a 5-epoch run
 * ends is largely luck; the decay lets the weights settle.
 */
final class MlpDemo {
  static final String NAME = "mlp";
  static final int DEFAULT_EPOCHS = 5;
  static final Training.Rate RATE = new Training.Rate(1e-3);
  static final int BATCH_SIZE = 128;
  static final double TARGET = 0.875;

  private MlpDemo() {}

  /** What the demo measured. */
  record Result(Training.Outcome outcome, boolean realData, boolean targetMet) {}

  /** The network, its weights seeded from {@code seed}. */
  static Sequential model(long seed) {
    return new Sequential(
        new Dense(512).activation(Activation.RELU).seed(seed),
        new Dropout(0.2),
        new Dense(512).activation(Activation.RELU).seed(seed + 1),
        new Dropout(0.2),
        new Dense(10).activation(Activation.SOFTMAX).seed(seed + 2));
  }

  static Result run(DemoOptions options, PrintStream out) throws IOException {
    int epochs = options.epochsOr(options.quick() ? 1 : DEFAULT_EPOCHS);
    out.println("== mlp: 784-512-512-10 with Dropout(0.2), Fashion-MNIST (workload E1)");
    DemoData data = DemoData.load(
        options, out, options.quick() ? 600 : 60_000, options.quick() ? 200 : 10_000);
    Dataset train = data.train().flattenX();
    Dataset test = data.test().flattenX();
    Training.Outcome outcome = Training.fit(model(options.seed()), train, test, RATE,
        epochs, BATCH_SIZE, options.seed(), out);
    boolean met = Training.reportTarget(out, outcome, data.real(), DEFAULT_EPOCHS, false, TARGET,
        "; PyTorch 0.877");
    return new Result(outcome, data.real(), met);
  }
}
