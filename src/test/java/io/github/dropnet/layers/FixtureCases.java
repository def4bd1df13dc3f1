package io.github.dropnet.layers;

import io.github.dropnet.testing.Fixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reading layer configurations out of the shared fixtures. */
final class FixtureCases {
  private FixtureCases() {}

  /** The names of every fixture whose file name starts with {@code prefix}, sorted. */
  static List<String> named(String prefix) {
    try (Stream<Path> files = Files.list(Fixture.dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix) && n.endsWith(".txt"))
          .map(n -> n.substring(0, n.length() - ".txt".length()))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Padding padding(Fixture f) {
    return Padding.valueOf(f.attr("padding").toUpperCase(Locale.ROOT));
  }

  static DataFormat dataFormat(Fixture f) {
    return DataFormat.valueOf(f.attr("data_format").toUpperCase(Locale.ROOT));
  }

  static Activation activation(Fixture f) {
    String a = f.attr("activation");
    return a.equals("none") ? Activation.LINEAR : Activation.valueOf(a.toUpperCase(Locale.ROOT));
  }
}
