package io.github.dropnet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Dropnet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private static final int THREADS = Dropnet.threads();

  @AfterEach
  void restoreThreads() {
    Dropnet.setThreads(THREADS);
  }

  private static List<int[]> chunksOf(int n, int grain) {
    List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
    Parallel.forRange(n, grain, (from, to) -> chunks.add(new int[] {from, to}));
    chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
    return chunks;
  }

  @Test
  void chunksCoverTheRangeOnceInAtMostThreadsPieces() {
    for (int threads : new int[] {1, 2, 3, 7}) {
      Dropnet.setThreads(threads);
      for (int n : new int[] {1, 2, 5, 100, 1001}) {
        for (int grain : new int[] {1, 3, 50}) {
          List<int[]> chunks = chunksOf(n, grain);
          String what = "threads=" + threads + " n=" + n + " grain=" + grain;
          assertTrue(chunks.size() <= threads, what);
          assertEquals(Math.max(1, Math.min(threads, n / grain)), chunks.size(), what);
          int next = 0;
          for (int[] c : chunks) {
            assertEquals(next, c[0], what);
            assertTrue(c[1] > c[0], what);
            assertTrue(chunks.size() == 1 || c[1] - c[0] >= grain, what);
            next = c[1];
          }
          assertEquals(n, next, what);
        }
      }
    }
  }

  @Test
  void blocksCoverTheRangeOnceInOrderOfTheirSize() {
    for (int threads : new int[] {1, 2, 3, 7}) {
      Dropnet.setThreads(threads);
      for (int n : new int[] {1, 2, 5, 100, 1001}) {
        for (int block : new int[] {1, 3, 50, 2000}) {
          List<int[]> blocks = Collections.synchronizedList(new ArrayList<>());
          Parallel.forBlocks(n, block, (from, to) -> blocks.add(new int[] {from, to}));
          blocks.sort((x, y) -> Integer.compare(x[0], y[0]));
          String what = "threads=" + threads + " n=" + n + " block=" + block;
          int count = (n + block - 1) / block;
          if (threads == 1 || count == 1) {
            assertEquals(1, blocks.size(), what + ": inline in one call");
          } else {
            assertEquals(count, blocks.size(), what);
          }
          int next = 0;
          for (int[] b : blocks) {
            assertEquals(next, b[0], what);
            assertTrue(b[1] > b[0], what);
            assertTrue(blocks.size() == 1 || b[1] - b[0] == block || b[1] == n, what);
            next = b[1];
          }
          assertEquals(n, next, what);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Parallel.forBlocks(5, 0, (a, b) -> { }));
  }

  @Test
  void emptyRangeRunsNothing() {
    AtomicInteger calls = new AtomicInteger();
    Parallel.forRange(0, 1, (from, to) -> calls.incrementAndGet());
    assertEquals(0, calls.get());
  }

  @Test
  void poolThreadsRunChunksAlongsideTheCaller() throws Exception {
    Dropnet.setThreads(2);
    // each chunk waits for the other: this only finishes if two threads run at once
    CountDownLatch both = new CountDownLatch(2);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Parallel.forRange(2, 1, (from, to) -> {
      threads.add(Thread.currentThread());
      both.countDown();
      try {
        assertTrue(both.await(30, TimeUnit.SECONDS), "the other chunk never started");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(2, threads.size());
    assertTrue(threads.contains(Thread.currentThread()), "the caller runs a chunk itself");
    for (Thread t : threads) {
      if (t != Thread.currentThread()) {
        assertTrue(t.isDaemon(), t.getName());
        assertTrue(t.getName().startsWith("dropnet-worker-"), t.getName());
      }
    }
  }

  @Test
  void nestedCallsRunInlineOnTheCurrentThread() {
    Dropnet.setThreads(3);
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Parallel.forRange(3, 1, (from, to) -> {
      Thread outer = Thread.currentThread();
      List<int[]> inner = new ArrayList<>();
      Parallel.forRange(1000, 1, (f, t) -> {
        if (Thread.currentThread() != outer) {
          problems.add("inner chunk on another thread");
        }
        inner.add(new int[] {f, t});
      });
      if (inner.size() != 1 || inner.get(0)[0] != 0 || inner.get(0)[1] != 1000) {
        problems.add("inner range was split");
      }
    });
    assertEquals(List.of(), problems);
  }

  @Test
  void theFirstExceptionReachesTheCallerAfterAllChunksRan() {
    Dropnet.setThreads(3);
    AtomicInteger ran = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.forRange(3, 1, (from, to) -> {
          ran.incrementAndGet();
          if (from == 1) {
            throw boom;
          }
        }));
    assertSame(boom, e);
    assertEquals(3, ran.get());
    // the pool is still usable afterwards
    assertEquals(3, chunksOf(3, 1).size());
  }

  @Test
  void forBlocksAfterRunsTheFirstWorkOnceAndEveryItemOnce() {
    for (int threads : new int[] {1, 2, 3}) {
      Dropnet.setThreads(threads);
      for (int n : new int[] {0, 1, 7, 33, 129}) {
        for (int block : new int[] {1, 4, 200}) {
          AtomicInteger firstRuns = new AtomicInteger();
          int[] seen = new int[n];
          List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
          Parallel.forBlocksAfter(firstRuns::incrementAndGet, n, block, (from, to) -> {
            ranges.add(new int[] {from, to});
            for (int i = from; i < to; i++) {
              seen[i]++;
            }
          });
          String label = "threads=" + threads + " n=" + n + " block=" + block;
          assertEquals(1, firstRuns.get(), label);
          for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i], label + ": item " + i);
          }
          for (int[] r : ranges) {
            assertTrue(0 <= r[0] && r[0] < r[1] && r[1] <= n, label + ": range "
                + r[0] + ".." + r[1]);
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> Parallel.forBlocksAfter(() -> { }, 3, 0, (from, to) -> { }));
  }

  @Test
  void badGrainIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Parallel.forRange(10, 0, (from, to) -> { }));
    assertTrue(e.getMessage().contains("grain"), e.getMessage());
  }
}
