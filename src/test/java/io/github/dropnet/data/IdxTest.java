package io.github.dropnet.data;

import static io.github.dropnet.data.IdxFiles.concat;
import static io.github.dropnet.data.IdxFiles.file;
import static io.github.dropnet.data.IdxFiles.gzip;
import static io.github.dropnet.data.IdxFiles.header;
import static io.github.dropnet.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
  @TempDir Path dir;

  /** Values that reach the ends of each type's range, six per type, as the reader must return. */
  static double[] samples(Idx.Type type) {
    switch (type) {
      case UNSIGNED_BYTE:
        return new double[] {0, 1, 127, 128, 255, 7};
      case SIGNED_BYTE:
        return new double[] {-128, -1, 0, 1, 127, 5};
      case SHORT:
        return new double[] {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE, 1234};
      case INT:
        return new double[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 123456789};
      case FLOAT:
        return new double[] {
          -1.5, (float) 0.1, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY
        };
      case DOUBLE:
        return new double[] {-0.0, 0.1, Double.MIN_VALUE, 1e300, Double.NaN, -1.0 / 3};
      default:
        throw new AssertionError(type);
    }
  }

  static Stream<Arguments> typesAndCompression() {
    return Arrays.stream(Idx.Type.values())
        .flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
  }

  // ---- round trips

  @ParameterizedTest(name = "{0}, gzip={1}")
  @MethodSource("typesAndCompression")
  void roundTripsEveryType(Idx.Type type, boolean gzipped) throws IOException {
    double[] values = samples(type);
    byte[] plain = file(type, values, 2, 3);
    Path f = write(dir, "data", gzipped ? gzip(plain) : plain);

    Tensor t = Idx.read(f);
    assertArrayEquals(new int[] {2, 3}, t.shape());
    assertArrayEquals(values, t.toArray());

    Idx.Header h = Idx.readHeader(f);
    assertEquals(type, h.type());
    assertArrayEquals(new int[] {2, 3}, h.shape());
    assertEquals(6, h.elements());

    Tensor fromStream =
        Idx.read(new ByteArrayInputStream(gzipped ? gzip(plain) : plain), Idx.Scaling.NONE);
    assertEquals(t, fromStream);
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void keepsRowMajorOrderOfRank3(boolean gzipped) throws IOException {
    double[] values = new double[24];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    byte[] plain = file(Idx.Type.UNSIGNED_BYTE, values, 2, 3, 4);
    Tensor t = Idx.read(write(dir, "cube", gzipped ? gzip(plain) : plain));
    assertArrayEquals(new int[] {2, 3, 4}, t.shape());
    assertEquals(23, t.get(1, 2, 3));
    assertEquals(1 * 12 + 0 * 4 + 2, t.get(1, 0, 2));
  }

  @Test
  void spansManyChunks() throws IOException {
    // more elements than one read chunk holds, so chunk boundaries and array growth are crossed
    int n = 3 * Idx.CHUNK_BYTES / 4 + 5;
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = (i * 7919) % 65536 - 32768;
    }
    byte[] plain = file(Idx.Type.INT, values, n);
    assertArrayEquals(values, Idx.read(write(dir, "plain", plain)).toArray());
    assertArrayEquals(values, Idx.read(write(dir, "zipped", gzip(plain))).toArray());
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void scalesUnsignedBytesToUnitInterval(boolean gzipped) throws IOException {
    double[] values = {0, 51, 255, 128};
    byte[] plain = file(Idx.Type.UNSIGNED_BYTE, values, 4);
    Tensor t = Idx.read(write(dir, "px", gzipped ? gzip(plain) : plain),
        Idx.Scaling.UNIT_INTERVAL);
    assertArrayEquals(new double[] {0, 0.2, 1, 128 / 255.0}, t.toArray());
  }

  @Test
  void rejectsUnitScalingOfOtherTypes() throws IOException {
    Path f = write(dir, "f", file(Idx.Type.FLOAT, new double[] {1}, 1));
    IOException e = assertThrows(IOException.class,
        () -> Idx.read(f, Idx.Scaling.UNIT_INTERVAL));
    assertContains(e, "UNIT_INTERVAL", "FLOAT", f.toString());
  }

  @Test
  void readsRankZeroAndEmptyShapes() throws IOException {
    Tensor scalar = Idx.read(write(dir, "s", file(Idx.Type.DOUBLE, new double[] {2.5})));
    assertArrayEquals(new int[0], scalar.shape());
    assertEquals(2.5, scalar.get());

    Tensor empty = Idx.read(write(dir, "e", gzip(file(Idx.Type.SHORT, new double[0], 0, 28, 28))));
    assertArrayEquals(new int[] {0, 28, 28}, empty.shape());
  }

  @Test
  void detectsGzipByContentNotByName() throws IOException {
    byte[] plain = file(Idx.Type.SIGNED_BYTE, new double[] {-3, 4}, 2);
    assertArrayEquals(new double[] {-3, 4}, Idx.read(write(dir, "a.gz", plain)).toArray());
    assertArrayEquals(new double[] {-3, 4}, Idx.read(write(dir, "b", gzip(plain))).toArray());
  }

  // ---- malformed headers

  @Test
  void rejectsWrongMagic() throws IOException {
    Path zip = write(dir, "zip", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
    assertContains(assertThrows(IOException.class, () -> Idx.read(zip)),
        "wrong magic", "0x50 0x4B 0x03 0x04", zip.toString());

    Path oneZero = write(dir, "one", new byte[] {0, 1, 8, 1, 0, 0, 0, 0});
    assertContains(assertThrows(IOException.class, () -> Idx.readHeader(oneZero)),
        "wrong magic");

    // the same inside gzip
    Path gz = write(dir, "gz", gzip(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}));
    assertContains(assertThrows(IOException.class, () -> Idx.read(gz)), "wrong magic");
  }

  @Test
  void rejectsUnknownTypeByte() throws IOException {
    for (int code : new int[] {0x00, 0x0A, 0x0F, 0xFF}) {
      Path f = write(dir, "t" + code, concat(header(code, 1), new byte[8]));
      assertContains(assertThrows(IOException.class, () -> Idx.read(f)),
          String.format("unknown IDX type byte 0x%02X", code), f.toString());
    }
  }

  @Test
  void rejectsNegativeDimension() throws IOException {
    Path f = write(dir, "neg", header(0x08, 2, -5));
    assertContains(assertThrows(IOException.class, () -> Idx.read(f)),
        "dimension 1 of the header is -5", "expected a size >= 0");
    Path g = write(dir, "neg.gz", gzip(header(0x08, Integer.MIN_VALUE)));
    assertContains(assertThrows(IOException.class, () -> Idx.read(g)),
        "dimension 0 of the header is " + Integer.MIN_VALUE);
  }

  @Test
  void rejectsMoreElementsThanTheLimit() throws IOException {
    Path f = write(dir, "big", header(0x08, 65536, 65536));
    assertContains(assertThrows(IOException.class, () -> Idx.read(f)),
        "claims 4294967296 elements", "at most " + Idx.MAX_ELEMENTS);

    int max = Integer.MAX_VALUE;
    Path g = write(dir, "huge", gzip(header(0x08, max, max, max, max, max)));
    assertContains(assertThrows(IOException.class, () -> Idx.read(g)), "more than 2^63");

    Path h = write(dir, "limit+1", header(0x08, (int) Idx.MAX_ELEMENTS + 1));
    assertContains(assertThrows(IOException.class, () -> Idx.readHeader(h)), "claims");
  }

  // ---- truncation and trailing data

  static Stream<Integer> cuts() {
    // a DOUBLE file of shape (2, 3) is 12 header bytes and 48 data bytes: cut inside the magic,
    // at its end, inside a dimension, at the end of the header, inside an element, between two
    // elements and one byte short of the end
    return Stream.of(0, 2, 4, 9, 12, 13, 36, 59);
  }

  @ParameterizedTest(name = "cut at {0}")
  @MethodSource("cuts")
  void reportsTruncatedPlainFile(int cut) throws IOException {
    byte[] whole = file(Idx.Type.DOUBLE, samples(Idx.Type.DOUBLE), 2, 3);
    Path f = write(dir, "cut", Arrays.copyOf(whole, cut));
    IOException e = assertThrows(IOException.class, () -> Idx.read(f));
    assertContains(e, "truncated", "found " + cut, f.toString());
    if (cut >= 12) {
      assertContains(e, "needs 60 bytes");
      assertContains(assertThrows(IOException.class, () -> Idx.readHeader(f)), "needs 60 bytes");
    }
  }

  @ParameterizedTest(name = "cut at {0}")
  @MethodSource("cuts")
  void reportsTruncatedDataInsideGzip(int cut) throws IOException {
    byte[] whole = file(Idx.Type.DOUBLE, samples(Idx.Type.DOUBLE), 2, 3);
    Path f = write(dir, "cut.gz", gzip(Arrays.copyOf(whole, cut)));
    IOException e = assertThrows(IOException.class, () -> Idx.read(f));
    assertContains(e, "truncated", "found " + (cut >= 12 ? "only " : "") + cut, f.toString());
    if (cut >= 12) {
      assertContains(e, "needs 60 bytes (decompressed)");
    }
  }

  @Test
  void reportsCutGzipStream() throws IOException {
    double[] values = new double[5000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.sin(i);
    }
    byte[] zipped = gzip(file(Idx.Type.DOUBLE, values, 50, 100));
    for (int cut : new int[] {5, 10, 20, zipped.length / 2, zipped.length - 9, zipped.length - 1}) {
      Path f = write(dir, "cut" + cut, Arrays.copyOf(zipped, cut));
      IOException e = assertThrows(IOException.class, () -> Idx.read(f), "cut at " + cut);
      assertContains(e, f.toString());
    }
  }

  @Test
  void rejectsTrailingData() throws IOException {
    byte[] whole = file(Idx.Type.SHORT, new double[] {1, 2, 3}, 3);
    Path f = write(dir, "tail", concat(whole, new byte[] {9, 9, 9}));
    assertContains(assertThrows(IOException.class, () -> Idx.read(f)),
        "3 bytes of trailing data", "after the 14 bytes", f.toString());
    assertContains(assertThrows(IOException.class, () -> Idx.readHeader(f)),
        "3 bytes of trailing data");

    Path g = write(dir, "tail.gz", gzip(concat(whole, new byte[] {0})));
    assertContains(assertThrows(IOException.class, () -> Idx.read(g)),
        "trailing data after the 14 bytes", g.toString());

    assertThrows(IOException.class, () -> Idx.read(
        new ByteArrayInputStream(concat(whole, new byte[1])), Idx.Scaling.NONE));
  }

  // ---- forged sizes

  @Test
  void forgedHugePlainFileFailsWithoutAllocating() throws IOException {
    // claims 2^31 - 9 doubles (16 GiB) in a 12-byte file
    Path f = write(dir, "forged", header(0x0E, 46339, 46341));
    long bytes = allocatedBytes(() -> {
      IOException e = assertThrows(IOException.class, () -> Idx.read(f));
      assertContains(e, "truncated", "found 12");
    });
    assertTrue(bytes < (16 << 20), "allocated " + bytes + " bytes");
  }

  @Test
  void forgedHugeGzipFileFailsWithoutAllocating() throws IOException {
    // the same claim, followed by 100 kB of real data, behind gzip where no length is known
    Path f = write(dir, "forged.gz", gzip(concat(header(0x0E, 46339, 46341), new byte[100_000])));
    long bytes = allocatedBytes(() -> {
      IOException e = assertThrows(IOException.class, () -> Idx.read(f));
      assertContains(e, "truncated", "found only 100012");
    });
    assertTrue(bytes < (16 << 20), "allocated " + bytes + " bytes");
  }

  @Test
  void aForgedGzipHeaderWithNoDataAllocatesLittle() throws IOException {
    // claims 2^31 - 9 bytes behind gzip, and holds 16: only a small first array before data
    Path f = write(dir, "forged-short.gz", gzip(concat(header(0x08, 46339, 46341), new byte[16])));
    long bytes = allocatedBytes(() -> assertThrows(IOException.class, () -> Idx.read(f)));
    assertTrue(bytes < (400 << 10), "allocated " + bytes + " bytes");
  }

  @Test
  void badArgumentsAreRefusedByName() throws IOException {
    assertContains(assertThrows(IllegalArgumentException.class, () -> Idx.read((Path) null)),
        "Idx.read: the file must not be null");
    assertContains(assertThrows(IllegalArgumentException.class, () -> Idx.readHeader(null)),
        "Idx.readHeader: the file must not be null");
    Path f = write(dir, "ok", file(Idx.Type.UNSIGNED_BYTE, new double[] {1, 2}, 2));
    assertContains(assertThrows(IllegalArgumentException.class, () -> Idx.read(f, null)),
        "Idx.read: scaling must not be null");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> Idx.read((java.io.InputStream) null, Idx.Scaling.NONE)),
        "Idx.read: the stream must not be null");
    // a directory is named, not left to the file system's bare "Is a directory"
    assertContains(assertThrows(IOException.class, () -> Idx.read(dir)),
        dir.toString(), "is a directory");
    assertContains(assertThrows(IOException.class, () -> Idx.readHeader(dir)),
        dir.toString(), "is a directory");
    // a gzip header cut after its magic has no message of its own: its kind is named
    Path cut = write(dir, "cut.gz", new byte[] {0x1f, (byte) 0x8b});
    IOException e = assertThrows(IOException.class, () -> Idx.read(cut));
    assertContains(e, cut.toString(), "broken gzip header");
    assertTrue(!e.getMessage().contains("(null)"), e.getMessage());
  }

  // ---- helpers

  static void assertContains(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(part),
          "message should contain \"" + part + "\": " + e.getMessage());
    }
  }

  /**
   * Bytes allocated by this thread while {@code body} runs, where the JVM can tell (HotSpot's
   * ThreadMXBean, reached reflectively because the module under test does not read
   * jdk.management); elsewhere 0, and then the test relies on the missing OutOfMemoryError alone.
   */
  private static long allocatedBytes(Runnable body) {
    Object bean;
    Method allocated;
    try {
      bean = Class.forName("java.lang.management.ManagementFactory")
          .getMethod("getThreadMXBean").invoke(null);
      allocated = Class.forName("com.sun.management.ThreadMXBean")
          .getMethod("getThreadAllocatedBytes", long.class);
    } catch (ReflectiveOperationException e) {
      body.run();
      return 0;
    }
    if (!allocated.getDeclaringClass().isInstance(bean)) {
      body.run();
      return 0;
    }
    long id = Thread.currentThread().getId();
    try {
      long before = (long) allocated.invoke(bean, id);
      body.run();
      return (long) allocated.invoke(bean, id) - before;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
