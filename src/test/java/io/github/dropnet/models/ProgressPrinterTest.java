package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.models.TestParts.Linear;
import io.github.dropnet.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now;

  private ProgressPrinter printer(int verbose, boolean interactive) {
    return new ProgressPrinter(out, verbose, interactive, () -> now);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, Double> logs(Object... keyValues) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], ((Number) keyValues[i + 1]).doubleValue());
    }
    return m;
  }

  /** One epoch of three batches, 0.8 s each. */
  private void epoch(ProgressPrinter p, Map<String, Double> end) {
    p.epochBegin(2, 10, 3);
    for (int b = 1; b <= 3; b++) {
      now += 800_000_000L;
      p.batchEnd(b, logs("loss", 1.0 / b));
    }
    p.epochEnd(end);
  }

  @Test
  void verbose1OffATerminalPrintsOnlyTheFinishedLine() {
    epoch(printer(1, false), logs("loss", 0.33123, "accuracy", 0.88, "val_loss", 0.0001234));
    assertEquals(
        "Epoch 3/10\n3/3 [==============================] - 2s 800ms/step - loss: 0.3312"
            + " - accuracy: 0.8800 - val_loss: 1.2340e-04\n",
        printed());
    assertFalse(printed().contains("\r"));
  }

  @Test
  void verbose1OnATerminalRedrawsTheBarInPlace() {
    epoch(printer(1, true), logs("loss", 0.25));
    assertEquals(
        "Epoch 3/10\n"
            + "\r1/3 [=========>....................] - ETA: 1s - loss: 1.0000"
            + "\r2/3 [===================>..........] - ETA: 0s - loss: 0.5000"
            + "\r3/3 [==============================] - ETA: 0s - loss: 0.3333"
            + "\r3/3 [==============================] - 2s 800ms/step - loss: 0.2500\n",
        printed());
  }

  @Test
  void terminalUpdatesAreThrottledAndShorterLinesPadded() {
    ProgressPrinter p = printer(1, true);
    p.epochBegin(0, 1, 3);
    now += 10_000_000L;
    p.batchEnd(1, logs("loss", 123.456));
    now += 10_000_000L;
    p.batchEnd(2, logs("loss", 2.0));
    now += 10_000_000L;
    p.batchEnd(3, logs("loss", 1.0));
    String s = printed();
    assertFalse(s.contains("2/3"), "the second update came within 50 ms: " + s);
    assertTrue(s.contains("\r3/3"), s);
    p.epochEnd(logs());
    String last = printed().substring(printed().lastIndexOf('\r'));
    // the final line is shorter than the previous one: spaces cover the rest
    assertTrue(last.matches("\r3/3 \\[=+\\] - 0s 10ms/step +\n"), last);
  }

  @Test
  void verbose2PrintsOneLinePerEpoch() {
    epoch(printer(2, true), logs("loss", 0.33123, "val_loss", 0.357));
    assertEquals("Epoch 3/10\n3/3 - 2s - loss: 0.3312 - val_loss: 0.3570\n", printed());
  }

  @Test
  void aSingleEpochHasNoHeaderAsInKeras() {
    for (int verbose = 1; verbose <= 2; verbose++) {
      bytes.reset();
      ProgressPrinter p = printer(verbose, false);
      p.epochBegin(0, 1, 3);
      p.epochEnd(logs("loss", 0.5));
      assertTrue(printed().startsWith("3/3 "), printed());
      assertFalse(printed().contains("Epoch"), printed());
    }
  }

  @Test
  void verbose0PrintsNothing() {
    epoch(printer(0, true), logs("loss", 0.3));
    assertEquals("", printed());
  }

  @Test
  void theBarFollowsKeras() {
    ProgressPrinter p = printer(1, false);
    p.epochBegin(0, 1, 469);
    assertEquals(" 12/469 [..............................]", p.bar(12));
    assertEquals("100/469 [=====>........................]", p.bar(100));
    assertEquals("469/469 [==============================]", p.bar(469));
    p.epochBegin(0, 1, 1);
    assertEquals("1/1 [==============================]", p.bar(1));
  }

  @Test
  void timesAndValuesFollowKeras() {
    assertEquals("5s", ProgressPrinter.eta(5));
    assertEquals("60s", ProgressPrinter.eta(60));
    assertEquals("2:05", ProgressPrinter.eta(125));
    assertEquals("1:02:05", ProgressPrinter.eta(3725));
    assertEquals(" 2s/step", ProgressPrinter.perStep(2.2));
    assertEquals(" 4ms/step", ProgressPrinter.perStep(0.004));
    assertEquals(" 850us/step", ProgressPrinter.perStep(0.00085));
    assertEquals(" 0s/step", ProgressPrinter.perStep(0));
    assertEquals("0.3312", ProgressPrinter.format(0.33123));
    assertEquals("-12.5000", ProgressPrinter.format(-12.5));
    assertEquals("1.0000e-03", ProgressPrinter.format(0.001));
    assertEquals("0.0000e+00", ProgressPrinter.format(0));
  }

  @Test
  void fitWritesProgressToTheGivenStreamWithoutControlCharacters() {
    Tensor x = TestParts.uniform(1, 20, 2);
    Tensor y = TestParts.linearTarget(x, new double[] {1, 2}, 0);
    for (int verbose = 0; verbose <= 2; verbose++) {
      bytes.reset();
      Sequential model = new Sequential(new Linear(1, 3));
      model.compile(new SGD(0.1), new MeanSquaredError(), Metric.binaryAccuracy());
      model.fit(x, y, new FitOptions().epochs(2).batchSize(8).validationSplit(0.2)
          .verbose(verbose).output(out));
      String s = printed();
      assertFalse(s.contains("\r"), s);
      String[] lines = s.isEmpty() ? new String[0] : s.split("\n", -1);
      String values = " - loss: \\S+ - binary_accuracy: \\S+ - val_loss: \\S+ - val_binary_accuracy: \\S+";
      if (verbose == 0) {
        assertEquals("", s);
      } else if (verbose == 1) {
        assertEquals(5, lines.length, s);
        assertEquals("Epoch 1/2", lines[0]);
        assertTrue(lines[1].matches("2/2 \\[=+\\] - \\d+s \\d+(s|ms|us)/step" + values), lines[1]);
        assertEquals("Epoch 2/2", lines[2]);
        assertTrue(lines[3].matches("2/2 \\[=+\\] - \\d+s \\d+(s|ms|us)/step" + values), lines[3]);
        assertEquals("", lines[4]);
      } else {
        assertEquals(5, lines.length, s);
        assertEquals("Epoch 1/2", lines[0]);
        assertTrue(lines[1].matches("2/2 - \\d+s" + values), lines[1]);
        assertEquals("Epoch 2/2", lines[2]);
        assertTrue(lines[3].matches("2/2 - \\d+s" + values), lines[3]);
      }
    }
  }

  @Test
  void aCapturedStreamIsNotATerminal() {
    assertFalse(ProgressPrinter.isInteractive(out));
  }
}
