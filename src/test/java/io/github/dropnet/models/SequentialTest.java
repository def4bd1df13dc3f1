package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.models.TestParts.Counter;
import io.github.dropnet.models.TestParts.Linear;
import io.github.dropnet.models.TestParts.Noise;
import io.github.dropnet.models.TestParts.Tanh;
import io.github.dropnet.optimizers.SGD;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequentialTest {

  private static Sequential mlp() {
    return new Sequential(new Linear(5, 1), new Tanh(), new Linear(3, 2), new Tanh(), new Linear(2, 3));
  }

  @Test
  void buildChainsOutputShapes() {
    Sequential model = mlp();
    assertFalse(model.isBuilt());
    assertArrayEquals(new int[] {-1, 2}, model.outputShape(-1, 4));
    assertArrayEquals(new int[] {7, 2}, model.outputShape(7, 4));
    model.build(-1, 4);
    assertTrue(model.isBuilt());
    assertArrayEquals(new int[] {-1, 4}, model.inputShape());
    List<Layer> layers = model.layers();
    assertEquals(4 * 5 + 5, layers.get(0).paramCount());
    assertEquals(5 * 3 + 3, layers.get(2).paramCount());
    assertEquals(3 * 2 + 2, layers.get(4).paramCount());
    assertEquals(25 + 18 + 8, model.paramCount());
  }

  @Test
  void buildTwiceWithACompatibleShapeKeepsTheWeights() {
    Sequential model = mlp();
    model.build(-1, 4);
    List<Tensor> before = model.getWeights();
    model.build(8, 4);
    assertEquals(before, model.getWeights());
    assertEquals(1, ((Linear) model.layers().get(0)).builds);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.build(-1, 5));
    assertEquals("Sequential: already built for input shape (-1, 4), received (-1, 5)", e.getMessage());
  }

  @Test
  void addAfterBuildBuildsTheNewLayer() {
    Sequential model = new Sequential(new Linear(3, 1));
    model.build(-1, 2);
    Linear added = new Linear(4, 2);
    model.add(added);
    assertEquals(1, added.builds);
    assertEquals(3 * 4 + 4, added.paramCount());
    assertArrayEquals(new int[] {-1, 4}, model.outputShape(-1, 2));
  }

  @Test
  void layersIsAnUnmodifiableViewInOrder() {
    Linear a = new Linear(2, 1);
    Tanh b = new Tanh();
    Sequential model = new Sequential(a);
    List<Layer> view = model.layers();
    model.add(b);
    assertEquals(List.of(a, b), view);
    assertThrows(UnsupportedOperationException.class, () -> view.add(new Tanh()));
  }

  @Test
  void forwardAndBackwardEqualTheManualComposition() {
    Sequential model = mlp();
    Tensor x = GradientCheck.random(3, 6, 4);
    Tensor y = model.forward(x, false);

    List<Layer> layers = model.layers();
    Tensor h = x;
    for (Layer l : layers) {
      h = l.forward(h, false);
    }
    assertEquals(h, y);

    Tensor g = GradientCheck.random(4, 6, 2);
    Tensor dx = model.backward(g);
    List<Tensor> modelGrads = model.getGradients();
    Tensor d = g;
    for (int i = layers.size() - 1; i >= 0; i--) {
      d = layers.get(i).backward(d);
    }
    assertEquals(d, dx);
    List<Tensor> manual = new ArrayList<>();
    for (Layer l : layers) {
      manual.addAll(l.getGradients());
    }
    assertEquals(manual, modelGrads);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Sequential model = mlp();
    GradientCheck.check(model, GradientCheck.random(5, 4, 4), 6);
  }

  @Test
  void nestedModelsComposeAsLayers() {
    Sequential inner = new Sequential(new Linear(3, 1), new Tanh());
    Sequential outer = new Sequential(inner, new Linear(2, 2));
    Tensor x = GradientCheck.random(7, 5, 4);
    Tensor y = outer.forward(x, false);
    assertArrayEquals(new int[] {5, 2}, y.shape());
    assertEquals(outer.layers().get(1).forward(inner.forward(x, false), false), y);
    assertEquals(4, outer.getWeights().size());
    assertEquals(4 * 3 + 3 + 3 * 2 + 2, outer.paramCount());
    GradientCheck.check(outer, x, 8);
  }

  @Test
  void weightsRoundTripInLayerOrder() {
    Sequential model = mlp();
    model.build(-1, 4);
    List<Tensor> w = model.getWeights();
    assertEquals(6, w.size());
    assertArrayEquals(new int[] {4, 5}, w.get(0).shape());
    assertArrayEquals(new int[] {5}, w.get(1).shape());
    assertArrayEquals(new int[] {5, 3}, w.get(2).shape());
    assertArrayEquals(new int[] {3}, w.get(3).shape());
    assertArrayEquals(new int[] {3, 2}, w.get(4).shape());
    assertArrayEquals(new int[] {2}, w.get(5).shape());
    assertEquals(model.layers().get(2).getWeights().get(0), w.get(2));

    // copies: changing them changes nothing
    w.get(0).data()[0] += 100;
    assertFalse(model.getWeights().get(0).equals(w.get(0)));

    List<Tensor> fresh = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      fresh.add(GradientCheck.random(100 + i, w.get(i).shape()));
    }
    model.setWeights(fresh);
    assertEquals(fresh, model.getWeights());
    assertEquals(fresh.get(4), model.layers().get(4).getWeights().get(0));
    // parameters() are the live tensors, in the same order
    List<Tensor> live = model.parameters();
    assertEquals(fresh, live);
    live.get(5).data()[1] = 42;
    assertEquals(42, model.getWeights().get(5).get(1));
    assertEquals(live.size(), model.gradients().size());
  }

  @Test
  void setWeightsChecksTheCountAndShapesBeforeChangingAnything() {
    Sequential model = mlp();
    model.build(-1, 4);
    List<Tensor> before = model.getWeights();

    IllegalArgumentException count = assertThrows(
        IllegalArgumentException.class, () -> model.setWeights(before.subList(0, 5)));
    assertEquals(
        "Sequential: setWeights expected 6 tensors (layer 0 (Linear): 2, layer 2 (Linear): 2, "
            + "layer 4 (Linear): 2), received 5",
        count.getMessage());

    List<Tensor> wrong = new ArrayList<>(before);
    wrong.set(0, GradientCheck.random(1, 4, 5).mul(3));
    wrong.set(2, Tensor.zeros(3, 5));
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> model.setWeights(wrong));
    assertEquals(
        "Sequential layer 2 (Linear): setWeights expected weight 0 (tensor 2 of the list) of shape "
            + "(5, 3), received (3, 5)",
        shape.getMessage());
    assertEquals(before, model.getWeights(), "nothing changed");
  }

  @Test
  void setWeightsBeforeBuildIsAStateError() {
    assertThrows(IllegalStateException.class, () -> mlp().setWeights(List.of()));
  }

  @Test
  void layerErrorsNameTheLayer() {
    Sequential model = mlp();
    model.build(-1, 4);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> model.forward(Tensor.zeros(2, 3), false));
    assertEquals(
        "Sequential layer 0 (Linear): Linear: expected an input of shape (batch, 4), received (2, 3)",
        e.getMessage());
    assertTrue(e.getCause() instanceof IllegalArgumentException);

    IllegalArgumentException shape = assertThrows(
        IllegalArgumentException.class,
        () -> new Sequential(new Linear(3, 1), new Tanh(), new Sequential(new Tanh())).outputShape(-1, 4, 4));
    assertTrue(shape.getMessage().startsWith("Sequential layer 0 (Linear): "), shape.getMessage());

    Sequential fresh = new Sequential(new Tanh(), new Linear(2, 1));
    IllegalStateException state =
        assertThrows(IllegalStateException.class, () -> fresh.backward(Tensor.zeros(1, 2)));
    assertEquals(
        "Sequential layer 1 (Linear): Linear: backward called before forward", state.getMessage());

    Sequential nested = new Sequential(new Tanh(), new Sequential(new Linear(2, 1)));
    nested.build(-1, 3);
    IllegalArgumentException deep = assertThrows(
        IllegalArgumentException.class, () -> nested.forward(Tensor.zeros(1, 4), false));
    assertTrue(
        deep.getMessage().startsWith(
            "Sequential layer 1 (Sequential): Sequential layer 0 (Linear): Linear: "),
        deep.getMessage());
  }

  @Test
  void forwardBuildsFromTheInputWithTheBatchLeftOpen() {
    Sequential model = mlp();
    model.forward(Tensor.zeros(3, 4), false);
    assertArrayEquals(new int[] {-1, 4}, model.inputShape());
    assertEquals(2, model.forward(Tensor.zeros(2, 4), false).dim(0));
  }

  @Test
  void predictBuildsFromXAndBatchesLikeOneCall() {
    Sequential model = mlp();
    Tensor x = GradientCheck.random(9, 70, 4);
    Tensor p = model.predict(x);
    assertTrue(model.isBuilt());
    assertEquals(model.forward(x, false), p);
    assertEquals(p, model.predict(x, 7));
    assertEquals(p, model.predict(x, 1000));
    assertArrayEquals(new int[] {0, 2}, model.predict(Tensor.zeros(0, 4)).shape());
  }

  @Test
  void predictReturnsANewTensorEvenForAnIdentityModel() {
    Sequential model = new Sequential(new Noise(0.5, 1));
    Tensor x = GradientCheck.random(1, 3, 2);
    Tensor p = model.predict(x);
    assertEquals(x, p);
    assertNotSame(x, p);
  }

  @Test
  void predictInTrainingModeKeepsDropoutOn() {
    Sequential model = new Sequential(new Noise(0.5, 3));
    Tensor x = Tensor.ones(40, 5);
    assertEquals(x, model.predict(x));
    Tensor a = model.predict(x, true);
    Tensor b = model.predict(x, true);
    assertFalse(a.equals(x));
    assertFalse(a.equals(b), "every call draws new masks");
    for (double v : a.data()) {
      assertTrue(v == 0 || v == 2, "inverted dropout values");
    }
  }

  @Test
  void evaluateWeighsBatchesByTheirSize() {
    Sequential model = new Sequential(new Linear(1, 3));
    model.compile(new SGD(0.1), new MeanSquaredError());
    Tensor x = GradientCheck.random(11, 50, 2);
    Tensor y = GradientCheck.random(12, 50, 1);
    double whole = new MeanSquaredError().compute(model.predict(x), y);
    assertEquals(whole, model.evaluate(x, y), 1e-12);
    assertEquals(whole, model.evaluate(x, y, 7), 1e-12);
    assertEquals(whole, model.evaluateMetrics(x, y, 50).get("loss"), 1e-12);
  }

  @Test
  void reseedGivesEachStochasticLayerItsOwnSeed() {
    Counter a = new Counter();
    Counter b = new Counter();
    Counter c = new Counter();
    Sequential model = new Sequential(a, new Tanh(), b, new Sequential(new Tanh(), c));
    model.reseed(5);
    assertEquals(1, a.reseeds);
    assertEquals(1, b.reseeds);
    assertEquals(1, c.reseeds);
    assertTrue(a.lastSeed != b.lastSeed && b.lastSeed != c.lastSeed && a.lastSeed != c.lastSeed);
    long first = a.lastSeed;
    model.reseed(5);
    assertEquals(first, a.lastSeed, "a pure function of the seed");
    model.reseed(6);
    assertTrue(first != a.lastSeed);
  }

  @Test
  void summaryListsLayersShapesAndParameters() {
    Sequential model = mlp();
    String unbuilt = model.summary();
    assertTrue(unbuilt.contains(" 0 Linear"), unbuilt);
    assertTrue(unbuilt.contains("?"), unbuilt);
    assertTrue(unbuilt.contains("0 (unbuilt)"), unbuilt);

    model.build(-1, 4);
    String s = model.summary();
    String[] lines = s.split("\n");
    assertEquals("Model: \"sequential\"", lines[0]);
    assertTrue(lines[2].matches(" Layer \\(type\\) +Output Shape +Param #"), lines[2]);
    assertTrue(s.contains("\n 0 Linear                     (None, 5)                 25\n"), s);
    assertTrue(s.contains("\n 1 Tanh                       (None, 5)                 0\n"), s);
    assertTrue(s.contains("\n 4 Linear                     (None, 2)                 8\n"), s);
    assertTrue(s.contains("\nTotal params: 51 (408.00 B)\n"), s);
    assertTrue(s.contains("\nTrainable params: 51 (408.00 B)\n"), s);
    assertTrue(s.contains("\nNon-trainable params: 0 (0.00 B)\n"), s);

    Sequential big = new Sequential(new Linear(300, 1));
    big.build(-1, 784);
    String b = big.summary();
    assertTrue(b.contains("235,500"), b);
    assertTrue(b.contains("Total params: 235,500 (1.80 MB)"), b);
  }

  @Test
  void summaryShowsNestedModelsAsOneRow() {
    Sequential model = new Sequential(new Sequential(new Linear(3, 1), new Tanh()), new Linear(1, 2));
    model.build(-1, 2);
    String s = model.summary();
    assertTrue(s.contains(" 0 Sequential                 (None, 3)                 9\n"), s);
    assertTrue(s.contains("Total params: 13 "), s);
  }

  @Test
  void toStringListsTheLayers() {
    assertEquals("Sequential[Linear[units=2], Tanh[]]", new Sequential(new Linear(2, 0), new Tanh()).toString());
    assertEquals("Sequential[]", new Sequential().toString());
  }

  @Test
  void anEmptyModelIsTheIdentity() {
    Sequential model = new Sequential();
    Tensor x = GradientCheck.random(1, 2, 3);
    assertEquals(x, model.predict(x));
    assertEquals(0, model.paramCount());
  }

  @Test
  void misuseIsReportedClearly() {
    Sequential model = mlp();
    assertEquals(
        "Sequential.add: layer must not be null",
        assertThrows(IllegalArgumentException.class, () -> model.add(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> model.add(model));
    assertThrows(IllegalArgumentException.class, () -> model.build());
    assertThrows(IllegalArgumentException.class, () -> model.compile(null, new MeanSquaredError()));
    assertThrows(IllegalArgumentException.class, () -> model.compile(new SGD(1), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> model.compile(new SGD(1), new MeanSquaredError(), Metric.accuracy(), Metric.named("accuracy")));
    assertEquals(
        "predict: batchSize must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.zeros(2, 4), 0))
            .getMessage());
    assertEquals(
        "predict: x must have a batch axis first, received a tensor of shape ()",
        assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.scalar(1)))
            .getMessage());
    IllegalStateException evaluate = assertThrows(
        IllegalStateException.class, () -> model.evaluate(Tensor.zeros(2, 4), Tensor.zeros(2, 2)));
    assertEquals(
        "Sequential: evaluate needs a loss; call compile(optimizer, loss) first", evaluate.getMessage());
    assertNull(mlp().inputShape());
    assertEquals("Sequential.compile: metrics must not be null",
        assertThrows(IllegalArgumentException.class,
            () -> model.compile(new SGD(1), new MeanSquaredError(), (Metric[]) null))
            .getMessage());
    assertEquals("Sequential.outputShape: inputShape must not be null",
        assertThrows(IllegalArgumentException.class, () -> model.outputShape((int[]) null))
            .getMessage());
    assertSame(model, model.add(new Tanh()));
  }

  @Test
  void aLayerInTwoPlacesPredictsButRefusesToTrain() {
    Linear shared = new Linear(2, 1);
    Sequential twice = new Sequential(shared, new Tanh(), shared);
    Tensor x = TestParts.uniform(3, 4, 2);
    // prediction applies the one layer twice, its weights shared
    Tensor h = shared.forward(new Tanh().forward(shared.forward(x, false), false), false);
    assertEquals(h, twice.predict(x));
    twice.compile(new SGD(0.1), new MeanSquaredError());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> twice.fit(x, Tensor.zeros(4, 2), 1, 4));
    assertTrue(e.getMessage().contains("the same Linear instance takes two places in the model"),
        e.getMessage());
    // one place in a nested model and one outside it: the same
    Sequential nested =
        new Sequential(new Linear(2, 2), new Sequential(new Tanh(), shared), shared);
    nested.forward(x, true);
    assertThrows(IllegalStateException.class, () -> nested.backward(Tensor.ones(4, 2)));
    // one place bare and one inside a DropConnect: the same
    Dense dense = new Dense(2).seed(1);
    Sequential wrapped = new Sequential(dense, new DropConnect(dense, 0.5).seed(2));
    wrapped.forward(x, true);
    IllegalStateException inner =
        assertThrows(IllegalStateException.class, () -> wrapped.backward(Tensor.ones(3, 4, 2)));
    assertTrue(inner.getMessage().contains("the same Dense instance takes two places"),
        inner.getMessage());
  }
}
