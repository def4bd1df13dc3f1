package io.github.dropnet.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX bytes by hand, independently of the reader under test. */
final class IdxFiles {
  private IdxFiles() {}

  /** Header bytes: 0, 0, type, rank, then the dimensions big-endian. */
  static byte[] header(int typeCode, int... shape) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(0);
      out.writeByte(0);
      out.writeByte(typeCode);
      out.writeByte(shape.length);
      for (int d : shape) {
        out.writeInt(d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A whole file: header then {@code values} encoded in {@code type}. */
  static byte[] file(Idx.Type type, double[] values, int... shape) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(header(type.code(), shape));
      for (double v : values) {
        switch (type) {
          case UNSIGNED_BYTE:
          case SIGNED_BYTE:
            out.writeByte((int) v);
            break;
          case SHORT:
            out.writeShort((int) v);
            break;
          case INT:
            out.writeInt((int) v);
            break;
          case FLOAT:
            out.writeFloat((float) v);
            break;
          case DOUBLE:
            out.writeDouble(v);
            break;
          default:
            throw new AssertionError(type);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    return f;
  }
}
