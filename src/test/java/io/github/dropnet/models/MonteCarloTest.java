package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dropnet.Tensor;
import io.github.dropnet.kernels.Rng;
import io.github.dropnet.models.TestParts.Counter;
import io.github.dropnet.models.TestParts.Noise;
import io.github.dropnet.testing.TensorAssert;
import org.junit.jupiter.api.Test;

class MonteCarloTest {

  @Test
  void meanAndStdAreThoseOfTheSamples() {
    Counter counter = new Counter();
    Sequential model = new Sequential(counter);
    Tensor x = Tensor.of(new double[] {1, -2, 0.5, 4, 0, 3}, 3, 2);
    MonteCarlo.Result r = MonteCarlo.predict(model, x, 5, 7);
    // the model reseeds the counter from the seed; pass s then adds offset + s
    double offset = Math.floorMod(Rng.key(7, 0), 1000);
    assertEquals(offset, counter.offset);
    assertEquals(5, r.sampleCount());
    assertArrayEquals(new int[] {5, 3, 2}, r.samples().shape());
    assertEquals(x.add(offset + 3), Tensor.of(slice(r.samples(), 3), 3, 2));
    TensorAssert.assertClose(x.add(offset + 2), r.mean(), 1e-12, 0, "mean");
    TensorAssert.assertClose(Tensor.full(Math.sqrt(2), 3, 2), r.std(), 1e-12, 0, "population std");
  }

  private static double[] slice(Tensor samples, int s) {
    int size = samples.size() / samples.dim(0);
    double[] out = new double[size];
    System.arraycopy(samples.data(), s * size, out, 0, size);
    return out;
  }

  @Test
  void oneSampleHasZeroSpread() {
    Tensor x = Tensor.of(new double[] {0.2, 0.8}, 1, 2);
    MonteCarlo.Result r = MonteCarlo.predict(new Sequential(), x, 1, 0);
    assertEquals(x, r.mean());
    assertEquals(Tensor.zeros(1, 2), r.std());
  }

  @Test
  void dropoutStatisticsAndReproducibility() {
    Sequential model = new Sequential(new Noise(0.5, 1));
    Tensor x = Tensor.ones(1, 1000);
    MonteCarlo.Result a = MonteCarlo.predict(model, x, 200, 11);
    // every element is 0 or 2 with equal odds: mean 1, population std 1
    assertEquals(1, a.mean().mean(), 0.02);
    assertEquals(1, a.std().mean(), 0.02);

    MonteCarlo.Result b = MonteCarlo.predict(model, x, 200, 11);
    assertEquals(a.samples(), b.samples(), "the seed fixes every mask");
    MonteCarlo.Result c = MonteCarlo.predict(model, x, 200, 12);
    assertFalse(a.samples().equals(c.samples()));
    // plain inference is untouched
    assertEquals(x, model.predict(x));
  }

  @Test
  void entropyOfTheMeanProbabilities() {
    Tensor p = Tensor.of(new double[] {0.5, 0.5, 1, 0, 0.2, 0.8}, 3, 2);
    MonteCarlo.Result r = MonteCarlo.predict(new Sequential(), p, 3, 0);
    Tensor h = r.entropy();
    assertArrayEquals(new int[] {3}, h.shape());
    assertEquals(Math.log(2), h.get(0), 1e-15);
    assertEquals(0, h.get(1), 0);
    assertEquals(-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8)), h.get(2), 1e-15);
    // identical passes carry no information about the weights
    TensorAssert.assertClose(Tensor.zeros(3), r.mutualInformation(), 1e-15, 0, "mutual information");
  }

  @Test
  void oneColumnIsABinaryProbability() {
    Tensor p = Tensor.of(new double[] {0.5, 0.1}, 2, 1);
    Tensor h = MonteCarlo.predict(new Sequential(), p, 2, 0).entropy();
    assertArrayEquals(new int[] {2}, h.shape());
    assertEquals(Math.log(2), h.get(0), 1e-15);
    assertEquals(-(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9)), h.get(1), 1e-15);
  }

  @Test
  void mutualInformationIsTheDisagreementOfThePasses() {
    // two confident passes that disagree: the mean is uniform
    Tensor samples = Tensor.of(new double[] {0, 1, 1, 0}, 2, 1, 2);
    MonteCarlo.Result r = new MonteCarlo.Result(samples);
    assertEquals(Math.log(2), r.entropy().get(0), 1e-15);
    assertEquals(Math.log(2), r.mutualInformation().get(0), 1e-15);
  }

  @Test
  void misuseIsReported() {
    Sequential model = new Sequential();
    Tensor x = Tensor.ones(2, 2);
    assertEquals(
        "MonteCarlo.predict: samples must be >= 1, received 0",
        assertThrows(IllegalArgumentException.class, () -> MonteCarlo.predict(model, x, 0, 1))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> MonteCarlo.predict(null, x, 1, 1));
    // 2^30 samples of 4 outputs: more values than one array holds (the product wrapped before)
    assertEquals("MonteCarlo.predict: shape (1073741824, 2, 2) has more than 2147483647 elements",
        assertThrows(IllegalArgumentException.class,
            () -> MonteCarlo.predict(model, x, 1 << 30, 1)).getMessage());
    MonteCarlo.Result logits = MonteCarlo.predict(model, Tensor.of(new double[] {2, -1}, 1, 2), 1, 0);
    assertThrows(IllegalStateException.class, logits::entropy);
  }
}
