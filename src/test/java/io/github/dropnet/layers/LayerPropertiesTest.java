package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every layer keeps, over seeded random configurations: {@code outputShape} is the
 * shape forward returns (with a fixed and with an open batch), inference is deterministic,
 * backward agrees with central finite differences, and a null input, shape or gradient is refused
 * with a message that names the layer.
 */
class LayerPropertiesTest {

  /** One random case: a fresh layer and an input shape that suits it. */
  record Case(String description, Layer layer, int[] inputShape) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static final int CASES_PER_TYPE = 12;

  static Stream<Case> cases() {
    SplittableRandom rng = new SplittableRandom(20261125);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < CASES_PER_TYPE; i++) {
      cases.add(dense(rng));
      cases.add(conv(rng));
      cases.add(pool(rng));
      cases.add(lstm(rng));
      cases.add(flatten(rng));
      cases.add(activation(rng));
      cases.add(dropout(rng));
    }
    return cases.stream();
  }

  private static int between(SplittableRandom rng, int lo, int hi) {
    return rng.nextInt(lo, hi + 1);
  }

  private static <T> T pick(SplittableRandom rng, T[] values) {
    return values[rng.nextInt(values.length)];
  }

  private static final Activation[] SMOOTH = {
    Activation.LINEAR, Activation.SIGMOID, Activation.TANH, Activation.SOFTMAX
  };

  private static Case dense(SplittableRandom rng) {
    int units = between(rng, 1, 5);
    Activation a = pick(rng, SMOOTH);
    boolean bias = rng.nextBoolean();
    int[] shape = rng.nextBoolean()
        ? new int[] {between(rng, 1, 4), between(rng, 1, 6)}
        : new int[] {between(rng, 1, 3), between(rng, 1, 3), between(rng, 1, 4)};
    return new Case("Dense(" + units + ", " + a + ", bias=" + bias + ") on "
        + java.util.Arrays.toString(shape),
        new Dense(units).activation(a).useBias(bias).seed(rng.nextLong()), shape);
  }

  private static Case conv(SplittableRandom rng) {
    int kh = between(rng, 1, 3);
    int kw = between(rng, 1, 3);
    boolean dilate = rng.nextInt(4) == 0;
    int dh = dilate ? 2 : 1;
    int dw = dilate ? between(rng, 1, 2) : 1;
    int sh = dilate ? 1 : between(rng, 1, 3);
    int sw = dilate ? 1 : between(rng, 1, 2);
    Padding p = rng.nextBoolean() ? Padding.SAME : Padding.VALID;
    DataFormat f = rng.nextBoolean() ? DataFormat.CHANNELS_LAST : DataFormat.CHANNELS_FIRST;
    int h = (kh - 1) * dh + 1 + between(rng, 0, 4);
    int w = (kw - 1) * dw + 1 + between(rng, 0, 4);
    int c = between(rng, 1, 3);
    int n = between(rng, 1, 2);
    int[] shape = f == DataFormat.CHANNELS_LAST ? new int[] {n, h, w, c} : new int[] {n, c, h, w};
    Activation a = pick(rng, new Activation[] {Activation.LINEAR, Activation.TANH});
    return new Case(
        "Conv2D(k=" + kh + "x" + kw + ", s=" + sh + "x" + sw + ", d=" + dh + "x" + dw + ", " + p
            + ", " + f + ", " + a + ") on " + java.util.Arrays.toString(shape),
        new Conv2D(between(rng, 1, 3), kh, kw).strides(sh, sw).dilation(dh, dw).padding(p)
            .dataFormat(f).activation(a).useBias(rng.nextBoolean()).seed(rng.nextLong()),
        shape);
  }

  private static Case pool(SplittableRandom rng) {
    int ph = between(rng, 1, 3);
    int pw = between(rng, 1, 3);
    int sh = between(rng, 1, 3);
    int sw = between(rng, 1, 3);
    Padding p = rng.nextBoolean() ? Padding.SAME : Padding.VALID;
    DataFormat f = rng.nextBoolean() ? DataFormat.CHANNELS_LAST : DataFormat.CHANNELS_FIRST;
    int h = ph + between(rng, 0, 4);
    int w = pw + between(rng, 0, 4);
    int c = between(rng, 1, 3);
    int[] shape = f == DataFormat.CHANNELS_LAST ? new int[] {2, h, w, c} : new int[] {2, c, h, w};
    return new Case("MaxPool2D(" + ph + "x" + pw + ", s=" + sh + "x" + sw + ", " + p + ", " + f
            + ") on " + java.util.Arrays.toString(shape),
        new MaxPool2D(ph, pw).strides(sh, sw).padding(p).dataFormat(f), shape);
  }

  private static Case lstm(SplittableRandom rng) {
    int units = between(rng, 1, 4);
    boolean seq = rng.nextBoolean();
    int[] shape = {between(rng, 1, 3), between(rng, 1, 4), between(rng, 1, 3)};
    return new Case("LSTM(" + units + ", returnSequences=" + seq + ") on "
        + java.util.Arrays.toString(shape),
        new LSTM(units).returnSequences(seq).seed(rng.nextLong()), shape);
  }

  private static Case flatten(SplittableRandom rng) {
    int rank = between(rng, 2, 5);
    int[] shape = new int[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = between(rng, 1, 4);
    }
    return new Case("Flatten on " + java.util.Arrays.toString(shape), new Flatten(), shape);
  }

  private static Case activation(SplittableRandom rng) {
    Activation a = pick(rng, SMOOTH);
    int[] shape = {between(rng, 1, 3), between(rng, 1, 5)};
    return new Case("Activation(" + a + ") on " + java.util.Arrays.toString(shape),
        new ActivationLayer(a), shape);
  }

  private static Case dropout(SplittableRandom rng) {
    int[] shape = {between(rng, 1, 4), between(rng, 1, 4), between(rng, 1, 4)};
    int[] noise = new int[3];
    for (int i = 0; i < 3; i++) {
      noise[i] = pick(rng, new Integer[] {-1, 1, shape[i]});
    }
    double rate = pick(rng, new Double[] {0.0, 0.1, 0.5, 0.9, 1.0});
    return new Case("Dropout(" + rate + ", " + java.util.Arrays.toString(noise) + ") on "
        + java.util.Arrays.toString(shape),
        new Dropout(rate, noise).seed(rng.nextLong()), shape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void outputShapeIsWhatForwardReturns(Case c) {
    int[] open = c.inputShape().clone();
    open[0] = -1;
    int[] declaredOpen = c.layer().outputShape(open);
    int[] declared = c.layer().outputShape(c.inputShape());
    Tensor x = GradientCheck.random(7, c.inputShape());
    Tensor inference = c.layer().forward(x, false);
    Tensor training = c.layer().forward(x, true);
    assertArrayEquals(declared, inference.shape(), "outputShape vs forward(x, false)");
    assertArrayEquals(declared, training.shape(), "outputShape vs forward(x, true)");
    assertEquals(-1, declaredOpen[0], "an open batch stays open");
    for (int i = 1; i < declared.length; i++) {
      assertEquals(declared[i], declaredOpen[i], "axis " + i + " with an open batch");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inferenceIsDeterministic(Case c) {
    Tensor x = GradientCheck.random(11, c.inputShape());
    Tensor first = c.layer().forward(x, false);
    c.layer().forward(GradientCheck.random(12, c.inputShape()), true);
    Tensor second = c.layer().forward(x, false);
    assertEquals(first, second);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void backwardAgreesWithFiniteDifferences(Case c) {
    GradientCheck.check(c.layer(), GradientCheck.random(13, c.inputShape()), 14);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nullInputShapeOrGradientIsRefusedNamingTheLayer(Case c) {
    Layer layer = c.layer();
    String name = layer.getClass().getSimpleName();
    for (Executable call : List.<Executable>of(
        () -> layer.forward(null, true),
        () -> layer.forward(null, false),
        () -> layer.outputShape((int[]) null))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
      assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
    }
    layer.forward(GradientCheck.random(15, c.inputShape()), true);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> layer.backward(null));
    assertTrue(e.getMessage().startsWith(name + ": ") && e.getMessage().contains("null"),
        e.getMessage());
  }
}
