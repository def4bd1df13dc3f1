package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.data.FashionMnist;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void noArgumentsGiveTheDefaultDemoAndDefaults() {
    DemoOptions o = DemoOptions.parse();
    assertEquals("dropout-overfit", o.command());
    assertEquals(FashionMnist.DEFAULT_DIR, o.dataDir());
    assertEquals(OptionalInt.empty(), o.epochs());
    assertEquals(42, o.seed());
    assertEquals(Path.of("target"), o.outDir());
    assertFalse(o.quick());
    assertEquals(7, o.epochsOr(7));
  }

  @Test
  void everyOptionInBothSpellings() {
    DemoOptions o = DemoOptions.parse(
        "--data", "/d", "mlp", "--epochs", "3", "--seed=-7", "--out=build/plots", "--quick");
    assertEquals("mlp", o.command());
    assertEquals(Path.of("/d"), o.dataDir());
    assertEquals(OptionalInt.of(3), o.epochs());
    assertEquals(3, o.epochsOr(7));
    assertEquals(-7, o.seed());
    assertEquals(Path.of("build/plots"), o.outDir());
    assertTrue(o.quick());
  }

  @Test
  void helpInAnyForm() {
    assertEquals("help", DemoOptions.parse("help").command());
    assertEquals("help", DemoOptions.parse("-h").command());
    assertEquals("help", DemoOptions.parse("mlp", "--help").command());
    assertEquals("help", DemoOptions.parse("--help", "mlp").command());
  }

  @Test
  void badCommandLinesNameTheirMistake() {
    assertMessage("unknown option --epoch", "--epoch", "3");
    assertMessage("--epochs expects a value", "--epochs");
    assertMessage("--epochs expects an integer, received \"three\"", "--epochs", "three");
    assertMessage("--epochs must be a whole number from 1", "--epochs", "0");
    assertMessage("--epochs must be a whole number from 1", "--epochs=-4294967295");
    assertMessage("--seed expects an integer, received \"1.5\"", "--seed", "1.5");
    assertMessage("--quick takes no value", "--quick=yes");
    assertMessage("--out expects a directory", "--out=");
    assertMessage("expected one command, received \"mlp\" and \"cnn\"", "mlp", "cnn");
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
