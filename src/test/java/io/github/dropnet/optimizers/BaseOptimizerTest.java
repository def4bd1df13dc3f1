package io.github.dropnet.optimizers;

import static io.github.dropnet.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What all optimizers share: clipping, step validation, state by position, the counter. */
class BaseOptimizerTest {
  private static Tensor vec(double... v) {
    return Tensor.of(v, v.length);
  }

  /** One step of SGD with lr 1 from zero parameters: returns the applied (clipped) gradients. */
  private static List<Tensor> applied(SGD sgd, Tensor... grads) {
    List<Tensor> params = new ArrayList<>();
    for (Tensor g : grads) {
      params.add(Tensor.zeros(g.shape()));
    }
    List<Tensor> copies = new ArrayList<>();
    for (Tensor g : grads) {
      copies.add(g.copy());
    }
    sgd.step(params, Arrays.asList(grads));
    for (int i = 0; i < grads.length; i++) {
      assertEquals(copies.get(i), grads[i], "the caller's gradient " + i + " is unchanged");
    }
    List<Tensor> out = new ArrayList<>();
    for (Tensor p : params) {
      out.add(Tensor.zeros(p.shape()).sub(p));  // 0 - p, so a zero step stays +0.0
    }
    return out;
  }

  @Test
  void clipNormScalesEachTensorOnItsOwn() {
    List<Tensor> g = applied(new SGD(1).clipNorm(1), vec(3, 4), vec(0.3, 0.4), vec(0, 0));
    assertClose(vec(0.6, 0.8), g.get(0), "norm 5 -> 1");
    assertEquals(vec(0.3, 0.4), g.get(1), "within the norm: unchanged");
    assertEquals(vec(0, 0), g.get(2), "zero stays zero");
  }

  @Test
  void globalClipNormScalesAllTogether() {
    List<Tensor> g = applied(new SGD(1).globalClipNorm(1), vec(3, 4), vec(12));
    assertClose(vec(3 / 13.0, 4 / 13.0), g.get(0), "first");
    assertClose(vec(12 / 13.0), g.get(1), "second");
    List<Tensor> h = applied(new SGD(1).globalClipNorm(20), vec(3, 4), vec(12));
    assertEquals(vec(3, 4), h.get(0));
    assertEquals(vec(12), h.get(1));
  }

  @Test
  void clipValueClampsElements() {
    List<Tensor> g = applied(new SGD(1).clipValue(0.5), vec(-2, 0.3, 0.7, -0.5));
    assertEquals(vec(-0.5, 0.3, 0.5, -0.5), g.get(0));
  }

  @Test
  void normsOfHugeAndTinyGradientsDoNotOverflow() {
    List<Tensor> g = applied(new SGD(1).clipNorm(1), vec(3e200, 4e200), vec(3e-320, 0));
    assertClose(vec(0.6, 0.8), g.get(0), "huge");
    assertEquals(vec(3e-320, 0), g.get(1), "tiny, within the norm");
    List<Tensor> h = applied(new SGD(1).globalClipNorm(10), vec(3e200), vec(4e200));
    assertClose(vec(6), h.get(0), "huge global");
    assertClose(vec(8), h.get(1), "huge global");
  }

  @Test
  void clippingFeedsTheUpdateRuleOfEveryOptimizer() {
    Tensor g = GradientCheck.random(5, 3, 2).mul(10);
    Tensor clippedByHand = Tensor.zeros(3, 2);
    for (int i = 0; i < 6; i++) {
      clippedByHand.data()[i] = Math.max(-1, Math.min(1, g.data()[i]));
    }
    Optimizer[][] pairs = {
        {new SGD(0.1, 0.9, true).clipValue(1), new SGD(0.1, 0.9, true)},
        {new Adam(0.1).clipValue(1), new Adam(0.1)},
        {new RMSprop(0.1, 0.9, 0.5, 1e-7).clipValue(1), new RMSprop(0.1, 0.9, 0.5, 1e-7)},
    };
    for (Optimizer[] pair : pairs) {
      Tensor a = GradientCheck.random(6, 3, 2);
      Tensor b = a.copy();
      for (int step = 0; step < 3; step++) {
        pair[0].step(List.of(a), List.of(g));
        pair[1].step(List.of(b), List.of(clippedByHand));
      }
      assertEquals(b, a, pair[1].toString());
      assertNotEquals(GradientCheck.random(6, 3, 2), a, "the parameters moved");
    }
  }

  @Test
  void onlyOneKindOfClippingAsInKeras() {
    SGD sgd = new SGD(1).clipNorm(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> sgd.clipValue(2));
    assertTrue(e.getMessage().startsWith("SGD: only one of clipNorm, globalClipNorm and"
        + " clipValue"), e.getMessage());
    sgd.clipNorm(3);  // the same kind replaces the threshold
    assertEquals("SGD[lr=1.0, momentum=0.0, nesterov=false, clipNorm=3.0]", sgd.toString());
    sgd.noClipping().globalClipNorm(2);
    assertEquals("SGD[lr=1.0, momentum=0.0, nesterov=false, globalClipNorm=2.0]",
        sgd.toString());
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException iae =
          assertThrows(IllegalArgumentException.class, () -> new Adam(1).clipValue(bad));
      assertEquals("Adam: clipValue must be a finite number > 0, received " + bad,
          iae.getMessage());
    }
  }

  @Test
  void rejectsMismatchedListsWithoutChangingAnything() {
    SGD sgd = new SGD(1);
    Tensor p = vec(1, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(List.of(p), List.of(vec(1, 1), vec(1))));
    assertEquals("SGD: expected as many gradients as parameters, received 1 parameters and 2"
        + " gradients", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> sgd.step(List.of(p), List.of(vec(1, 1, 1))));
    assertEquals("SGD: gradient 0 must have the shape of parameter 0, (2,), received (3,)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> sgd.step(null, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> sgd.step(Arrays.asList((Tensor) null), List.of(vec(1))));
    assertEquals(vec(1, 2), p);
    assertEquals(0, sgd.iterations());
  }

  @Test
  void laterStepsMustKeepTheParametersOfTheFirst() {
    Adam adam = new Adam(0.1);
    Tensor a = vec(1, 2);
    Tensor b = Tensor.zeros(2, 2);
    adam.step(List.of(a, b), List.of(vec(1, 1), Tensor.ones(2, 2)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adam.step(List.of(a), List.of(vec(1, 1))));
    assertEquals("Adam: expected 2 parameters, as on the first step (state follows list"
        + " positions), received 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> adam.step(List.of(b, a), List.of(Tensor.ones(2, 2), vec(1, 1))));
    assertTrue(e.getMessage().startsWith("Adam: parameter 0 has shape (2, 2) but its state was"
        + " created for shape (2,)"), e.getMessage());
    assertEquals(1, adam.iterations());
  }

  @Test
  void stateFollowsListPosition() {
    // one optimizer over two parameters == two optimizers over one each
    Tensor a = GradientCheck.random(1, 3);
    Tensor b = GradientCheck.random(2, 2, 2);
    Tensor a1 = a.copy();
    Tensor b1 = b.copy();
    RMSprop both = new RMSprop(0.01, 0.9, 0.5, 1e-7);
    RMSprop onlyA = new RMSprop(0.01, 0.9, 0.5, 1e-7);
    RMSprop onlyB = new RMSprop(0.01, 0.9, 0.5, 1e-7);
    for (int t = 0; t < 4; t++) {
      Tensor ga = GradientCheck.random(10 + t, 3);
      Tensor gb = GradientCheck.random(20 + t, 2, 2);
      both.step(List.of(a, b), List.of(ga, gb));
      onlyA.step(List.of(a1), List.of(ga));
      onlyB.step(List.of(b1), List.of(gb));
    }
    assertEquals(a1, a);
    assertEquals(b1, b);
    // same shapes in swapped order are accepted: the state goes with the position, not the tensor
    SGD sgd = new SGD(1, 0.5, false);
    Tensor x = vec(0);
    Tensor y = vec(0);
    sgd.step(List.of(x, y), List.of(vec(1), vec(0)));   // buffers: position 0 -> 1, 1 -> 0
    sgd.step(List.of(y, x), List.of(vec(0), vec(0)));   // y gets 0.5 * 1 from position 0
    assertEquals(-0.5, y.get(0), 0);
    assertEquals(-1.0, x.get(0), 0);
  }

  @Test
  void iterationsCountStepsAndResetForgetsState() {
    SGD sgd = new SGD(1, 0.9, false);
    Tensor p = vec(0);
    sgd.step(List.of(p), List.of(vec(1)));
    sgd.step(List.of(p), List.of(vec(1)));
    assertEquals(2, sgd.iterations());
    sgd.reset();
    assertEquals(0, sgd.iterations());
    Tensor q = Tensor.zeros(3);
    sgd.step(List.of(q), List.of(vec(1, 1, 1)));  // a new first step: b = g
    assertEquals(vec(-1, -1, -1), q);
  }

  @Test
  void emptyListsOnlyCountTheStep() {
    Adam adam = new Adam(0.1);
    adam.step(List.of(), List.of());
    assertEquals(1, adam.iterations());
  }

  @Test
  void nonFiniteGradientsPropagate() {
    Tensor p = vec(0, 0);
    new SGD(1).clipNorm(1).step(List.of(p), List.of(vec(Double.NaN, 1)));
    assertTrue(Double.isNaN(p.get(0)) && Double.isNaN(p.get(1)));
  }
}
