package io.github.dropnet.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes the primitive values of the model file format (big-endian) to a channel through one
 * 64 KiB buffer. Not thread-safe.
 */
final class FormatSink {
  private final WritableByteChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
  /** Bytes handed to the channel so far. */
  private long flushed;

  FormatSink(WritableByteChannel channel) {
    this.channel = channel;
  }

  /** The number of bytes written so far, buffered ones included. */
  long position() {
    return flushed + buf.position();
  }

  private void room(int n) throws IOException {
    if (buf.remaining() < n) {
      flush();
    }
  }

  void u1(int v) throws IOException {
    room(1);
    buf.put((byte) v);
  }

  void u2(int v) throws IOException {
    room(2);
    buf.putShort((short) v);
  }

  void i32(int v) throws IOException {
    room(4);
    buf.putInt(v);
  }

  void i64(long v) throws IOException {
    room(8);
    buf.putLong(v);
  }

  /** The IEEE 754 bits of {@code v}, NaN payloads included. */
  void f64(double v) throws IOException {
    room(8);
    buf.putLong(Double.doubleToRawLongBits(v));
  }

  void bytes(byte[] b) throws IOException {
    int i = 0;
    while (i < b.length) {
      room(1);
      int n = Math.min(buf.remaining(), b.length - i);
      buf.put(b, i, n);
      i += n;
    }
  }

  /**
   * A string as u2 length and UTF-8 bytes.
   *
   * @throws IllegalArgumentException if it is longer than {@link ModelFile#MAX_STRING} bytes
   */
  void string(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > ModelFile.MAX_STRING) {
      throw new IllegalArgumentException(
          "ModelFile: a name may hold at most " + ModelFile.MAX_STRING + " UTF-8 bytes, received "
              + b.length + ": " + s.substring(0, Math.min(s.length(), 40)) + "...");
    }
    u2(b.length);
    bytes(b);
  }

  void doubles(double[] values) throws IOException {
    for (double v : values) {
      f64(v);
    }
  }

  /** Hands every buffered byte to the channel. */
  void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      flushed += channel.write(buf);
    }
    buf.clear();
  }
}
