package io.github.dropnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Dropnet;
import io.github.dropnet.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line and the output format of the benchmark; times nothing. */
class BenchSmokeTest {

  private static final Pattern LINE = Pattern.compile(
      "BENCH impl=dropnet workload=(\\w+) threads=(\\d+) median_ms=(\\d+\\.\\d{3})"
          + " min_ms=(\\d+\\.\\d{3}) max_ms=(\\d+\\.\\d{3})");

  /** The key=value pairs as the comparison script reads them. */
  private static final Pattern PAIR = Pattern.compile("(\\w+)=(\\S+)");

  /** One call of warm-up, one call per block: a run costs a few iterations. */
  private static final Timer QUICK = new Timer(1, 0, 0, 0);

  @Test
  void defaults() {
    Bench.Options o = Bench.parse();
    assertEquals(Bench.DEFAULT_WORKLOADS, o.workloads());
    assertEquals(List.of(2), o.threads());
    assertEquals(7, o.repeats());
    assertEquals(Bench.DEFAULT_DATA, o.data());
    assertEquals(0, o.size());
    assertEquals(Timer.DEFAULT, o.timer());
    assertEquals(HeapSettle.DEFAULT, o.heap());
  }

  @Test
  void parsesEveryOption() {
    Bench.Options o = Bench.parse(
        "--workloads", "L1,l4", "--threads", "1,2", "--repeats", "3", "--data", "/tmp/fm");
    assertEquals(List.of("L1", "L4"), o.workloads());
    assertEquals(List.of(1, 2), o.threads());
    assertEquals(3, o.repeats());
    assertEquals(Path.of("/tmp/fm"), o.data());
  }

  @Test
  void rejectsBadArguments() {
    assertMessage("unknown workload 'X9'", "--workloads", "L1,X9");
    assertMessage("--threads: expected positive integers, received '0'", "--threads", "0");
    assertMessage("--threads: expected positive integers, received '1,'", "--threads", "1,");
    assertMessage("--repeats: expected one positive integer", "--repeats", "3,4");
    assertMessage("--repeats: expected positive integers", "--repeats", "many");
    assertMessage("--data needs a value", "--data");
    assertMessage("unknown argument --fast", "--fast", "1");
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(args));
    assertTrue(e.getMessage().contains(expected),
        "expected a message containing '" + expected + "', received '" + e.getMessage() + "'");
  }

  @Test
  void printsOneParsableLinePerWorkloadAndThreadCount() {
    Bench.Options o = Bench.parse("--workloads", "D3,L1", "--threads", "1,2", "--repeats", "2")
        .withSize(1).withTimer(QUICK).withHeap(HeapSettle.NONE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int threadsBefore = Dropnet.threads();
    Bench.run(o, print(out), print(log));
    assertEquals(threadsBefore, Dropnet.threads(), "the thread count before the run is restored");

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    String[] expected = {"D3 1", "D3 2", "L1 1", "L1 2"};
    assertEquals(expected.length, lines.length, String.join("\n", lines));
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i]);
      assertTrue(m.matches(), "not a result line: " + lines[i]);
      assertEquals(expected[i], m.group(1) + " " + m.group(2));
      double median = Double.parseDouble(m.group(3));
      double min = Double.parseDouble(m.group(4));
      double max = Double.parseDouble(m.group(5));
      assertTrue(min <= median && median <= max, lines[i]);

      Map<String, String> kv = new HashMap<>();
      Matcher p = PAIR.matcher(lines[i]);
      while (p.find()) {
        kv.put(p.group(1), p.group(2));
      }
      assertEquals("dropnet", kv.get("impl"));
      assertEquals(m.group(3), kv.get("median_ms"));
    }
    String logText = log.toString(StandardCharsets.UTF_8);
    for (String l : logText.split("\n")) {
      assertTrue(l.startsWith("# "), "log line without '# ': " + l);
    }
    assertTrue(logText.contains("# L1 threads=1: ") && logText.contains("GFLOP/s"), logText);
    assertTrue(logText.contains("# D3 threads=2: 1 x System.arraycopy (one thread) of "), logText);
  }

  @Test
  void anEpochWorkloadAddsTheTestAccuracy() {
    Bench.Options o = Bench.parse("--workloads", "E1", "--threads", "1").withSize(64)
        .withHeap(HeapSettle.NONE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Bench.run(o, () -> SyntheticImages.load(64, 32, 7), print(out), print(log));

    String line = out.toString(StandardCharsets.UTF_8).strip();
    Matcher m = Pattern.compile(LINE.pattern() + " test_acc=(\\d\\.\\d{4})").matcher(line);
    assertTrue(m.matches(), "not an epoch result line: " + line);
    assertEquals("E1 1", m.group(1) + " " + m.group(2));
    double accuracy = Double.parseDouble(m.group(6));
    assertTrue(accuracy >= 0 && accuracy <= 1, line);
    String logText = log.toString(StandardCharsets.UTF_8);
    for (int epoch = 1; epoch <= EpochWorkloads.EPOCHS; epoch++) {
      assertTrue(logText.contains("# E1 threads=1 epoch " + epoch), logText);
    }
  }

  @Test
  void theResultLineHasFixedDecimals() {
    Timer.Result r = Timer.Result.of(new double[] {3, 1, 2, 10}, 4);
    assertEquals("BENCH impl=dropnet workload=E1 threads=1 median_ms=2.500 min_ms=1.000"
        + " max_ms=10.000 test_acc=0.8812", Bench.line("E1", 1, r, " test_acc=0.8812"));
  }

  @Test
  void warmUpWaitsForCallTimesToSettle() {
    // one fast call, then slow ones (as while the heap grows), then fast ones again: timing
    // starts only after five fast calls in a row
    int[] calls = {0};
    Timer timer = new Timer(1, 0, 0, 10);
    timer.measure(() -> {
      int call = calls[0]++;
      sleepMillis(call >= 1 && call < 9 ? 20 : 2);
      return call;
    }, 1);
    assertTrue(calls[0] >= 9 + Timer.SETTLE_CALLS, "warm-up calls: " + calls[0]);

    assertTrue(Timer.settled(new long[] {100, 120, 129, 110, 101}, 100));
    assertFalse(Timer.settled(new long[] {100, 120, 131, 110, 101}, 100));
    // calls that agree with each other but are all slower than the fastest one seen
    assertFalse(Timer.settled(new long[] {200, 200, 201, 200, 202}, 100));
  }

  @Test
  void warmUpStopsWaitingAtItsLimit() {
    int[] calls = {0};
    long start = System.nanoTime();
    new Timer(1, 0, 0, 0.2).measure(() -> {
      sleepMillis(calls[0]++ % 2 == 0 ? 10 : 1); // never settles
      return calls[0];
    }, 1);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds >= 0.2 && seconds < 5, "took " + seconds + " s");
  }

  @Test
  void heapSettleAllocatesUntilTheHeapKeepsItsSize() {
    HeapSettle.Result none = HeapSettle.NONE.run();
    assertEquals(0, none.arrays());
    assertTrue(none.settled());

    // a heap that grows with each of the first five arrays, on a clock of 10 ms an array
    long[] clock = {0};
    int[] made = {0};
    HeapSettle.Result settles = new HeapSettle(0.05, 10).run(
        () -> 100L + Math.min(made[0], 5), () -> made[0]++, () -> clock[0] += 10_000_000);
    assertEquals(new HeapSettle.Result(0.1, 10, 105, true), settles,
        "stable from the fifth array (at 50 ms) for 50 ms: ten arrays");

    clock[0] = 0;
    HeapSettle.Result capped = new HeapSettle(0.05, 0.2).run(
        () -> clock[0], () -> { }, () -> clock[0] += 10_000_000);
    assertEquals(new HeapSettle.Result(0.2, 20, 210_000_000, false), capped,
        "a heap that never keeps its size: the loop ends at maxSeconds, unsettled");

    // the real heap: the loop ends one way or the other, having allocated
    HeapSettle.Result quick = new HeapSettle(0.05, 10).run();
    assertTrue(quick.arrays() >= 1, "arrays: " + quick.arrays());
    assertTrue(quick.settled() ? quick.seconds() >= 0.05 : quick.seconds() >= 10, quick.toString());
    assertTrue(quick.heapBytes() > 32L << 20, "heap: " + quick.heapBytes());
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
