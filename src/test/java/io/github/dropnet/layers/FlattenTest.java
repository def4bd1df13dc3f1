package io.github.dropnet.layers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.Fixture;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FlattenTest {

  // ---- golden values

  static Stream<String> fixtures() {
    List<String> names = new ArrayList<>();
    for (Fixture f : Fixture.all()) {
      if (f.name.startsWith("flatten_")) {
        names.add(f.name);
      }
    }
    assertFalse(names.isEmpty(), "no flatten_* fixtures found");
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesFixture(String name) {
    Fixture f = Fixture.load(name);
    assertEquals("Flatten", f.type);
    Flatten flatten = new Flatten();
    Tensor x = f.tensor("input");
    assertArrayEquals(f.tensor("output").shape(), flatten.outputShape(x.shape()));
    assertClose(f.tensor("output"), flatten.forward(x, true), name + " output");
    assertClose(f.tensor("grad_input"), flatten.backward(f.tensor("grad_output")),
        name + " grad_input");
    assertEquals(List.of(), flatten.getGradients());
  }

  // ---- behaviour

  @Test
  void keepsMemoryOrder() {
    Tensor x = GradientCheck.random(1, 2, 3, 4, 5);
    Tensor y = new Flatten().forward(x);
    assertArrayEquals(new int[] {2, 60}, y.shape());
    assertArrayEquals(x.toArray(), y.toArray());
    assertEquals(x.get(1, 2, 3, 4), y.get(1, 2 * 20 + 3 * 5 + 4));
  }

  @Test
  void rank2IsUnchangedAndAnEmptyBatchWorks() {
    Flatten flatten = new Flatten();
    Tensor x = GradientCheck.random(2, 3, 4);
    assertEquals(x, flatten.forward(x));
    assertArrayEquals(new int[] {0, 6}, flatten.forward(Tensor.zeros(0, 2, 3)).shape());
    assertArrayEquals(new int[] {0, 2, 3}, flatten.backward(Tensor.zeros(0, 6)).shape());
  }

  @Test
  void outputIsACopyNotAView() {
    Tensor x = GradientCheck.random(3, 2, 2, 2);
    Tensor y = new Flatten().forward(x);
    y.data()[0] = 42;
    assertFalse(x.data()[0] == 42);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    int[][] shapes = {{1, 1}, {1, 3}, {2, 3, 4}, {1, 1, 1, 1}, {2, 2, 3, 2, 1}};
    long seed = 1;
    for (int[] shape : shapes) {
      GradientCheck.check(new Flatten(), GradientCheck.random(seed, shape), seed + 100);
      seed++;
    }
  }

  @Test
  void outputShapeKeepsAnUnknownBatchAndPropagatesOtherUnknowns() {
    Flatten flatten = new Flatten();
    assertArrayEquals(new int[] {-1, 60}, flatten.outputShape(-1, 3, 4, 5));
    assertArrayEquals(new int[] {7, 12}, flatten.outputShape(7, 3, 4));
    assertArrayEquals(new int[] {-1, 5}, flatten.outputShape(-1, 5));
    assertArrayEquals(new int[] {-1, -1}, flatten.outputShape(-1, 3, -1));
    assertArrayEquals(new int[] {2, -1}, flatten.outputShape(2, -1, 4));
  }

  // ---- validation

  @Test
  void rejectsRankBelowTwo() {
    Flatten flatten = new Flatten();
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> flatten.forward(Tensor.zeros(5)));
    assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
    assertTrue(e.getMessage().contains("rank >= 2"), e.getMessage());
    assertTrue(e.getMessage().contains("(5,)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> flatten.outputShape(-1));
    assertThrows(IllegalArgumentException.class, () -> flatten.build(4));
    assertThrows(IllegalArgumentException.class, () -> flatten.forward(Tensor.scalar(1)));
    assertThrows(IllegalArgumentException.class, () -> flatten.outputShape(-1, -3));
  }

  @Test
  void backwardBeforeForwardThrows() {
    IllegalStateException e = assertThrows(
        IllegalStateException.class, () -> new Flatten().backward(Tensor.zeros(2, 3)));
    assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
  }

  @Test
  void backwardRejectsAGradientOfTheWrongShape() {
    Flatten flatten = new Flatten();
    flatten.forward(Tensor.zeros(2, 3, 4));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> flatten.backward(Tensor.zeros(2, 3, 4)));
    assertTrue(e.getMessage().contains("(2, 12)") && e.getMessage().contains("(2, 3, 4)"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> flatten.backward(Tensor.zeros(3, 8)));
  }

  @Test
  void weightsAndToString() {
    Flatten flatten = new Flatten();
    assertEquals("Flatten[]", flatten.toString());
    assertEquals(List.of(), flatten.getWeights());
    assertEquals(0, flatten.paramCount());
    flatten.setWeights(List.of());
    assertThrows(IllegalArgumentException.class,
        () -> flatten.setWeights(List.of(Tensor.zeros(1))));
  }
}
