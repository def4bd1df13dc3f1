package io.github.dropnet.data;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST into a {@link Tensor} of doubles.
 *
 * <h2>Format</h2>
 * An IDX file is two zero bytes, a type byte ({@link Type}), a rank byte {@code r}, then {@code r}
 * big-endian int32 dimensions, then the elements in row-major order, each big-endian in the
 * width of its type. A file whose first two bytes are the gzip magic {@code 0x1f 0x8b} is
 * decompressed first; the name of the file plays no part (a {@code .gz} file that is not gzip is
 * read as plain, and the other way round).
 *
 * <h2>Shapes</h2>
 * The tensor has the stored shape: {@code (60000, 28, 28)} for {@code train-images-idx3-ubyte},
 * {@code (60000,)} for {@code train-labels-idx1-ubyte}. A rank-0 file holds one element. Elements
 * are converted to double exactly (every value of every type is representable), except that
 * {@link Scaling#UNIT_INTERVAL} divides unsigned bytes by 255.
 *
 * <h2>Errors</h2>
 * Every problem with the content is an {@link IOException} naming the file: a wrong magic, an
 * unknown type byte, a negative dimension, more than {@link #MAX_ELEMENTS} elements, a file that
 * ends early (with the number of bytes expected and found) and bytes after the last element.
 * After a gzip stream, bytes that do not begin another gzip member are ignored, as
 * {@link GZIPInputStream} ignores them; a further member is trailing data. A null argument is an
 * {@link IllegalArgumentException}.
 *
 * <h2>Bounded memory</h2>
 * A forged header cannot make the reader allocate more than the data really present. For a plain
 * file the size the header claims is checked against the file's length before anything is
 * allocated. A gzip file's decompressed length is not known in advance, so its data is read in
 * chunks of {@value #CHUNK_BYTES} bytes into an array that grows (by doubling, up to the claimed
 * size) only as data arrives; a stream that ends early fails after allocating at most about twice
 * what it held, beside the fixed read buffer.
 *
 * <h2>Thread safety</h2>
 * Stateless; every method is safe to call from any thread. Each call owns its stream and its
 * result.
 */
public final class Idx {
  /**
   * The most elements one file may hold: the largest array the JVM reliably allocates, and so the
   * largest {@link Tensor}.
   */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Bytes read from the stream at a time. */
  static final int CHUNK_BYTES = 1 << 16;

  /** Elements allocated before any data of a stream of unknown length has arrived. */
  private static final int INITIAL_CAPACITY = 1 << 10;

  private Idx() {}

  /** The element types of the IDX format: the third byte of the magic. */
  public enum Type {
    /** {@code 0x08}: unsigned byte, 0..255 (MNIST's pixels and labels). */
    UNSIGNED_BYTE(0x08, 1),
    /** {@code 0x09}: signed byte, -128..127. */
    SIGNED_BYTE(0x09, 1),
    /** {@code 0x0B}: signed big-endian 16-bit integer. */
    SHORT(0x0B, 2),
    /** {@code 0x0C}: signed big-endian 32-bit integer. */
    INT(0x0C, 4),
    /** {@code 0x0D}: big-endian IEEE 754 single precision. */
    FLOAT(0x0D, 4),
    /** {@code 0x0E}: big-endian IEEE 754 double precision. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    Type(int code, int bytes) {
      this.code = code;
      this.bytes = bytes;
    }

    /** {@return the type byte of the magic} */
    public int code() {
      return code;
    }

    /** {@return the width of one element in bytes} */
    public int bytes() {
      return bytes;
    }

    /** The type with the given type byte, or {@code null} if there is none. */
    static Type ofCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** How element values become doubles. */
  public enum Scaling {
    /** Each element as stored: 0..255 for unsigned bytes. */
    NONE,
    /**
     * Unsigned bytes divided by 255, into [0, 1] (Keras' {@code x / 255.0}). Only for
     * {@link Type#UNSIGNED_BYTE} data; any other type is an {@link IOException}.
     */
    UNIT_INTERVAL
  }

  /**
   * The header of an IDX file: its element type and shape.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class Header {
    private final Type type;
    private final int[] shape;

    Header(Type type, int[] shape) {
      this.type = type;
      this.shape = shape.clone();
    }

    /** {@return the element type} */
    public Type type() {
      return type;
    }

    /** {@return the shape, as a copy} */
    public int[] shape() {
      return shape.clone();
    }

    /** {@return the number of elements: the product of the shape, 1 for rank 0} */
    public long elements() {
      return elementCount(shape);
    }

    /** {@return the length of the header in bytes: {@code 4 + 4 * rank}} */
    public int headerBytes() {
      return 4 + 4 * shape.length;
    }

    /** {@return the length of header and data together, in bytes} */
    public long totalBytes() {
      return headerBytes() + elements() * type.bytes;
    }

    /** For example {@code Idx.Header[type=UNSIGNED_BYTE, shape=(60000, 28, 28)]}. */
    @Override
    public String toString() {
      return "Idx.Header[type=" + type + ", shape=" + Shapes.format(shape) + "]";
    }
  }

  /**
   * Reads {@code file} with each element as stored. See {@link #read(Path, Scaling)}.
   *
   * @param file the file, plain or gzip
   * @return a new tensor of the stored shape
   * @throws IOException as for {@link #read(Path, Scaling)}
   */
  public static Tensor read(Path file) throws IOException {
    return read(file, Scaling.NONE);
  }

  /**
   * Reads an IDX file, plain or gzip.
   *
   * @param file the file; gzip is detected by its magic, not by the name
   * @param scaling {@link Scaling#UNIT_INTERVAL} to divide unsigned bytes by 255
   * @return a new tensor of the stored shape
   * @throws IOException if the file cannot be read or is not a well-formed IDX file; the message
   *     names the file and what was expected and found
   */
  public static Tensor read(Path file, Scaling scaling) throws IOException {
    checkFile("Idx.read", file);
    checkScaling("Idx.read", scaling);
    try (InputStream raw = Files.newInputStream(file)) {
      BufferedInputStream in = new BufferedInputStream(raw, CHUNK_BYTES);
      if (isGzip(in)) {
        try (InputStream gz = gunzip(in, file.toString())) {
          return decode(gz, -1, file.toString(), scaling);
        }
      }
      return decode(in, Files.size(file), file.toString(), scaling);
    }
  }

  /**
   * Reads IDX data, plain or gzip, from a stream of unknown length, which must end where the data
   * ends. The stream is consumed (buffered reads may go past the data) but not closed.
   *
   * @param in the stream; gzip is detected by its magic
   * @param scaling {@link Scaling#UNIT_INTERVAL} to divide unsigned bytes by 255
   * @return a new tensor of the stored shape
   * @throws IOException as for {@link #read(Path, Scaling)}, naming the source as "stream"
   */
  public static Tensor read(InputStream in, Scaling scaling) throws IOException {
    if (in == null) {
      throw new IllegalArgumentException("Idx.read: the stream must not be null");
    }
    checkScaling("Idx.read", scaling);
    BufferedInputStream buffered = new BufferedInputStream(in, CHUNK_BYTES);
    if (isGzip(buffered)) {
      return decode(gunzip(buffered, "stream"), -1, "stream", scaling);
    }
    return decode(buffered, -1, "stream", scaling);
  }

  /**
   * Reads only the header of an IDX file, plain or gzip: its type and shape, without the data.
   * For a plain file the length is checked too, so a truncated file or one with trailing bytes is
   * an error here already; a gzip file's data is not checked.
   *
   * @param file the file; gzip is detected by its magic, not by the name
   * @return the element type and shape
   * @throws IOException if the file cannot be read or its header is not well-formed
   */
  public static Header readHeader(Path file) throws IOException {
    checkFile("Idx.readHeader", file);
    String source = file.toString();
    try (InputStream raw = Files.newInputStream(file)) {
      BufferedInputStream in = new BufferedInputStream(raw, 1024);
      if (isGzip(in)) {
        try (InputStream gz = gunzip(in, source)) {
          return header(gz, source);
        }
      }
      Header h = header(in, source);
      checkLength(h, Files.size(file), source);
      return h;
    }
  }

  /** Requires a file, not null and not a directory (which would fail unnamed when read). */
  private static void checkFile(String method, Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException(method + ": the file must not be null");
    }
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an IDX file");
    }
  }

  private static void checkScaling(String method, Scaling scaling) {
    if (scaling == null) {
      throw new IllegalArgumentException(method + ": scaling must not be null (use NONE)");
    }
  }

  /** The message of a decompression failure, or its kind when it has none. */
  private static String reason(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  // ---- decoding

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static InputStream gunzip(InputStream in, String source) throws IOException {
    try {
      return new GZIPInputStream(in, CHUNK_BYTES);
    } catch (EOFException | ZipException e) {
      throw new IOException(source + ": broken gzip header (" + reason(e) + ")", e);
    }
  }

  private static Header header(InputStream in, String source) throws IOException {
    byte[] magic = readFully(in, 4, source, "the header");
    if (magic.length < 4) {
      throw new IOException(
          source + ": truncated: expected at least 4 bytes of IDX magic, found " + magic.length);
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new IOException(
          source + ": wrong magic: expected 0x00 0x00 then a type byte and a rank, found "
              + hex(magic) + " (not an IDX file)");
    }
    Type type = Type.ofCode(magic[2] & 0xff);
    if (type == null) {
      throw new IOException(
          source + ": unknown IDX type byte " + String.format("0x%02X", magic[2] & 0xff)
              + "; expected one of 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (short), "
              + "0x0C (int), 0x0D (float), 0x0E (double)");
    }
    int rank = magic[3] & 0xff;
    byte[] dims = readFully(in, 4 * rank, source, "the header");
    if (dims.length < 4 * rank) {
      throw new IOException(
          source + ": truncated: the header of rank " + rank + " needs " + (4 + 4 * rank)
              + " bytes, found " + (4 + dims.length));
    }
    ByteBuffer bb = ByteBuffer.wrap(dims);
    int[] shape = new int[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = bb.getInt();
      if (shape[i] < 0) {
        throw new IOException(
            source + ": dimension " + i + " of the header is " + shape[i]
                + "; expected a size >= 0");
      }
    }
    long n = elementCount(shape);
    if (n > MAX_ELEMENTS) {
      throw new IOException(
          source + ": shape " + Shapes.format(shape) + " claims " + (n == Long.MAX_VALUE
              ? "more than 2^63" : String.valueOf(n)) + " elements; at most " + MAX_ELEMENTS
              + " are supported");
    }
    return new Header(type, shape);
  }

  private static void checkLength(Header h, long length, String source) throws IOException {
    long expected = h.totalBytes();
    if (length < expected) {
      throw new IOException(
          source + ": truncated: " + h.type + " data of shape " + Shapes.format(h.shape)
              + " needs " + expected + " bytes, found " + length);
    }
    if (length > expected) {
      throw new IOException(
          source + ": " + (length - expected) + " bytes of trailing data after the "
              + expected + " bytes that " + h.type + " data of shape " + Shapes.format(h.shape)
              + " takes");
    }
  }

  /**
   * Decodes header and data from {@code in}. {@code length} is the total number of bytes of the
   * source if known (plain files), else -1: then the data array grows as data arrives.
   */
  private static Tensor decode(InputStream in, long length, String source, Scaling scaling)
      throws IOException {
    Header h = header(in, source);
    if (scaling == Scaling.UNIT_INTERVAL && h.type != Type.UNSIGNED_BYTE) {
      throw new IOException(
          source + ": UNIT_INTERVAL scaling applies to UNSIGNED_BYTE data, the file holds "
              + h.type);
    }
    if (length >= 0) {
      checkLength(h, length, source);
    }
    int n = (int) h.elements();
    int width = h.type.bytes;
    double[] out = new double[length >= 0 ? n : Math.min(n, INITIAL_CAPACITY)];
    byte[] buf = new byte[CHUNK_BYTES];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    int done = 0;
    while (done < n) {
      int count = Math.min(CHUNK_BYTES / width, n - done);
      int want = count * width;
      int got = readInto(in, buf, want, source, h, done);
      if (got < want) {
        throw truncated(source, h, (long) done * width + got, length >= 0);
      }
      if (done + count > out.length) {
        out = Arrays.copyOf(out, (int) Math.min(n, Math.max(2L * out.length, done + count)));
      }
      bb.clear();
      convert(h.type, bb, out, done, count, scaling);
      done += count;
    }
    if (readTrailing(in, source) > 0) {
      throw new IOException(
          source + ": trailing data after the " + h.totalBytes() + " bytes that " + h.type
              + " data of shape " + Shapes.format(h.shape) + " takes");
    }
    return Tensor.wrap(out, h.shape);
  }

  private static void convert(
      Type type, ByteBuffer bb, double[] out, int offset, int count, Scaling scaling) {
    int end = offset + count;
    switch (type) {
      case UNSIGNED_BYTE:
        if (scaling == Scaling.UNIT_INTERVAL) {
          for (int i = offset; i < end; i++) {
            out[i] = (bb.get() & 0xff) / 255.0;
          }
        } else {
          for (int i = offset; i < end; i++) {
            out[i] = bb.get() & 0xff;
          }
        }
        break;
      case SIGNED_BYTE:
        for (int i = offset; i < end; i++) {
          out[i] = bb.get();
        }
        break;
      case SHORT:
        for (int i = offset; i < end; i++) {
          out[i] = bb.getShort();
        }
        break;
      case INT:
        for (int i = offset; i < end; i++) {
          out[i] = bb.getInt();
        }
        break;
      case FLOAT:
        for (int i = offset; i < end; i++) {
          out[i] = bb.getFloat();
        }
        break;
      case DOUBLE:
        for (int i = offset; i < end; i++) {
          out[i] = bb.getDouble();
        }
        break;
      default:
        throw new AssertionError(type);
    }
  }

  /** Reads up to {@code want} bytes; fewer only at the end of the stream. */
  private static int readInto(
      InputStream in, byte[] buf, int want, String source, Header h, int doneElements)
      throws IOException {
    int got = 0;
    try {
      while (got < want) {
        int r = in.read(buf, got, want - got);
        if (r < 0) {
          break;
        }
        got += r;
      }
    } catch (EOFException e) {
      // a gzip stream cut inside its compressed data
      throw new IOException(
          truncated(source, h, (long) doneElements * h.type.bytes + got, false).getMessage()
              + " (" + e.getMessage() + ")", e);
    } catch (ZipException e) {
      throw new IOException(source + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
    return got;
  }

  private static IOException truncated(String source, Header h, long dataBytes, boolean exact) {
    long found = h.headerBytes() + dataBytes;
    return new IOException(
        source + ": truncated: " + h.type + " data of shape " + Shapes.format(h.shape) + " needs "
            + h.totalBytes() + " bytes" + (exact ? "" : " (decompressed)") + ", found "
            + (exact ? "" : "only ") + found);
  }

  private static int readTrailing(InputStream in, String source) throws IOException {
    try {
      return in.read() < 0 ? 0 : 1;
    } catch (EOFException | ZipException e) {
      // the data is complete; a broken gzip trailer is still a broken file
      throw new IOException(source + ": corrupt gzip trailer (" + reason(e) + ")", e);
    }
  }

  private static byte[] readFully(InputStream in, int n, String source, String what)
      throws IOException {
    try {
      return in.readNBytes(n);
    } catch (EOFException | ZipException e) {
      throw new IOException(
          source + ": truncated or corrupt gzip data in " + what + " (" + e.getMessage() + ")",
          e);
    }
  }

  /** The product of the shape, or Long.MAX_VALUE if it does not fit in a long. */
  private static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (int d : shape) {
      if (n > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xff));
    }
    return sb.toString();
  }
}
