package io.github.dropnet.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitive values of the model file format (big-endian) from one region of a channel,
 * through one 64 KiB buffer.
 *
 * <h2>Bounds</h2>
 * Every read first checks that the region still holds the bytes it needs, and every count a caller
 * reads can be checked with {@link #count} against the bytes left before anything is allocated
 * for it. A value that would run past the end of the region throws an {@link IOException} naming
 * the offset; nothing is ever read or allocated beyond what the region holds.
 *
 * <p>Not thread-safe.
 */
final class FormatSource {
  private final SeekableByteChannel channel;
  private final String name;
  private final long end;
  private final ByteBuffer buf;
  /** The file offset of the byte at {@code buf.position()}. */
  private long offset;

  /** Reads the region {@code [start, end)} of {@code channel}; {@code name} prefixes messages. */
  FormatSource(SeekableByteChannel channel, String name, long start, long end) throws IOException {
    this.channel = channel;
    this.name = name;
    this.end = end;
    this.offset = start;
    // at most 64 KiB, less for a small file; at least enough for the widest value
    this.buf = ByteBuffer.allocate((int) Math.max(64, Math.min(1 << 16, end - start)));
    channel.position(start);
    buf.flip();
  }

  /** The name that starts every message. */
  String name() {
    return name;
  }

  /** The file offset of the next byte to read. */
  long offset() {
    return offset;
  }

  /** The bytes left in the region. */
  long remaining() {
    return end - offset;
  }

  /** An error about the structure at the current offset. */
  IOException malformed(String what) {
    return malformedAt(offset, what);
  }

  IOException malformedAt(long at, String what) {
    return new IOException(name + ": malformed at offset " + at + ": " + what);
  }

  /** Makes sure the region holds {@code n} more bytes and that {@code n} of them are buffered. */
  private void need(int n) throws IOException {
    if (remaining() < n) {
      throw malformed(
          "expected " + n + " more bytes, the model data ends at offset " + end);
    }
    if (buf.remaining() >= n) {
      return;
    }
    buf.compact();
    long want = Math.min(buf.remaining(), remaining() - (buf.position()));
    buf.limit(buf.position() + (int) want);
    while (buf.position() < n) {
      if (channel.read(buf) < 0) {
        throw new IOException(
            name + ": truncated: expected " + (n - buf.position()) + " more bytes at offset "
                + (offset + buf.position()) + " (the file shrank while it was read)");
      }
    }
    buf.flip();
  }

  int u1() throws IOException {
    need(1);
    offset += 1;
    return buf.get() & 0xFF;
  }

  int u2() throws IOException {
    need(2);
    offset += 2;
    return buf.getShort() & 0xFFFF;
  }

  int i32() throws IOException {
    need(4);
    offset += 4;
    return buf.getInt();
  }

  long i64() throws IOException {
    need(8);
    offset += 8;
    return buf.getLong();
  }

  double f64() throws IOException {
    need(8);
    offset += 8;
    return Double.longBitsToDouble(buf.getLong());
  }

  /**
   * Checks a count just read: {@code 0 <= count <= max} and the region still holds
   * {@code count * minBytesEach} bytes.
   *
   * @param at where the count was read, for the message
   * @param what what is counted, for the message
   */
  int count(long count, int max, long minBytesEach, long at, String what) throws IOException {
    if (count < 0 || count > max) {
      throw malformedAt(at, what + " " + count + " is outside [0, " + max + "]");
    }
    if (count * minBytesEach > remaining()) {
      throw malformedAt(
          at, what + " " + count + " needs at least " + count * minBytesEach
              + " bytes, only " + remaining() + " are left");
    }
    return (int) count;
  }

  /** A string: u2 length (at most {@link ModelFile#MAX_STRING}) and UTF-8 bytes. */
  String string(String what) throws IOException {
    long at = offset;
    int n = count(u2(), ModelFile.MAX_STRING, 1, at, what + " length");
    byte[] b = new byte[n];
    for (int i = 0; i < n; ) {
      int k = Math.min(n - i, buf.capacity());
      need(k);
      buf.get(b, i, k);
      offset += k;
      i += k;
    }
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw malformedAt(at, what + " is not valid UTF-8");
    }
  }

  /** Fills {@code out} with doubles; the caller has checked that the region holds them. */
  void doubles(double[] out) throws IOException {
    int i = 0;
    while (i < out.length) {
      int k = Math.min(out.length - i, buf.capacity() / 8);
      need(8 * k);
      buf.asDoubleBuffer().get(out, i, k);
      buf.position(buf.position() + 8 * k);
      offset += 8L * k;
      i += k;
    }
  }

  /** Skips {@code n} bytes; the caller has checked that the region holds them. */
  void skip(long n) throws IOException {
    if (remaining() < n) {
      throw malformed("expected " + n + " more bytes, the model data ends at offset " + end);
    }
    long target = offset + n;
    if (n <= buf.remaining()) {
      buf.position(buf.position() + (int) n);
    } else {
      channel.position(target);
      buf.clear().flip();
    }
    offset = target;
  }
}
