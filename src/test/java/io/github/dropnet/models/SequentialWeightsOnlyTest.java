package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Sequential#backwardWeightsOnly}: the weight gradients of {@link Sequential#backward};
 * no backward for the layers before the first one with weights, and only the weights-only
 * backward for that one.
 */
class SequentialWeightsOnlyTest {

  /** Flatten, input dropout, Dense, dropout, Dense, with fixed seeds. */
  private static Sequential model() {
    return new Sequential(new Flatten(), new Dropout(0.3).seed(1),
        new Dense(6).activation(Activation.RELU).seed(2), new Dropout(0.5).seed(3),
        new Dense(3).seed(4));
  }

  @Test
  void sameWeightGradientsAsBackward() {
    Tensor x = GradientCheck.random(5, 4, 2, 5);
    Sequential full = model();
    Tensor y = full.forward(x, true);
    Tensor g = GradientCheck.random(6, y.shape());
    full.backward(g);

    Sequential weightsOnly = model();
    weightsOnly.forward(x, true);
    weightsOnly.backwardWeightsOnly(g);

    List<Tensor> expected = full.getGradients();
    List<Tensor> actual = weightsOnly.getGradients();
    assertEquals(4, actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).toArray(), actual.get(i).toArray(), 0.0, "gradient " + i);
    }
  }

  @Test
  void layersBeforeTheFirstWeightsGetNoBackwardAndThatOneOnlyItsWeights() {
    List<String> calls = new ArrayList<>();
    Sequential model = new Sequential(new Recording("a", calls), new Recording("b", calls),
        new Dense(2).seed(1), new Recording("c", calls), new Dense(2).seed(2),
        new Recording("d", calls));
    model.forward(GradientCheck.random(7, 3, 4), true);
    model.backwardWeightsOnly(Tensor.ones(3, 2));
    assertEquals(List.of("d backward", "c backward"), calls);

    calls.clear();
    Dense first = new Dense(2).seed(3);
    Sequential nested = new Sequential(new Sequential(new Recording("e", calls), first),
        new Recording("f", calls));
    nested.forward(GradientCheck.random(8, 3, 4), true);
    nested.backwardWeightsOnly(Tensor.ones(3, 2));
    assertEquals(List.of("f backward"), calls);
    assertTrue(first.getGradients().get(0).toArray()[0] != 0.0, "the nested Dense got its gradient");
  }

  @Test
  void aModelWithoutWeightsDoesNothing() {
    List<String> calls = new ArrayList<>();
    Sequential model = new Sequential(new Recording("a", calls), new Recording("b", calls));
    model.forward(Tensor.ones(2, 3), true);
    model.backwardWeightsOnly(Tensor.ones(2, 3));
    assertEquals(List.of(), calls);
  }

  @Test
  void errorsNameTheLayer() {
    Sequential model = model();
    model.forward(GradientCheck.random(9, 4, 2, 5), true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.backwardWeightsOnly(Tensor.ones(4, 2)));
    assertTrue(e.getMessage().startsWith("Sequential layer 4 (Dense)"), e.getMessage());
  }

  /** A weightless identity layer that records its backward calls. */
  private static final class Recording extends TestParts.Weightless {
    private final String name;
    private final List<String> calls;

    Recording(String name, List<String> calls) {
      this.name = name;
      this.calls = calls;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
      return input;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
      calls.add(name + " backward");
      return gradOutput;
    }

    @Override
    public void backwardWeightsOnly(Tensor gradOutput) {
      calls.add(name + " weights only");
    }
  }
}
