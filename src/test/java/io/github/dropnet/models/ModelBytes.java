package io.github.dropnet.models;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Test-side knowledge of the model file layout, written from the documentation in
 * {@link ModelFile} rather than from its code: reading files from memory, fixing checksums,
 * listing every numeric field of a file (to forge them), and writing bodies by hand.
 */
final class ModelBytes {
  private ModelBytes() {}

  static final int HEADER = 24;

  /** Loads a file held in memory. */
  static ModelFile.Loaded read(byte[] file) throws IOException {
    return ModelFile.read(new BytesChannel(file), "model.dnm");
  }

  /** Recomputes the trailing CRC-32C over everything before it (in place) and returns the file. */
  static byte[] fixCrc(byte[] file) {
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 4);
    ByteBuffer.wrap(file).putInt(file.length - 4, (int) crc.getValue());
    return file;
  }

  /** A frame around {@code body}: magic, version, body length, body, CRC-32C. */
  static byte[] frame(int version, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + 4);
    b.put(new byte[] {(byte) 0x89, 'D', 'R', 'O', 'P', 'N', 'E', 'T', '\r', '\n', 0x1A, '\n'});
    b.putInt(version).putLong(body.length).put(body);
    return fixCrc(b.array());
  }

  /** The body of a file (between the header and the checksum). */
  static byte[] body(byte[] file) {
    return Arrays.copyOfRange(file, HEADER, file.length - 4);
  }

  /** Writes bytes by hand, big-endian, as the layout documents them. */
  static final class Raw {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    Raw u1(int v) {
      return run(() -> out.writeByte(v));
    }

    Raw u2(int v) {
      return run(() -> out.writeShort(v));
    }

    Raw i32(int v) {
      return run(() -> out.writeInt(v));
    }

    Raw i64(long v) {
      return run(() -> out.writeLong(v));
    }

    Raw f64(double v) {
      return run(() -> out.writeLong(Double.doubleToRawLongBits(v)));
    }

    Raw raw(byte[] b) {
      return run(() -> out.write(b));
    }

    Raw string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u2(b.length).raw(b);
    }

    /** A shape or int array: u8 length then i32 entries. */
    Raw ints(int... v) {
      u1(v.length);
      for (int x : v) {
        i32(x);
      }
      return this;
    }

    Raw field(String name, char type) {
      return string(name).u1(type);
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }

    private interface Io {
      void run() throws IOException;
    }

    private Raw run(Io io) {
      try {
        io.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }
  }

  /** A numeric field of a file: where it is, how wide, and what it means. */
  record Slot(int offset, int width, String what) {
    long read(byte[] file) {
      ByteBuffer b = ByteBuffer.wrap(file);
      return switch (width) {
        case 1 -> b.get(offset) & 0xFF;
        case 2 -> b.getShort(offset) & 0xFFFF;
        case 4 -> b.getInt(offset);
        default -> b.getLong(offset);
      };
    }

    void write(byte[] file, long v) {
      ByteBuffer b = ByteBuffer.wrap(file);
      switch (width) {
        case 1 -> b.put(offset, (byte) v);
        case 2 -> b.putShort(offset, (short) v);
        case 4 -> b.putInt(offset, (int) v);
        default -> b.putLong(offset, v);
      }
    }

    @Override
    public String toString() {
      return what + " at " + offset + " (" + width + " bytes)";
    }
  }

  /**
   * Every count, length, flag, type, size and scalar value of a well-formed file, in file order,
   * found by walking the documented layout. Tensor data is listed only by its first value.
   */
  static List<Slot> slots(byte[] file) {
    Walker w = new Walker(file);
    w.slots.add(new Slot(12, 4, "format version"));
    w.slots.add(new Slot(16, 8, "body length"));
    w.pos = HEADER;
    int has = w.u1("input-shape flag");
    if (has == 1) {
      w.ints("input shape");
    }
    w.layers("model");
    int sections = w.i32("section count");
    for (int i = 0; i < sections; i++) {
      w.string("section tag");
      w.u1("section flags");
      long n = w.i64("section length");
      w.pos += (int) n;
    }
    if (w.pos != file.length - 4) {
      throw new IllegalStateException("walked to " + w.pos + ", body ends at " + (file.length - 4));
    }
    w.slots.add(new Slot(file.length - 4, 4, "checksum"));
    return w.slots;
  }

  private static final class Walker {
    final ByteBuffer b;
    final List<Slot> slots = new ArrayList<>();
    int pos;

    Walker(byte[] file) {
      b = ByteBuffer.wrap(file);
    }

    int u1(String what) {
      slots.add(new Slot(pos, 1, what));
      return b.get(pos++) & 0xFF;
    }

    int u2(String what) {
      slots.add(new Slot(pos, 2, what));
      int v = b.getShort(pos) & 0xFFFF;
      pos += 2;
      return v;
    }

    int i32(String what) {
      slots.add(new Slot(pos, 4, what));
      int v = b.getInt(pos);
      pos += 4;
      return v;
    }

    long i64(String what) {
      slots.add(new Slot(pos, 8, what));
      long v = b.getLong(pos);
      pos += 8;
      return v;
    }

    String string(String what) {
      int n = u2(what + " length");
      String s = new String(b.array(), pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    int[] ints(String what) {
      int n = u1(what + " length");
      int[] v = new int[n];
      for (int i = 0; i < n; i++) {
        v[i] = i32(what + "[" + i + "]");
      }
      return v;
    }

    void layers(String owner) {
      int n = i32(owner + " layer count");
      for (int i = 0; i < n; i++) {
        layer(owner + "." + i);
      }
    }

    void layer(String where) {
      String tag = string(where + " tag");
      String owner = where + " " + tag;
      int fields = u2(owner + " field count");
      for (int f = 0; f < fields; f++) {
        String name = string(owner + " field name");
        String field = owner + "." + name;
        int type = u1(field + " type");
        switch (type) {
          case 'Z' -> u1(field);
          case 'I' -> i32(field);
          case 'J', 'D' -> i64(field);
          case 'S' -> string(field);
          case 'A' -> ints(field);
          case 'L' -> layers(field);
          default -> throw new IllegalStateException("unknown type " + type + " at " + (pos - 1));
        }
      }
      int weights = u2(owner + " weight count");
      for (int t = 0; t < weights; t++) {
        int[] shape = ints(owner + " weight " + t + " shape");
        long size = 1;
        for (int d : shape) {
          size *= d;
        }
        if (size > 0) {
          slots.add(new Slot(pos, 8, owner + " weight " + t + " first value"));
        }
        pos += (int) (8 * size);
      }
    }
  }
}
