package io.github.dropnet.kernels;

import io.github.dropnet.Dropnet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of independent work items over the library's threads ({@link Dropnet#threads()}).
 *
 * <p>{@link #forRange} cuts {@code [0, n)} into at most {@code threads()} contiguous chunks of at
 * least {@code grain} items each. The chunk boundaries depend only on {@code n}, {@code grain} and
 * the thread count, never on timing. The calling thread takes chunks itself and one shared pool of
 * daemon threads takes the others; a chunk nobody has started yet is taken by whichever thread is
 * free first, so a busy pool delays nobody: the caller then runs every chunk itself.
 *
 * <h2>No nested parallelism</h2>
 * A {@code forRange} called from inside a chunk (on a pool thread, or on the caller while it runs
 * its own chunks) runs its whole range inline, on the current thread.
 *
 * <h2>Errors</h2>
 * If a chunk throws, the other chunks still run to completion and the first exception is rethrown
 * to the caller of {@code forRange}.
 *
 * <h2>Thread safety</h2>
 * Safe to call from many threads at once; calls share the pool. The body must make its chunks
 * independent (for example by writing disjoint parts of an output).
 */
public final class Parallel {
  /** Work on the items {@code [from, to)}. */
  @FunctionalInterface
  public interface IntRangeBody {
    /**
     * Does the work of items {@code [from, to)}; a failure is rethrown to the caller of the loop.
     *
     * @param from the first item
     * @param to one past the last item
     */
    void run(int from, int to);
  }

  /** Whether the current thread is running a chunk (pool threads always are). */
  private static final ThreadLocal<boolean[]> INSIDE =
      ThreadLocal.withInitial(() -> new boolean[1]);

  private static final long KEEP_ALIVE_SECONDS = 30;
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private static final Object LOCK = new Object();
  private static volatile ThreadPoolExecutor pool;
  private static volatile int poolSize;

  private Parallel() {}

  /**
   * Runs {@code body} over {@code [0, n)} in at most {@link Dropnet#threads()} contiguous chunks
   * of at least {@code grain} items (one chunk, inline, when {@code n < 2 * grain}), and returns
   * when every chunk has finished.
   *
   * @param n the number of items; nothing runs when {@code n <= 0}
   * @param grain the smallest number of items worth a chunk of its own ({@code >= 1})
   * @param body the work; its chunks must be independent
   * @throws IllegalArgumentException if {@code n > 0} and {@code grain < 1}
   */
  public static void forRange(int n, int grain, IntRangeBody body) {
    if (n <= 0) {
      return;
    }
    if (grain < 1) {
      throw new IllegalArgumentException(
          "Parallel.forRange: grain must be >= 1, received " + grain);
    }
    int chunks = Math.min(Dropnet.threads(), n / grain);
    boolean[] inside = INSIDE.get();
    if (chunks <= 1 || inside[0]) {
      body.run(0, n);
      return;
    }
    run(new Job(n, chunks, 0, body, Thread.currentThread()), chunks, inside);
  }

  /**
   * Runs {@code body} over {@code [0, n)} cut into consecutive blocks of {@code block} items (the
   * last may be shorter), which the threads claim in order, one at a time, and returns when every
   * block has finished. Unlike {@link #forRange}, there may be many more blocks than threads, so a
   * thread that the machine slows down (other processes, say) holds back only the block it is
   * running, not a fixed share of the work.
   *
   * <p>The blocks depend only on {@code n} and {@code block}; which thread runs a block depends
   * on timing. With one thread, or inside a chunk, the whole range runs inline in one call.
   *
   * @param n the number of items; nothing runs when {@code n <= 0}
   * @param block the items per block ({@code >= 1})
   * @param body the work; its blocks must be independent
   * @throws IllegalArgumentException if {@code n > 0} and {@code block < 1}
   */
  public static void forBlocks(int n, int block, IntRangeBody body) {
    if (n <= 0) {
      return;
    }
    if (block < 1) {
      throw new IllegalArgumentException(
          "Parallel.forBlocks: block must be >= 1, received " + block);
    }
    int blocks = (int) (((long) n + block - 1) / block);
    int threads = Math.min(Dropnet.threads(), blocks);
    boolean[] inside = INSIDE.get();
    if (threads <= 1 || inside[0]) {
      body.run(0, n);
      return;
    }
    run(new Job(n, blocks, block, body, Thread.currentThread()), threads, inside);
  }

  /**
   * Runs {@code job} on {@code threads} threads, the calling one included, marked as inside a
   * chunk meanwhile, and returns when every chunk has finished (rethrowing the first failure).
   */
  private static void run(Job job, int threads, boolean[] inside) {
    ThreadPoolExecutor executor = pool(threads - 1);
    for (int i = 1; i < threads; i++) {
      executor.execute(job);
    }
    inside[0] = true;
    try {
      job.runChunks();
    } finally {
      inside[0] = false;
    }
    job.awaitAndRethrow();
  }

  /**
   * {@link #forBlocks} with one more piece of work, {@code first}, claimed before the blocks of
   * {@code [0, n)}: the threads take work as they come free, so with two threads one runs
   * {@code first} while the other starts on the blocks. For work that one thread would otherwise
   * do before the others could start, such as allocating a large array (which the JVM zeroes on
   * the allocating thread). {@code first} runs exactly once, also when {@code n <= 0}; with one
   * thread, or inside a chunk, it runs before the whole range, inline.
   *
   * @param first work independent of the blocks
   * @param n the number of items
   * @param block the items per block ({@code >= 1})
   * @param body the work; its blocks must be independent
   */
  public static void forBlocksAfter(Runnable first, int n, int block, IntRangeBody body) {
    if (block < 1) {
      throw new IllegalArgumentException(
          "Parallel.forBlocksAfter: block must be >= 1, received " + block);
    }
    // the items [0, block) stand for the first piece of work, so the blocks keep their bounds
    forBlocks(block + Math.max(0, n), block, (from, to) -> {
      if (from < block) {
        first.run();
        from = block;
      }
      if (from < to) {
        body.run(from - block, to - block);
      }
    });
  }

  /** The shared pool, created or resized so that it holds at least {@code helpers} threads. */
  private static ThreadPoolExecutor pool(int helpers) {
    ThreadPoolExecutor p = pool;
    if (p != null && poolSize >= helpers) {
      return p;
    }
    synchronized (LOCK) {
      p = pool;
      if (p == null) {
        p = new ThreadPoolExecutor(helpers, helpers, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Parallel::newWorker);
        p.allowCoreThreadTimeOut(true);
        pool = p;
        poolSize = helpers;
      } else if (poolSize < helpers) {
        p.setMaximumPoolSize(helpers);
        p.setCorePoolSize(helpers);
        poolSize = helpers;
      }
      return p;
    }
  }

  private static Thread newWorker(Runnable r) {
    Runnable marked = () -> {
      INSIDE.get()[0] = true;
      r.run();
    };
    Thread t = new Thread(marked, "dropnet-worker-" + THREAD_NUMBER.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** One call of forRange or forBlocks: chunks are claimed in order by whichever thread is free. */
  private static final class Job implements Runnable {
    private final int n;
    private final int chunks;
    /** Items per chunk, or 0 for {@code chunks} chunks of equal size. */
    private final int block;
    private final IntRangeBody body;
    private final Thread caller;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Throwable failure;

    Job(int n, int chunks, int block, IntRangeBody body, Thread caller) {
      this.n = n;
      this.chunks = chunks;
      this.block = block;
      this.body = body;
      this.caller = caller;
    }

    @Override
    public void run() {
      runChunks();
    }

    void runChunks() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          body.run(start(c), start(c + 1));
        } catch (Throwable t) {
          synchronized (this) {
            if (failure == null) {
              failure = t;
            }
          }
        }
        if (done.incrementAndGet() == chunks) {
          LockSupport.unpark(caller);
        }
      }
    }

    private int start(int chunk) {
      if (block > 0) {
        return (int) Math.min(n, (long) chunk * block);
      }
      return (int) ((long) chunk * n / chunks);
    }

    void awaitAndRethrow() {
      boolean interrupted = false;
      while (done.get() < chunks) {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure;
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }
}
