package io.github.dropnet.models;

import io.github.dropnet.layers.Layer;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of one layer as named, typed fields: what a {@link LayerCodec} writes when a
 * model is saved and reads back when it is loaded.
 *
 * <p>Each field has a one-byte type (see {@link ModelFile} for the encoding):
 * <ul>
 *   <li>{@link #BOOLEAN} {@code 'Z'}, {@link #INT} {@code 'I'}, {@link #LONG} {@code 'J'},
 *       {@link #DOUBLE} {@code 'D'};
 *   <li>{@link #STRING} {@code 'S'}: enum constants are stored by name, so reordering an enum never
 *       changes the meaning of a file;
 *   <li>{@link #INTS} {@code 'A'}: a short int array (a shape, a pair of strides);
 *   <li>{@link #LAYERS} {@code 'L'}: nested layers, for a layer that contains others. When saving,
 *       the value is a {@code List<Layer>}; when loading, a {@code List<LayerRecord>}.
 * </ul>
 *
 * <p>When loading, every getter checks the type and marks the field as used; a missing field, a
 * field of another type and (through {@link #requireAllUsed}) a field the codec does not know are
 * refused with an {@link IOException}. An optional field is one a writer leaves out when it has no
 * value (an unset seed), or, for a field added after the first release, when it holds its default
 * (so that older readers still load models that do not use it).
 *
 * <p>Not thread-safe: one instance belongs to one save or one load.
 */
final class LayerConfig {
  static final byte BOOLEAN = 'Z';
  static final byte INT = 'I';
  static final byte LONG = 'J';
  static final byte DOUBLE = 'D';
  static final byte STRING = 'S';
  static final byte INTS = 'A';
  static final byte LAYERS = 'L';

  /** What messages call this configuration, e.g. {@code layer 2 (Dense)}. */
  private final String owner;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Byte> types = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();

  LayerConfig(String owner) {
    this.owner = owner;
  }

  // ---------------------------------------------------------------- building (save, parse)

  LayerConfig putBoolean(String name, boolean value) {
    return put(name, BOOLEAN, value);
  }

  LayerConfig putInt(String name, int value) {
    return put(name, INT, value);
  }

  LayerConfig putLong(String name, long value) {
    return put(name, LONG, value);
  }

  LayerConfig putDouble(String name, double value) {
    return put(name, DOUBLE, value);
  }

  LayerConfig putString(String name, String value) {
    return put(name, STRING, value);
  }

  LayerConfig putEnum(String name, Enum<?> value) {
    return put(name, STRING, value.name());
  }

  LayerConfig putInts(String name, int[] value) {
    return put(name, INTS, value.clone());
  }

  /** Nested layers to save, in order. */
  LayerConfig putLayers(String name, List<Layer> layers) {
    return put(name, LAYERS, List.copyOf(layers));
  }

  /** Nested layer records read from a file, in order. */
  LayerConfig putRecords(String name, List<LayerRecord> records) {
    return put(name, LAYERS, List.copyOf(records));
  }

  private LayerConfig put(String name, byte type, Object value) {
    if (values.containsKey(name)) {
      throw new IllegalArgumentException(owner + ": configuration field '" + name + "' set twice");
    }
    values.put(name, value);
    types.put(name, type);
    return this;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The field names in the order they were put. */
  Set<String> names() {
    return values.keySet();
  }

  byte type(String name) {
    return types.get(name);
  }

  /** The raw value: Boolean, Integer, Long, Double, String, int[], or a list of layers or records. */
  Object value(String name) {
    return values.get(name);
  }

  // ---------------------------------------------------------------- reading (load)

  boolean getBoolean(String name) throws IOException {
    return (Boolean) get(name, BOOLEAN);
  }

  int getInt(String name) throws IOException {
    return (Integer) get(name, INT);
  }

  double getDouble(String name) throws IOException {
    return (Double) get(name, DOUBLE);
  }

  /** An optional long: {@code null} when the field is absent. */
  Long optLong(String name) throws IOException {
    return has(name) ? (Long) get(name, LONG) : null;
  }

  /** An int array of exactly {@code length} entries. */
  int[] getInts(String name, int length) throws IOException {
    int[] v = getInts(name);
    if (v.length != length) {
      throw new IOException(
          owner + ": configuration field '" + name + "' must hold " + length + " integers, found "
              + Arrays.toString(v));
    }
    return v;
  }

  int[] getInts(String name) throws IOException {
    return ((int[]) get(name, INTS)).clone();
  }

  /** An optional int array: {@code null} when the field is absent. */
  int[] optInts(String name) throws IOException {
    return has(name) ? getInts(name) : null;
  }

  /** The enum constant stored by name. */
  <E extends Enum<E>> E getEnum(String name, Class<E> type) throws IOException {
    String s = (String) get(name, STRING);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s)) {
        return e;
      }
    }
    throw new IOException(
        owner + ": configuration field '" + name + "' holds '" + s + "', which is not one of "
            + Arrays.toString(type.getEnumConstants()));
  }

  /**
   * An enum constant stored by name, or {@code absent} when the field is missing: for a field added
   * after the first release, which older files do not have.
   */
  <E extends Enum<E>> E optEnum(String name, Class<E> type, E absent) throws IOException {
    return has(name) ? getEnum(name, type) : absent;
  }

  /** Nested layer records (load side). */
  @SuppressWarnings("unchecked")
  List<LayerRecord> getRecords(String name) throws IOException {
    return (List<LayerRecord>) get(name, LAYERS);
  }

  /** Exactly {@code count} nested layer records (load side), for a wrapper of a fixed arity. */
  List<LayerRecord> getRecords(String name, int count) throws IOException {
    List<LayerRecord> records = getRecords(name);
    if (records.size() != count) {
      throw new IOException(
          owner + ": configuration field '" + name + "' must hold " + count
              + (count == 1 ? " layer" : " layers") + ", found " + records.size());
    }
    return records;
  }

  private Object get(String name, byte type) throws IOException {
    Object v = values.get(name);
    if (v == null) {
      throw new IOException(owner + ": configuration field '" + name + "' is missing");
    }
    byte actual = types.get(name);
    if (actual != type) {
      throw new IOException(
          owner + ": configuration field '" + name + "' should have type '" + (char) type
              + "', found '" + (char) actual + "'");
    }
    used.add(name);
    return v;
  }

  /** Refuses fields that no getter asked for: a file from a newer writer or a corrupted one. */
  void requireAllUsed() throws IOException {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw new IOException(
            owner + ": unknown configuration field '" + name + "' (written by a newer dropnet?)");
      }
    }
  }
}
