package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Statistical properties of the masks.
 *
 * <p>Every check is deterministic (seeded) but its tolerance is what a correct generator passes
 * for almost every seed: 4 standard deviations of the binomial count (a false alarm about once in
 * 16,000 seeds), or 5 where a test makes many comparisons. A biased generator, a wrong threshold
 * or correlated draws miss by far more.
 */
class DropoutStatisticsTest {

  private static long kept(Tensor y) {
    long k = 0;
    for (double v : y.data()) {
      k += v != 0 ? 1 : 0;
    }
    return k;
  }

  /** Keras {@code test_dropout_rescaling}: mean about 1, max exactly 2 for rate 0.5. */
  @Test
  void kerasRescalingMeanAboutOneMaxExactlyTwo() {
    Tensor x = Tensor.ones(20, 500);
    for (long seed = 0; seed < 10; seed++) {
      Tensor y = new Dropout(0.5).seed(seed).forward(x, true);
      // the mean is 2 * (kept fraction of 10,000 units): sd 2 * sqrt(0.25 / 10,000) = 0.01
      assertEquals(1.0, y.mean(), 0.04, "seed " + seed);
      assertEquals(2.0, y.max(), 0.0, "seed " + seed);
      assertEquals(0.0, y.min(), 0.0, "seed " + seed);
    }
  }

  /** Flax {@code test_dropout_rate_stats}: the kept fraction is 1 - rate within 4 sigma. */
  @Test
  void flaxRateStatsKeptFractionWithinFourSigma() {
    int n = 100_000;
    Tensor x = Tensor.ones(n);
    for (int r = 1; r <= 9; r++) {
      double rate = r / 10.0;
      Tensor y = new Dropout(rate).seed(r).forward(x, true);
      double keep = 1 - rate;
      double frac = kept(y) / (double) n;
      double sigma = Math.sqrt(keep * rate / n);
      assertTrue(Math.abs(frac - keep) < 4 * sigma,
          "rate " + rate + ": kept " + frac + ", expected " + keep + " +- " + 4 * sigma);
    }
  }

  /** Draws that share a hash, neighbours in a word and successive calls are independent. */
  @Test
  void neighboursAndSuccessiveCallsAreIndependent() {
    int n = 200_000;
    double rate = 0.3;
    Dropout d = new Dropout(rate).seed(99);
    Tensor x = Tensor.ones(n);
    double[] a = d.forward(x, true).toArray();
    double[] b = d.forward(x, true).toArray();
    double both = rate * rate;

    long pairs = n / 2;
    long sameHash = 0; // elements 2j and 2j + 1 take the two halves of one hash
    long acrossWords = 0; // elements 64k + 63 and 64k + 64
    long acrossCalls = 0;
    for (int j = 0; j < pairs; j++) {
      sameHash += a[2 * j] == 0 && a[2 * j + 1] == 0 ? 1 : 0;
    }
    long words = n / 64 - 1;
    for (int k = 0; k < words; k++) {
      acrossWords += a[64 * k + 63] == 0 && a[64 * k + 64] == 0 ? 1 : 0;
    }
    for (int i = 0; i < n; i++) {
      acrossCalls += a[i] == 0 && b[i] == 0 ? 1 : 0;
    }
    assertBinomial("same hash", sameHash, pairs, both, 5);
    assertBinomial("across words", acrossWords, words, both, 5);
    assertBinomial("across calls", acrossCalls, n, both, 5);
  }

  /** Nearby seeds (0, 1, 2, ...) give unrelated masks. */
  @Test
  void neighbouringSeedsAreIndependent() {
    int n = 100_000;
    double rate = 0.5;
    Tensor x = Tensor.ones(n);
    double[] previous = new Dropout(rate).seed(0).forward(x, true).toArray();
    for (long seed = 1; seed < 6; seed++) {
      double[] next = new Dropout(rate).seed(seed).forward(x, true).toArray();
      long both = 0;
      for (int i = 0; i < n; i++) {
        both += previous[i] == 0 && next[i] == 0 ? 1 : 0;
      }
      assertBinomial("seeds " + (seed - 1) + " and " + seed, both, n, rate * rate, 5);
      previous = next;
    }
  }

  /** Both scalings make the expected training output equal the inference output. */
  @Test
  void expectedTrainingOutputEqualsInferenceOutputForBothScalings() {
    int n = 200_000;
    double rate = 0.3;
    Tensor x = Tensor.ones(n);
    for (Dropout.Scaling s : Dropout.Scaling.values()) {
      Dropout d = new Dropout(rate).scaling(s).seed(31);
      double inference = d.forward(x, false).mean();
      double training = d.forward(x, true).mean();
      // training mean = scale * kept / n: sd scale * sqrt(rate * (1 - rate) / n)
      double scale = s == Dropout.Scaling.INVERTED ? 1 / (1 - rate) : 1;
      double sigma = scale * Math.sqrt(rate * (1 - rate) / n);
      assertEquals(inference, training, 4 * sigma, s.toString());
    }
  }

  /** Spatial dropout drops a fraction {@code rate} of the channels. */
  @Test
  void spatialDropoutDropsTheRateOfChannels() {
    int batch = 100;
    int channels = 400;
    double rate = 0.2;
    Dropout d = Dropout.spatial2D(rate, DataFormat.CHANNELS_FIRST).seed(8);
    Tensor y = d.forward(Tensor.ones(batch, channels, 3, 3), true);
    long keptMaps = kept(y) / 9;
    assertBinomial("kept maps", keptMaps, batch * channels, 1 - rate, 4);
  }

  private static void assertBinomial(String what, long count, long trials, double p,
      double sigmas) {
    double mean = trials * p;
    double sd = Math.sqrt(trials * p * (1 - p));
    assertTrue(Math.abs(count - mean) < sigmas * sd,
        what + ": " + count + " of " + trials + ", expected " + mean + " +- " + sigmas * sd);
  }
}
