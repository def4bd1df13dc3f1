package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.ActivationLayer;
import io.github.dropnet.layers.AlphaDropout;
import io.github.dropnet.layers.Conv2D;
import io.github.dropnet.layers.DataFormat;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.DropBlock2D;
import io.github.dropnet.layers.DropConnect;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.layers.Flatten;
import io.github.dropnet.layers.GaussianDropout;
import io.github.dropnet.layers.GaussianNoise;
import io.github.dropnet.layers.KernelInitializer;
import io.github.dropnet.layers.LSTM;
import io.github.dropnet.layers.Layer;
import io.github.dropnet.layers.MaxPool2D;
import io.github.dropnet.layers.Padding;
import io.github.dropnet.models.ModelBytes.Slot;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated model files: whatever the damage, loading either succeeds or throws an
 * {@link IOException} (or an {@link IllegalArgumentException}), never another exception, a hang or
 * an allocation out of proportion to the file.
 *
 * <p>Bit flips and truncations are caught by the frame (checksum, length). The forged cases
 * recompute the checksum after the damage, so that the parser and the loader's own checks, not the
 * CRC, must stand up to them. Everything is seeded and bounded: the class runs in a few seconds.
 */
class ModelFileFuzzTest {
  /** What one read may allocate beyond a multiple of the file's size. */
  private static final long ALLOCATION_ALLOWANCE = 8L << 20;
  private static final long ALLOCATION_PER_FILE_BYTE = 32;
  /** A read that takes longer than this is a hang, or an allocation without bound. */
  private static final long SLOW_NANOS = Duration.ofSeconds(2).toNanos();

  private static final List<byte[]> BASES = new ArrayList<>();
  private static final List<String> NAMES = new ArrayList<>();

  @BeforeAll
  static void writeBaseFiles(@TempDir Path dir) throws IOException {
    int[] series = {-1, 5, 3};
    base(dir, "recurrent", series, new LSTM(2).returnSequences(true).dropout(0.1).seed(1),
        new Dropout(0.2, -1, 1, -1).seed(3), new Dense(3).activation(Activation.RELU).seed(2),
        new Flatten(), new Dense(2).useBias(false).seed(4));
    int[] image = {-1, 6, 6, 1};
    base(dir, "convolutional", image, new Conv2D(2, 3, 3).padding(Padding.SAME).seed(1),
        new MaxPool2D(2, 2), new Flatten(), new Dense(2).seed(2),
        new ActivationLayer(Activation.SOFTMAX));
    int[] nested = {-1, 4, 3};
    base(dir, "nested", nested, new Sequential(new LSTM(2).returnSequences(true).seed(1),
            new Sequential(new Dense(2).seed(2), new Dropout(0.1).seed(3))),
        new Flatten(), new Dense(1).seed(4));
    base(dir, "unbuilt", null, new Dense(3).seed(5), new Dropout(0.5),
        new Conv2D(1, 2, 2).dilation(2, 2),
        new DropConnect(new Dense(2).kernelInitializer(KernelInitializer.HE_UNIFORM), 0.5));
    int[] maps = {-1, 4, 4, 1};
    base(dir, "dropout family", maps, new GaussianNoise(0.1).seed(1),
        new DropConnect(new Conv2D(2, 2, 2).kernelInitializer(KernelInitializer.HE_NORMAL)
            .seed(2), 0.3).dropBias(true).seed(3),
        new DropBlock2D(0.2, 2).dataFormat(DataFormat.CHANNELS_LAST).seed(4), new Flatten(),
        new GaussianDropout(0.2, 1, 18).seed(5),
        new DropConnect(new Dense(2).activation(Activation.SELU)
            .kernelInitializer(KernelInitializer.LECUN_NORMAL).seed(6), 0.2).seed(7),
        new AlphaDropout(0.1).seed(8));
  }

  private static void base(Path dir, String name, int[] shape, Layer... layers)
      throws IOException {
    if (shape != null) {
      int[] s = shape;
      for (Layer l : layers) {
        l.build(s);
        ModelFileTest.randomizeWeights(l, name.hashCode());
        s = l.outputShape(s);
      }
    }
    Path path = dir.resolve(name + ".dnm");
    ModelFile.write(path, shape, List.of(layers));
    byte[] file = Files.readAllBytes(path);
    ModelBytes.read(file); // the base itself is good
    BASES.add(file);
    NAMES.add(name);
  }

  // ================================================================ the harness

  private enum Outcome { LOADED, REFUSED }

  /**
   * HotSpot's count of the bytes the current thread has allocated, found by reflection since the
   * library's module does not read the management modules; null where the JVM lacks it (the
   * allocation check is then skipped, the time check still runs).
   */
  private static final Object THREADS;
  private static final Method ALLOCATED;

  static {
    Object bean = null;
    Method method = null;
    try {
      bean = Class.forName("java.lang.management.ManagementFactory")
          .getMethod("getThreadMXBean").invoke(null);
      Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
      if (hotspot.isInstance(bean)) {
        method = hotspot.getMethod("getThreadAllocatedBytes", long.class);
        method.invoke(bean, Thread.currentThread().getId());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      method = null;
    }
    THREADS = bean;
    ALLOCATED = method;
  }

  private static long allocated() {
    if (ALLOCATED == null) {
      return 0;
    }
    try {
      return (Long) ALLOCATED.invoke(THREADS, Thread.currentThread().getId());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void allocationIsMeasured() {
    if (ALLOCATED != null) {
      long before = allocated();
      byte[] block = new byte[1 << 20];
      assertTrue(allocated() - before >= block.length, "the allocation counter works");
    }
  }

  /**
   * Reads the file and fails the test on anything but a load or an IOException /
   * IllegalArgumentException, on a read slower than {@link #SLOW_NANOS}, or on one allocating more
   * than the allowance.
   */
  private static Outcome attempt(byte[] file, String what) {
    long bytesBefore = allocated();
    long start = System.nanoTime();
    Outcome outcome;
    try {
      ModelBytes.read(file);
      outcome = Outcome.LOADED;
    } catch (IOException | IllegalArgumentException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail(what + ": refused without a message", e);
      }
      outcome = Outcome.REFUSED;
    } catch (Throwable t) {
      throw new AssertionError(what + ": threw " + t, t);
    }
    long nanos = System.nanoTime() - start;
    long bytes = allocated() - bytesBefore;
    if (nanos > SLOW_NANOS) {
      fail(what + ": took " + nanos / 1_000_000 + " ms");
    }
    long allowed = ALLOCATION_ALLOWANCE + ALLOCATION_PER_FILE_BYTE * file.length;
    if (bytes > allowed) {
      fail(what + ": allocated " + bytes + " bytes for a file of " + file.length);
    }
    return outcome;
  }

  private static void refusedWithIoException(byte[] file, String what, String expected) {
    try {
      ModelBytes.read(file);
      fail(what + ": loaded");
    } catch (IOException e) {
      if (!e.getMessage().contains(expected)) {
        fail(what + ": expected a message with '" + expected + "', got " + e.getMessage());
      }
    }
  }

  private static void withinSeconds(int seconds, Runnable body) {
    assertTimeoutPreemptively(Duration.ofSeconds(seconds), body::run);
  }

  // ================================================================ damage the frame catches

  @Test
  void everySingleBitFlipIsRefused() {
    withinSeconds(60, () -> {
      for (int b = 0; b < BASES.size(); b++) {
        byte[] base = BASES.get(b);
        for (int i = 0; i < base.length; i++) {
          for (int bit = 0; bit < 8; bit++) {
            byte[] file = base.clone();
            file[i] ^= (byte) (1 << bit);
            String what = NAMES.get(b) + ": bit " + bit + " of byte " + i;
            if (attempt(file, what) != Outcome.REFUSED) {
              fail(what + ": a flipped bit loaded");
            }
          }
        }
      }
    });
  }

  @Test
  void everyTruncationIsRefusedAsTruncated() {
    withinSeconds(60, () -> {
      for (int b = 0; b < BASES.size(); b++) {
        byte[] base = BASES.get(b);
        for (int cut = 0; cut < base.length; cut++) {
          String what = NAMES.get(b) + " cut at " + cut;
          byte[] file = Arrays.copyOf(base, cut);
          attempt(file, what);
          refusedWithIoException(file, what, "truncated: expected " + (
              cut < ModelBytes.HEADER ? ModelBytes.HEADER - cut : base.length - cut)
              + " more bytes at offset " + cut);
        }
      }
    });
  }

  // ================================================================ forgeries the parser must catch

  /** Values that break counts and sizes: signs, limits, powers of two, off by one. */
  private static Set<Long> forgeries(Slot slot, long original) {
    Set<Long> v = new LinkedHashSet<>(List.of(0L, 1L, 2L, original + 1, original - 1,
        original * 2, original + 64));
    switch (slot.width()) {
      case 1 -> v.addAll(List.of(0x20L, 0x21L, 0x41L, 0x4CL, 0x7FL, 0x80L, 0xFFL));
      case 2 -> v.addAll(List.of(0x7FFFL, 0x8000L, 0xFFFFL, 1024L, 1025L));
      case 4 -> v.addAll(List.of(-1L, -2L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE,
          (long) Integer.MAX_VALUE - 7, 1L << 16, 1L << 20, 1L << 24, 1L << 28, 1L << 30));
      default -> v.addAll(List.of(-1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 40,
          Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(-1.0),
          Double.doubleToRawLongBits(1e300)));
    }
    v.remove(original);
    return v;
  }

  @Test
  void forgedCountsSizesAndValuesWithAValidChecksumAreRefusedFast() {
    withinSeconds(120, () -> {
      int cases = 0;
      int refused = 0;
      for (int b = 0; b < BASES.size(); b++) {
        byte[] base = BASES.get(b);
        for (Slot slot : ModelBytes.slots(base)) {
          for (long value : forgeries(slot, slot.read(base))) {
            byte[] file = base.clone();
            slot.write(file, value);
            if (!slot.what().equals("checksum")) {
              ModelBytes.fixCrc(file);
            }
            if (attempt(file, NAMES.get(b) + ": " + slot + " set to " + value)
                == Outcome.REFUSED) {
              refused++;
            }
            cases++;
          }
        }
      }
      assertTrue(cases > 3000, "only " + cases + " forged cases");
      assertTrue(refused > cases / 2, "only " + refused + " of " + cases + " refused");
    });
  }

  @Test
  void randomDamageWithAValidChecksumIsRefusedOrLoads() {
    withinSeconds(120, () -> {
      SplittableRandom rng = new SplittableRandom(20240611L);
      for (int n = 0; n < 6000; n++) {
        int b = rng.nextInt(BASES.size());
        byte[] base = BASES.get(b);
        byte[] body = ModelBytes.body(base);
        int kind = rng.nextInt(5);
        byte[] damaged = switch (kind) {
          case 0 -> overwrite(body, rng);
          case 1 -> insert(body, rng);
          case 2 -> delete(body, rng);
          case 3 -> duplicate(body, rng);
          default -> overwriteWithExtremes(body, rng);
        };
        int version = ByteBuffer.wrap(base).getInt(12);
        attempt(ModelBytes.frame(version, damaged), NAMES.get(b) + ": random damage " + n
            + " of kind " + kind);
      }
    });
  }

  @Test
  void randomBodiesAreRefused() {
    withinSeconds(60, () -> {
      SplittableRandom rng = new SplittableRandom(7);
      for (int n = 0; n < 3000; n++) {
        byte[] body = new byte[rng.nextInt(0, 300)];
        rng.nextBytes(body);
        if (body.length > 0) {
          body[0] = (byte) rng.nextInt(2); // past the input-shape flag, most of the time
        }
        if (attempt(ModelBytes.frame(1, body), "random body " + n) != Outcome.REFUSED) {
          fail("random body " + n + " loaded: " + Arrays.toString(body));
        }
      }
    });
  }

  private static byte[] overwrite(byte[] body, SplittableRandom rng) {
    byte[] b = body.clone();
    int count = rng.nextInt(1, 9);
    for (int i = 0; i < count; i++) {
      b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
    }
    return b;
  }

  /** Writes 0xFF..., 0x7F..., 0x80... or 0x00... runs: huge, negative or empty sizes. */
  private static byte[] overwriteWithExtremes(byte[] body, SplittableRandom rng) {
    byte[] b = body.clone();
    int at = rng.nextInt(b.length);
    int len = Math.min(b.length - at, rng.nextInt(1, 9));
    byte[] fills = {(byte) 0xFF, 0x7F, (byte) 0x80, 0x00};
    byte first = fills[rng.nextInt(fills.length)];
    for (int i = 0; i < len; i++) {
      b[at + i] = i == 0 ? first : (first == 0x7F ? (byte) 0xFF : first == (byte) 0x80 ? 0 : first);
    }
    return b;
  }

  private static byte[] insert(byte[] body, SplittableRandom rng) {
    int at = rng.nextInt(body.length + 1);
    byte[] extra = new byte[rng.nextInt(1, 17)];
    rng.nextBytes(extra);
    byte[] b = new byte[body.length + extra.length];
    System.arraycopy(body, 0, b, 0, at);
    System.arraycopy(extra, 0, b, at, extra.length);
    System.arraycopy(body, at, b, at + extra.length, body.length - at);
    return b;
  }

  private static byte[] delete(byte[] body, SplittableRandom rng) {
    int at = rng.nextInt(body.length);
    int len = Math.min(body.length - at, rng.nextInt(1, 33));
    byte[] b = new byte[body.length - len];
    System.arraycopy(body, 0, b, 0, at);
    System.arraycopy(body, at + len, b, at, body.length - at - len);
    return b;
  }

  private static byte[] duplicate(byte[] body, SplittableRandom rng) {
    int at = rng.nextInt(body.length);
    int len = Math.min(body.length - at, rng.nextInt(1, 65));
    byte[] b = new byte[body.length + len];
    System.arraycopy(body, 0, b, 0, at + len);
    System.arraycopy(body, at, b, at + len, body.length - at);
    return b;
  }
}
