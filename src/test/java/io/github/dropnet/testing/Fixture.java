package io.github.dropnet.testing;

import io.github.dropnet.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One golden case from the shared fixtures folder (see FORMAT.md there): its kind and type, its
 * attributes, and its named tensors in file order.
 */
public final class Fixture {
  public final String name;
  public final String kind;
  public final String type;
  private final Map<String, List<String>> attrs = new LinkedHashMap<>();
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();

  private Fixture(String name, String kind, String type) {
    this.name = name;
    this.kind = kind;
    this.type = type;
  }

  /**
   * The shared fixtures folder: the system property {@code dropnet.fixtures} if set, else
   * {@code ../shared/fixtures} next to the project root.
   */
  public static Path dir() {
    String override = System.getProperty("dropnet.fixtures");
    Path p = override != null ? Path.of(override) : Path.of("..", "shared", "fixtures");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(
          "fixtures folder not found at " + p.toAbsolutePath()
              + ": check out shared/ beside the project, or set -Ddropnet.fixtures=DIR");
    }
    return p;
  }

  /** Every case in the fixtures folder, sorted by name. */
  public static List<Fixture> all() {
    try (Stream<Path> files = Files.list(dir())) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".txt"))
          .sorted()
          .map(Fixture::read)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The case of the given name (the file name without .txt). */
  public static Fixture load(String name) {
    return read(dir().resolve(name + ".txt"));
  }

  /** Parses one fixture file. */
  public static Fixture read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name = null;
    Fixture f = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] tok = line.split(" ");
      if (tok[0].equals("case")) {
        name = tok[1];
      } else if (f == null) {
        f = new Fixture(name, tok[0], tok[1]);
      } else if (tok[0].equals("attr")) {
        List<String> values = new ArrayList<>();
        for (int j = 2; j < tok.length; j++) {
          values.add(tok[j]);
        }
        f.attrs.put(tok[1], values);
      } else if (tok[0].equals("tensor")) {
        int[] shape = new int[tok.length - 2];
        for (int j = 0; j < shape.length; j++) {
          shape[j] = Integer.parseInt(tok[j + 2]);
        }
        String valueLine = lines.get(++i).strip();
        String[] vt = valueLine.isEmpty() ? new String[0] : valueLine.split(" ");
        double[] values = new double[vt.length];
        for (int j = 0; j < vt.length; j++) {
          values[j] = Double.parseDouble(vt[j]);
        }
        f.tensors.put(tok[1], Tensor.of(values, shape));
      } else {
        throw new IllegalStateException(file + ":" + (i + 1) + ": unexpected line " + line);
      }
    }
    return f;
  }

  public boolean has(String attr) {
    return attrs.containsKey(attr);
  }

  public String attr(String key) {
    List<String> v = attrs.get(key);
    if (v == null) {
      throw new IllegalArgumentException(name + ": no attr " + key);
    }
    return v.get(0);
  }

  public List<String> attrs(String key) {
    List<String> v = attrs.get(key);
    if (v == null) {
      throw new IllegalArgumentException(name + ": no attr " + key);
    }
    return v;
  }

  public int intAttr(String key) {
    return Integer.parseInt(attr(key));
  }

  public int intAttr(String key, int index) {
    return Integer.parseInt(attrs(key).get(index));
  }

  public double doubleAttr(String key) {
    return Double.parseDouble(attr(key));
  }

  public boolean boolAttr(String key) {
    return Boolean.parseBoolean(attr(key));
  }

  public boolean hasTensor(String key) {
    return tensors.containsKey(key);
  }

  /** A copy of the named tensor. */
  public Tensor tensor(String key) {
    Tensor t = tensors.get(key);
    if (t == null) {
      throw new IllegalArgumentException(name + ": no tensor " + key);
    }
    return t.copy();
  }

  public List<String> tensorNames() {
    return new ArrayList<>(tensors.keySet());
  }

  @Override
  public String toString() {
    return name;
  }
}
