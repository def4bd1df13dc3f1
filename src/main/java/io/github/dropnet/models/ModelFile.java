package io.github.dropnet.models;

import io.github.dropnet.Shapes;
import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Layer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Saves and loads a stack of layers (a model's architecture, every layer's configuration and its
 * weights) in dropnet's own versioned binary format.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Round trip.</b> A loaded layer has the configuration of the saved one (seeds included)
 *       and bit-identical weights, so it computes bit-identical outputs. Random streams (dropout
 *       masks) restart as after the layer's {@code seed(long)}. The one part of a configuration
 *       that is not saved is a rate schedule: see <a href="#schedules">Not saved</a>.
 *   <li><b>Atomic save.</b> {@link #write} writes a temporary file in the target's directory,
 *       forces it to disk and renames it over the target in one step, so a crash or a failure at
 *       any point leaves either the old file or the complete new one, never a mix; the temporary
 *       file is removed when the save fails.
 *   <li><b>Safe load.</b> {@link #read} refuses a truncated, corrupted or foreign file with an
 *       {@link IOException} that says what is wrong and where. It checks the checksum before it
 *       parses anything, checks every count and size against sane limits and against the bytes
 *       left in the file before allocating for it, and compares the weights stored for each layer
 *       with what the layer's configuration will allocate before building it: loading never
 *       allocates much more than the file's own size, however the file was forged.
 * </ul>
 *
 * <h2>Byte layout</h2>
 * All integers are big-endian and signed unless marked {@code u} (unsigned); {@code f64} is the
 * IEEE 754 bit pattern of a double.
 *
 * <p>The <b>frame</b> is the same in every format version, so that any reader can check a file's
 * integrity before it looks at the version:
 * <pre>
 * offset  size  content
 * 0       12    magic  89 44 52 4F 50 4E 45 54 0D 0A 1A 0A   ("\x89DROPNET\r\n\x1A\n")
 * 12      4     i32 format version (this class writes {@value #FORMAT_VERSION})
 * 16      8     i64 body length B
 * 24      B     body
 * 24+B    4     u32 CRC-32C (Castagnoli) of bytes [0, 24+B)
 * </pre>
 * As in PNG, the high byte {@code 0x89} catches a transfer that strips the eighth bit, the
 * {@code \r\n} and the lone {@code \n} catch end-of-line conversion and {@code 0x1A} stops a DOS
 * {@code type}.
 *
 * <p>The <b>body</b> of format 1:
 * <pre>
 * body     := u8 hasInputShape (0 or 1), [shape if 1],
 *             i32 layerCount, layer * layerCount,
 *             i32 sectionCount, section * sectionCount
 * shape    := u8 rank (1..32), i32 * rank          (each -1, meaning not fixed, or &gt;= 0)
 * layer    := string tag, u16 fieldCount, field * fieldCount, u16 weightCount, tensor * weightCount
 * field    := string name, u8 type, value
 *   type 'Z' u8 0 or 1 | 'I' i32 | 'J' i64 | 'D' f64 | 'S' string (an enum by name)
 *        | 'A' u8 n (0..32), i32 * n | 'L' i32 count, layer * count (nested layers)
 * tensor   := u8 rank (0..32), i32 * rank (each &gt;= 0), f64 * (product of the dims), row-major
 * section  := string tag, u8 flags (bit 0: required), i64 length, byte * length
 * string   := u16 length (0..1024), UTF-8 bytes
 * </pre>
 *
 * <p>The <b>layers</b> of format 1, with their fields in the order they are written and the weights
 * stored after them, those of the layer's {@code getWeights()} in that order and layout. A field
 * marked {@code ?} is written only when set, or, for one added after the first release (see
 * Compatibility), only when it is not at its default; {@code (absent: X)} is what a reader takes
 * when the field is missing:
 * <table>
 *   <caption>Layer tags and configuration fields</caption>
 *   <tr><th>tag</th><th>fields</th><th>weights</th></tr>
 *   <tr><td>{@code Dense}</td>
 *       <td>units I, activation S, useBias Z, seed? J,
 *       kernelInitializer? S (absent: GLOROT_UNIFORM)</td>
 *       <td>kernel (in, units), bias (units) if useBias</td></tr>
 *   <tr><td>{@code Conv2D}</td>
 *       <td>filters I, kernelSize A[2], strides A[2], dilation A[2], padding S, dataFormat S,
 *       activation S, useBias Z, seed? J, kernelInitializer? S (absent: GLOROT_UNIFORM)</td>
 *       <td>kernel (kh, kw, cin, filters), bias (filters) if useBias</td></tr>
 *   <tr><td>{@code MaxPool2D}</td>
 *       <td>poolSize A[2], strides A[2], padding S, dataFormat S</td><td>none</td></tr>
 *   <tr><td>{@code LSTM}</td>
 *       <td>units I, returnSequences Z, dropout D, recurrentDropout D, seed? J</td>
 *       <td>kernel (in, 4u), recurrent kernel (u, 4u), bias (4u)</td></tr>
 *   <tr><td>{@code Flatten}</td><td>none</td><td>none</td></tr>
 *   <tr><td>{@code ActivationLayer}</td><td>activation S</td><td>none</td></tr>
 *   <tr><td>{@code Dropout}</td>
 *       <td>rate D, noiseShape? A (absent: the input's full shape), scaling S, seed? J</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code Sequential}</td>
 *       <td>layers L (a model nested as a layer; at most 32 deep)</td>
 *       <td>none of its own: each nested layer stores its weights</td></tr>
 *   <tr><td>{@code GaussianDropout}</td>
 *       <td>rate D, noiseShape? A (absent: the input's full shape), seed? J</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code GaussianNoise}</td><td>stddev D, seed? J</td><td>none</td></tr>
 *   <tr><td>{@code AlphaDropout}</td>
 *       <td>rate D, noiseShape? A (absent: the input's full shape), seed? J</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code DropBlock2D}</td>
 *       <td>rate D, blockSize I, dataFormat S, seed? J</td><td>none</td></tr>
 *   <tr><td>{@code DropConnect}</td>
 *       <td>inner L (exactly one layer, a {@code Dense} or a {@code Conv2D}, nested as a
 *       {@code Sequential}'s layers are), rate D, dropBias Z, seed? J</td>
 *       <td>none of its own: the inner layer stores the weights</td></tr>
 * </table>
 * Enums are stored by constant name. A stored seed is restored with the layer's
 * {@code seed(long)}: the loaded layer's random stream (dropout masks) starts again from the
 * beginning; an unseeded layer loads unseeded and draws from a fresh seed. Without an input shape
 * the layers are saved unbuilt, configuration only, and must hold no weights.
 *
 * <p><b>Sections</b> carry optional parts of a model (a future version puts the optimizer's state
 * there); format 1 defines none and writes a count of 0. A reader skips a section whose tag it does
 * not know unless the section is marked required, in which case it refuses the file.
 *
 * <h2 id="schedules">Not saved: rate schedules</h2>
 * A {@code RateSchedule} is an arbitrary function, which a file cannot hold. This concerns
 * {@code rateSchedule} of {@code Dropout}, {@code GaussianDropout}, {@code AlphaDropout},
 * {@code DropBlock2D} and {@code DropConnect}, and {@code dropoutSchedule} and
 * {@code recurrentDropoutSchedule} of {@code LSTM}. The rate field stores the rate the layer has
 * when it is saved (the schedule's value at its last {@code onSchedule}, or at (0, 0) before any),
 * and the loaded layer keeps that rate as a constant, without a schedule. A schedule can only be
 * set on an unbuilt layer: to train a loaded model further on a schedule, build a model of the
 * same layers with their schedules and give it the loaded weights
 * ({@code setWeights(loaded.getWeights())}). The optimizer, loss and metrics given to a model's
 * {@code compile} are not saved either.
 *
 * <h2>Compatibility</h2>
 * A reader reads every format up to its own and refuses newer ones by name ("written by a newer
 * dropnet"). Within a format, a layer may gain a field with a default: files without it still load,
 * and a writer leaves the field out while it holds the default, so that the readers released
 * before it still load the models that do not use it. A field or a tag this reader does not know
 * is refused rather than ignored, since ignoring it could silently change what the model computes.
 *
 * <h2>Errors</h2>
 * Every {@link IOException} from {@link #read} starts with the file name, then one of: "is a
 * directory", "not a dropnet model file", "truncated: expected N more bytes at offset X",
 * "corrupted: ..." (a checksum mismatch, an impossible body length, or bytes after the model),
 * "written by a newer dropnet (format N), this reads up to M", "malformed at offset X: ..." (a
 * file whose checksum holds but whose structure does not, as from a buggy writer or a forger),
 * "layer i at offset X: unknown layer type '...'", or "layer i (Tag): ..." for a configuration or
 * weights the layer refuses (the layer's own exception is the cause). {@link #write} throws
 * {@link IllegalArgumentException} for a layer class it cannot save (naming the class), a layer
 * instance that appears twice in the model (a shared layer: the file stores layers by value, so
 * the copies would load untied), more than {@value #MAX_LAYERS} layers in all, or weights that
 * do not fit the input shape, and {@link IOException} when the file system fails.
 *
 * <h2>Thread safety</h2>
 * Stateless: any number of threads may save and load at once, as long as no other thread trains
 * or reconfigures the layers being saved. Two threads saving to the same path leave one complete
 * file (the last rename wins).
 */
public final class ModelFile {
  /** The format version this class writes, and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  /** The 12 magic bytes that start every model file. */
  static final byte[] MAGIC = {
    (byte) 0x89, 'D', 'R', 'O', 'P', 'N', 'E', 'T', '\r', '\n', 0x1A, '\n'
  };
  static final int HEADER = 24;
  static final int CHECKSUM = 4;

  /** Limits that a file can never exceed; they bound what a forged file can make us do. */
  static final int MAX_STRING = 1024;
  static final int MAX_RANK = 32;
  static final int MAX_FIELDS = 1024;
  static final int MAX_WEIGHTS = 1024;
  /** Layer records in a whole file, nested ones included. */
  static final int MAX_LAYERS = 1 << 16;
  static final int MAX_SECTIONS = 1024;
  static final int MAX_DEPTH = 32;

  /** The smallest layer record: an empty tag, no fields, no weights. */
  private static final int MIN_LAYER_BYTES = 2 + 2 + 2;
  /** The smallest field: an empty name, a type, a one-byte value. */
  private static final int MIN_FIELD_BYTES = 2 + 1 + 1;
  /** The smallest section: an empty tag, flags, a length. */
  private static final int MIN_SECTION_BYTES = 2 + 1 + 8;

  private ModelFile() {}

  /**
   * What {@link #read} returns: the input shape the model was built for and its layers, built and
   * holding the saved weights.
   *
   * @param inputShape the full input shape (batch first, -1 where not fixed), or {@code null} for
   *     a model saved unbuilt; the accessor returns a copy
   * @param layers fresh layers in order, built for {@code inputShape} (unbuilt without one)
   */
  public record Loaded(int[] inputShape, List<Layer> layers) {
    /**
     * Copies the shape and the list.
     *
     * @param inputShape the full input shape, or {@code null} for a model saved unbuilt
     * @param layers the layers in order
     */
    public Loaded {
      inputShape = inputShape == null ? null : inputShape.clone();
      layers = List.copyOf(layers);
    }

    /** {@return a copy of the input shape, or {@code null} for a model saved unbuilt} */
    @Override
    public int[] inputShape() {
      return inputShape == null ? null : inputShape.clone();
    }

    /**
     * A model of these layers (the same objects, not copies), built for the input shape when
     * there is one: what {@code Sequential.load} returns.
     *
     * @return a model holding these layers
     */
    public Sequential toSequential() {
      Sequential model = new Sequential(layers.toArray(new Layer[0]));
      if (inputShape != null) {
        model.build(inputShape);
      }
      return model;
    }

    @Override
    public String toString() {
      return "Loaded[inputShape=" + (inputShape == null ? "none" : Shapes.format(inputShape))
          + ", layers=" + layers + "]";
    }
  }

  // ================================================================ save

  /**
   * Saves the layers, with their configuration and weights, to {@code path}, replacing the file
   * there atomically.
   *
   * @param path the file to write; its directory must exist
   * @param inputShape the full input shape the layers are built for (batch first, -1 where not
   *     fixed), or {@code null} to save unbuilt layers (configuration only)
   * @param layers the layers, in order
   * @throws IllegalArgumentException if an argument is null or malformed, a layer's class cannot
   *     be saved (the message names it), or a layer's weights do not fit {@code inputShape}
   * @throws IOException if the file system fails; the file at {@code path} is then unchanged
   */
  public static void write(Path path, int[] inputShape, List<? extends Layer> layers)
      throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("ModelFile: path must not be null");
    }
    if (inputShape != null) {
      checkInputShape(inputShape);
    }
    List<Layer> list = checkLayers(layers);
    Path target = path.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new IOException(path + ": is a directory");
    }
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(path.toString(), null, "no such directory: " + dir);
    }
    Path tmp = createTemporary(dir, target.getFileName().toString());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        FormatSink sink = new FormatSink(ch);
        sink.bytes(MAGIC);
        sink.i32(FORMAT_VERSION);
        sink.i64(0); // the body length, patched below once known
        new Writer(sink).body(inputShape, list);
        sink.flush();
        long bodyLength = sink.position() - HEADER;
        writeFully(ch, ByteBuffer.allocate(8).putLong(0, bodyLength), 16);
        int crc = crc(ch, HEADER + bodyLength, path.toString());
        writeFully(ch, ByteBuffer.allocate(4).putInt(0, crc), HEADER + bodyLength);
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException | RuntimeException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    syncDirectory(dir);
  }

  /**
   * Saves a model's layers and the input shape it was built for (an unbuilt model is saved
   * unbuilt): {@code write(path, model.inputShape(), model.layers())}. The optimizer, loss and
   * metrics given to {@code compile} are not saved, nor are rate schedules (see the class
   * documentation).
   *
   * @param path the file to write; replaced atomically if it exists
   * @param model the model to save
   * @throws IllegalArgumentException as {@link #write(Path, int[], List)}
   * @throws IOException if the file system fails; the file at {@code path} is then unchanged
   */
  public static void write(Path path, Sequential model) throws IOException {
    if (model == null) {
      throw new IllegalArgumentException("ModelFile: model must not be null");
    }
    write(path, model.inputShape(), model.layers());
  }

  private static void checkInputShape(int[] shape) {
    boolean ok = shape.length >= 1 && shape.length <= MAX_RANK;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = shape[i] >= -1;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "ModelFile: the input shape must have rank 1 to " + MAX_RANK
              + " and sizes >= 0 (or -1 where not fixed), received " + Shapes.format(shape));
    }
  }

  /**
   * Checks the list, and that every layer (nested ones included) has a codec, appears once and
   * that there are at most {@link #MAX_LAYERS} in all, before any I/O.
   */
  private static List<Layer> checkLayers(List<? extends Layer> layers) {
    return checkLayers(layers, new ArrayList<>(),
        Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  /**
   * {@code outer} holds the containers around {@code layers}, to refuse a model in itself;
   * {@code seen} every layer met so far, to refuse one that appears twice.
   */
  private static List<Layer> checkLayers(
      List<? extends Layer> layers, List<Layer> outer, Set<Layer> seen) {
    if (layers == null) {
      throw new IllegalArgumentException("ModelFile: layers must not be null");
    }
    if (outer.size() > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "ModelFile: models nested more than " + MAX_DEPTH + " deep cannot be saved");
    }
    List<Layer> list = new ArrayList<>(layers.size());
    for (Layer layer : layers) {
      if (layer == null) {
        throw new IllegalArgumentException(
            "ModelFile: layer " + list.size() + " is null");
      }
      LayerCodec<?> codec = LayerCodecs.forLayer(layer);
      if (codec.container()) {
        for (Layer o : outer) {
          if (o == layer) {
            throw new IllegalArgumentException(
                "ModelFile: a " + codec.tag() + " contains itself and cannot be saved");
          }
        }
      }
      if (!seen.add(layer)) {
        // the file stores each layer by value: a shared instance would load as two, untied
        throw new IllegalArgumentException("ModelFile: the same " + codec.tag() + " instance"
            + " appears twice in the model (a shared layer), which cannot be saved");
      }
      if (seen.size() > MAX_LAYERS) {
        throw new IllegalArgumentException(
            "ModelFile: at most " + MAX_LAYERS + " layers in all can be saved");
      }
      if (codec.container()) {
        outer.add(layer);
        checkLayers(codec.childrenOf(layer), outer, seen);
        outer.remove(outer.size() - 1);
      }
      list.add(layer);
    }
    return list;
  }

  /**
   * Creates an empty temporary file next to the target, with the default permissions a new file
   * gets in that directory (so the model, once renamed, has them too).
   */
  private static Path createTemporary(Path dir, String name) throws IOException {
    String base = "." + (name.length() > 100 ? name.substring(0, 100) : name) + ".";
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve(
          base + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }

  /**
   * Forces the directory entry of the rename to disk where the platform allows it (POSIX); a
   * failure here cannot undo the save, so it is ignored.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // not supported on this platform (Windows cannot open a directory)
    }
  }

  /** The CRC-32C of bytes {@code [0, length)} of the channel. */
  static int crc(SeekableByteChannel ch, long length, String name) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.max(1, Math.min(1 << 16, length)));
    ch.position(0);
    long left = length;
    while (left > 0) {
      buf.clear().limit((int) Math.min(buf.capacity(), left));
      int n = ch.read(buf);
      if (n < 0) {
        throw new IOException(
            name + ": truncated: expected " + left + " more bytes at offset " + (length - left)
                + " (the file shrank while it was read)");
      }
      buf.flip();
      crc.update(buf);
      left -= n;
    }
    return (int) crc.getValue();
  }

  /** Writes the body of format 1. */
  private static final class Writer {
    private final FormatSink out;

    Writer(FormatSink out) {
      this.out = out;
    }

    void body(int[] inputShape, List<Layer> layers) throws IOException {
      if (inputShape == null) {
        out.u1(0);
      } else {
        out.u1(1);
        ints(inputShape);
      }
      layers(layers, inputShape, "layer ");
      out.i32(0); // sections: none in format 1
    }

    private void ints(int[] values) throws IOException {
      out.u1(values.length);
      for (int v : values) {
        out.i32(v);
      }
    }

    /** The layers in order; {@code shape} is the input of the first, or null when unbuilt. */
    private void layers(List<Layer> layers, int[] shape, String prefix) throws IOException {
      out.i32(layers.size());
      int[] s = shape;
      for (int i = 0; i < layers.size(); i++) {
        Layer layer = layers.get(i);
        int[] next = s == null ? null : layer.outputShape(s);
        layer(layer, s, prefix + i);
        s = next;
      }
    }

    private void layer(Layer layer, int[] shape, String where) throws IOException {
      LayerCodec<?> codec = LayerCodecs.forLayer(layer);
      String label = where + " (" + codec.tag() + ")";
      out.string(codec.tag());
      LayerConfig config = new LayerConfig("ModelFile: " + label);
      codec.writeConfigOf(layer, config);
      if (config.names().size() > MAX_FIELDS) {
        throw new IllegalArgumentException(
            "ModelFile: " + label + " has more than " + MAX_FIELDS + " configuration fields");
      }
      out.u2(config.names().size());
      for (String name : config.names()) {
        out.string(name);
        byte type = config.type(name);
        out.u1(type);
        Object v = config.value(name);
        switch (type) {
          case LayerConfig.BOOLEAN -> out.u1((Boolean) v ? 1 : 0);
          case LayerConfig.INT -> out.i32((Integer) v);
          case LayerConfig.LONG -> out.i64((Long) v);
          case LayerConfig.DOUBLE -> out.f64((Double) v);
          case LayerConfig.STRING -> out.string((String) v);
          case LayerConfig.INTS -> {
            int[] a = (int[]) v;
            if (a.length > MAX_RANK) {
              throw new IllegalArgumentException(
                  "ModelFile: " + label + ": field " + name + " holds more than " + MAX_RANK
                      + " integers");
            }
            ints(a);
          }
          case LayerConfig.LAYERS -> {
            @SuppressWarnings("unchecked")
            List<Layer> nested = (List<Layer>) v;
            layers(nested, shape, where + ".");
          }
          default -> throw new IllegalStateException("unknown field type " + type);
        }
      }
      weights(layer, codec, shape, label);
    }

    private void weights(Layer layer, LayerCodec<?> codec, int[] shape, String label)
        throws IOException {
      if (codec.container()) {
        // its nested layers hold the weights and wrote them with their configuration
        out.u2(0);
        return;
      }
      List<Tensor> weights = layer.getWeights();
      int[][] expected = shape == null ? new int[0][] : codec.weightShapesOf(layer, shape);
      if (shape == null && !weights.isEmpty()) {
        throw new IllegalArgumentException(
            "ModelFile: " + label + " holds weights, but no input shape was given: pass the"
                + " shape the layers were built for");
      }
      if (weights.isEmpty() && expected.length > 0) {
        throw new IllegalArgumentException(
            "ModelFile: " + label + " is not built: build the layers (or the model) for the"
                + " input shape " + Shapes.format(shape) + " first, or pass no input shape to"
                + " save the configuration only");
      }
      if (!sameShapes(expected, weights)) {
        throw new IllegalArgumentException(
            "ModelFile: " + label + " holds weights of shapes " + shapesOf(weights)
                + ", but built for the input shape " + Shapes.format(shape) + " it would have "
                + format(expected) + "; was it built for another input shape?");
      }
      out.u2(weights.size());
      for (Tensor w : weights) {
        ints(w.shape());
        out.doubles(w.data());
      }
    }
  }

  private static boolean sameShapes(int[][] expected, List<Tensor> tensors) {
    if (expected.length != tensors.size()) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!Arrays.equals(expected[i], tensors.get(i).shape())) {
        return false;
      }
    }
    return true;
  }

  private static String shapesOf(List<Tensor> tensors) {
    List<String> s = new ArrayList<>();
    for (Tensor t : tensors) {
      s.add(Shapes.format(t.shape()));
    }
    return s.toString();
  }

  private static String format(int[][] shapes) {
    List<String> s = new ArrayList<>();
    for (int[] shape : shapes) {
      s.add(Shapes.format(shape));
    }
    return s.toString();
  }

  // ================================================================ load

  /**
   * Loads the layers saved at {@code path}.
   *
   * @param path the model file to read
   * @return the input shape and fresh layers, built for it, holding the saved weights
   * @throws IllegalArgumentException if {@code path} is null
   * @throws IOException if the file cannot be read, or is not a complete, intact dropnet model
   *     file of a format this version reads; the message says which
   */
  public static Loaded read(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("ModelFile: path must not be null");
    }
    if (Files.isDirectory(path)) {
      throw new IOException(path + ": is a directory");
    }
    try (SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ)) {
      return read(ch, path.toString());
    }
  }

  /** Loads from any channel; {@code name} starts every message. */
  static Loaded read(SeekableByteChannel ch, String name) throws IOException {
    long size = ch.size();
    ByteBuffer head = ByteBuffer.allocate(HEADER);
    ch.position(0);
    while (head.hasRemaining() && ch.read(head) >= 0) {
      // read the header, or as much of it as the file holds
    }
    int n = head.position();
    for (int i = 0; i < Math.min(n, MAGIC.length); i++) {
      if (head.get(i) != MAGIC[i]) {
        throw new IOException(
            name + ": not a dropnet model file (it does not start with the dropnet magic bytes)");
      }
    }
    if (n < HEADER) {
      throw new IOException(
          name + ": truncated: expected " + (HEADER - n) + " more bytes at offset " + n
              + " (the file ends inside the header)");
    }
    int version = head.getInt(12);
    long bodyLength = head.getLong(16);
    if (bodyLength < 0 || bodyLength > Long.MAX_VALUE - HEADER - CHECKSUM) {
      throw new IOException(
          name + ": corrupted: the header gives an impossible body length " + bodyLength);
    }
    long end = HEADER + bodyLength;
    long total = end + CHECKSUM;
    if (size < total) {
      throw new IOException(
          name + ": truncated: expected " + (total - size) + " more bytes at offset " + size
              + " (the header announces " + total + " bytes)");
    }
    if (size > total) {
      throw new IOException(
          name + ": corrupted: " + (size - total) + " unexpected bytes after the end of the"
              + " model at offset " + total);
    }
    int computed = crc(ch, end, name);
    ByteBuffer stored = ByteBuffer.allocate(CHECKSUM);
    ch.position(end);
    while (stored.hasRemaining()) {
      if (ch.read(stored) < 0) {
        throw new IOException(
            name + ": truncated: expected " + stored.remaining() + " more bytes at offset "
                + (end + stored.position()) + " (the file shrank while it was read)");
      }
    }
    if (stored.getInt(0) != computed) {
      throw new IOException(String.format(
          "%s: corrupted: checksum mismatch (stored 0x%08x, computed 0x%08x over %d bytes)",
          name, stored.getInt(0), computed, end));
    }
    if (version > FORMAT_VERSION) {
      throw new IOException(
          name + ": written by a newer dropnet (format " + version + "), this reads up to "
              + FORMAT_VERSION);
    }
    if (version < 1) {
      throw new IOException(name + ": malformed at offset 12: format version " + version
          + " does not exist");
    }
    FormatSource src = new FormatSource(ch, name, HEADER, end);
    Parsed parsed = new Parser(src).body();
    return new Loader(name).load(parsed);
  }

  /** How messages name a layer: {@code layer 2 (Dense)}, {@code layer 1.0 (LSTM)} if nested. */
  private static String label(String where, String tag) {
    return where + " (" + tag + ")";
  }

  /** The body as read, before any layer exists. */
  private record Parsed(int[] inputShape, List<LayerRecord> layers) {}

  /** Reads the body of format 1 into records, checking every bound as it goes. */
  private static final class Parser {
    private final FormatSource in;
    /** Layer records parsed so far, nested ones included: at most {@link #MAX_LAYERS}. */
    private int records;

    Parser(FormatSource in) {
      this.in = in;
    }

    Parsed body() throws IOException {
      long at = in.offset();
      int has = in.u1();
      if (has > 1) {
        throw in.malformedAt(at, "the input-shape flag is " + has + ", expected 0 or 1");
      }
      int[] inputShape = null;
      if (has == 1) {
        at = in.offset();
        inputShape = ints("input shape rank");
        if (inputShape.length == 0) {
          throw in.malformedAt(at, "the input shape has rank 0");
        }
        for (int d : inputShape) {
          if (d < -1) {
            throw in.malformedAt(
                at, "the input shape " + Shapes.format(inputShape) + " has a size below -1");
          }
        }
      }
      List<LayerRecord> layers = layers(0, "layer ");
      sections();
      if (in.remaining() != 0) {
        throw in.malformed(in.remaining() + " bytes left over after the last section");
      }
      return new Parsed(inputShape, layers);
    }

    /** A u8 length (named {@code what} in messages) and as many i32s. */
    private int[] ints(String what) throws IOException {
      long at = in.offset();
      int n = in.count(in.u1(), MAX_RANK, 4, at, what);
      int[] v = new int[n];
      for (int i = 0; i < n; i++) {
        v[i] = in.i32();
      }
      return v;
    }

    /** Layer records labelled {@code prefix + index}, as the loader labels them. */
    private List<LayerRecord> layers(int depth, String prefix) throws IOException {
      long at = in.offset();
      int n = in.count(in.i32(), MAX_LAYERS, MIN_LAYER_BYTES, at, "layer count");
      List<LayerRecord> records = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        records.add(layer(depth, prefix + i));
      }
      return records;
    }

    private LayerRecord layer(int depth, String where) throws IOException {
      long start = in.offset();
      if (++records > MAX_LAYERS) {
        throw in.malformedAt(start, "more than " + MAX_LAYERS + " layer records");
      }
      String tag = in.string("layer tag");
      if (LayerCodecs.forTag(tag) == null) {
        // refused before its fields are read into memory, as a forged file may hold many
        throw new IOException(in.name() + ": " + where + " at offset " + start
            + ": unknown layer type '" + tag + "'; this dropnet reads " + LayerCodecs.tags());
      }
      long at = in.offset();
      int fields = in.count(in.u2(), MAX_FIELDS, MIN_FIELD_BYTES, at, "field count");
      LayerConfig config = new LayerConfig(in.name() + ": " + label(where, tag));
      Set<String> seen = new HashSet<>();
      for (int f = 0; f < fields; f++) {
        at = in.offset();
        String name = in.string("field name");
        if (!seen.add(name)) {
          throw in.malformedAt(at, "field '" + name + "' of " + tag + " appears twice");
        }
        long typeAt = in.offset();
        int type = in.u1();
        switch (type) {
          case LayerConfig.BOOLEAN -> {
            int b = in.u1();
            if (b > 1) {
              throw in.malformedAt(typeAt + 1, "boolean field '" + name + "' holds " + b);
            }
            config.putBoolean(name, b == 1);
          }
          case LayerConfig.INT -> config.putInt(name, in.i32());
          case LayerConfig.LONG -> config.putLong(name, in.i64());
          case LayerConfig.DOUBLE -> config.putDouble(name, in.f64());
          case LayerConfig.STRING -> config.putString(name, in.string("field '" + name + "'"));
          case LayerConfig.INTS -> config.putInts(name, ints("field '" + name + "' length"));
          case LayerConfig.LAYERS -> {
            if (depth >= MAX_DEPTH) {
              throw in.malformedAt(typeAt, "layers nested more than " + MAX_DEPTH + " deep");
            }
            config.putRecords(name, layers(depth + 1, where + "."));
          }
          default -> throw in.malformedAt(
              typeAt, String.format("field '%s' has an unknown type 0x%02x", name, type));
        }
      }
      at = in.offset();
      int count = in.count(in.u2(), MAX_WEIGHTS, 1, at, "weight count");
      List<Tensor> weights = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        weights.add(tensor());
      }
      return new LayerRecord(tag, start, config, weights);
    }

    private Tensor tensor() throws IOException {
      long at = in.offset();
      int[] shape = ints("tensor rank");
      long limit = in.remaining() / 8;
      long size = 1;
      for (int d : shape) {
        if (d < 0) {
          throw in.malformedAt(at, "tensor shape " + Shapes.format(shape) + " has a negative size");
        }
        size = size == 0 || d == 0 ? 0 : (d > limit / size ? limit + 1 : size * d);
      }
      if (size > limit) {
        throw in.malformedAt(
            at, "tensor of shape " + Shapes.format(shape) + " needs more bytes than the "
                + in.remaining() + " left");
      }
      double[] data = new double[(int) size];
      in.doubles(data);
      return Tensor.wrap(data, shape);
    }

    private void sections() throws IOException {
      long at = in.offset();
      int n = in.count(in.i32(), MAX_SECTIONS, MIN_SECTION_BYTES, at, "section count");
      for (int i = 0; i < n; i++) {
        long start = in.offset();
        String tag = in.string("section tag");
        int flags = in.u1();
        long lengthAt = in.offset();
        long length = in.i64();
        if (length < 0 || length > in.remaining()) {
          throw in.malformedAt(
              lengthAt, "section '" + tag + "' announces " + length + " bytes, "
                  + in.remaining() + " are left");
        }
        if ((flags & 1) != 0) {
          throw in.malformedAt(
              start, "required section '" + tag + "' is unknown to this version"
                  + " (written by a newer dropnet?)");
        }
        in.skip(length);
      }
    }
  }

  /** A layer being loaded: the fresh layer, its codec, its record and its nested layers. */
  private static final class Node {
    final String label;
    final LayerRecord record;
    final LayerCodec<?> codec;
    final List<Node> children = new ArrayList<>();
    Layer layer;

    Node(String label, LayerRecord record, LayerCodec<?> codec) {
      this.label = label;
      this.record = record;
      this.codec = codec;
    }
  }

  /** Turns records into built layers holding their weights. */
  private static final class Loader {
    private final String name;

    Loader(String name) {
      this.name = name;
    }

    Loaded load(Parsed parsed) throws IOException {
      List<Node> nodes = nodes(parsed.layers(), "layer ");
      int[] shape = parsed.inputShape();
      List<Layer> layers = new ArrayList<>();
      for (Node node : nodes) {
        layers.add(node.layer);
      }
      if (shape == null) {
        requireNoWeights(nodes);
        return new Loaded(null, layers);
      }
      checkWeightShapes(nodes, shape);
      int[] s = shape;
      for (Node node : nodes) {
        try {
          node.layer.build(s);
          s = node.layer.outputShape(s);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw refused(node, "cannot be built for the input shape " + Shapes.format(s), e);
        }
      }
      setWeights(nodes);
      return new Loaded(shape, layers);
    }

    private List<Node> nodes(List<LayerRecord> records, String prefix) throws IOException {
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        nodes.add(node(records.get(i), prefix + i));
      }
      return nodes;
    }

    private Node node(LayerRecord record, String where) throws IOException {
      LayerCodec<?> codec = LayerCodecs.forTag(record.tag()); // the parser refused unknown tags
      Node node = new Node(label(where, record.tag()), record, codec);
      LayerConfig config = record.config();
      try {
        node.layer = codec.create(config, records -> {
          List<Node> kids = nodes(records, where + ".");
          node.children.addAll(kids);
          List<Layer> layers = new ArrayList<>();
          for (Node kid : kids) {
            layers.add(kid.layer);
          }
          return layers;
        });
        config.requireAllUsed();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw refused(node, "invalid configuration", e);
      }
      return node;
    }

    private IOException refused(Node node, String what, RuntimeException e) {
      return new IOException(name + ": " + node.label + ": " + what + ": " + e.getMessage(), e);
    }

    private void requireNoWeights(List<Node> nodes) throws IOException {
      for (Node node : nodes) {
        if (!node.record.weights().isEmpty()) {
          throw new IOException(
              name + ": " + node.label + ": holds weights, but the model has no input shape to"
                  + " build it for");
        }
        requireNoWeights(node.children);
      }
    }

    /**
     * Compares the stored weights with the shapes each layer will create, before any build: a
     * forged configuration can then never make build allocate more than the file holds.
     */
    private int[] checkWeightShapes(List<Node> nodes, int[] shape) throws IOException {
      int[] s = shape;
      for (Node node : nodes) {
        int[] out;
        int[][] expected;
        try {
          out = node.layer.outputShape(s);
          expected = node.codec.container() ? null : node.codec.weightShapesOf(node.layer, s);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw refused(node, "does not accept the input shape " + Shapes.format(s), e);
        }
        List<Tensor> stored = node.record.weights();
        if (expected == null) {
          if (!stored.isEmpty()) {
            throw new IOException(
                name + ": " + node.label + ": holds " + stored.size() + " weights of its own,"
                    + " but its nested layers hold its weights");
          }
          checkWeightShapes(node.children, s);
        } else if (!sameShapes(expected, stored)) {
          throw new IOException(
              name + ": " + node.label + ": the file holds weights of shapes " + shapesOf(stored)
                  + ", but for the input shape " + Shapes.format(s) + " this configuration has "
                  + format(expected));
        }
        s = out;
      }
      return s;
    }

    private void setWeights(List<Node> nodes) throws IOException {
      for (Node node : nodes) {
        if (node.codec.container()) {
          setWeights(node.children);
          continue;
        }
        try {
          node.layer.setWeights(node.record.weights());
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw refused(node, "refused its weights", e);
        }
      }
    }
  }
}
