package io.github.dropnet.testing;

import io.github.dropnet.Dropnet;
import java.util.function.Supplier;

/**
 * Runs test code with the shared pool set to a given thread count ({@link Dropnet#setThreads}),
 * and sets the count back to what it was afterwards, even when the code throws.
 */
public final class Threads {
  private Threads() {}

  /** Runs {@code body} with {@code threads} threads. */
  public static void run(int threads, Runnable body) {
    call(threads, () -> {
      body.run();
      return null;
    });
  }

  /** The value of {@code body}, computed with {@code threads} threads. */
  public static <T> T call(int threads, Supplier<T> body) {
    int before = Dropnet.threads();
    Dropnet.setThreads(threads);
    try {
      return body.get();
    } finally {
      Dropnet.setThreads(before);
    }
  }
}
