package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: every demo in its quick form, on synthetic data. */
class DemosTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private int run(String... args) {
    return Demos.run(out, err, args);
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** A quick run without the real data: {@code --data} names an empty directory. */
  private String[] quick(String command) {
    return new String[] {command, "--quick", "--data", dir.resolve("none").toString(),
        "--out", dir.resolve("out").toString()};
  }

  @Test
  void helpListsEveryCommandAndOption() {
    assertEquals(0, run("help"));
    String text = out();
    for (String s : new String[] {"dropout-overfit", "mlp", "cnn", "lstm", "mc-dropout",
        "--data", "--epochs", "--seed", "--out", "--quick",
        "sudo apt-get install dataset-fashion-mnist"}) {
      assertTrue(text.contains(s), "help mentions " + s);
    }
    assertEquals("", err());
  }

  @Test
  void badCommandLinesExitWithStatusTwo() {
    assertEquals(2, run("nonsense"));
    assertTrue(err().contains("unknown command \"nonsense\""), err());
    assertEquals(2, run("mlp", "--epochs", "zero"));
    assertTrue(err().contains("--epochs expects an integer"), err());
    assertEquals("", out());
  }

  @Test
  void dropoutOverfitRunsOnSyntheticDataAndWritesItsPlot() throws IOException {
    assertEquals(0, run(quick("dropout-overfit")));
    String text = out();
    assertTrue(text.contains("SYNTHETIC"), text);
    assertTrue(text.contains("sudo apt-get install dataset-fashion-mnist"), text);
    assertTrue(text.contains("train-test gap"), text);
    assertTrue(text.contains("[dropout-overfit finished in"), text);
    assertPng(dir.resolve("out/dropout-overfit.png"), 900, 560);
  }

  @Test
  void dropoutOverfitIsTheDefault() {
    assertEquals(0, run("--quick", "--epochs", "1", "--data", dir.toString(),
        "--out", dir.resolve("out").toString()));
    assertTrue(out().contains("== dropout-overfit"), out());
  }

  @Test
  void dropoutOverfitMeasuresBothRunsAtTheScheduledEpochs() throws IOException {
    DemoOptions o = DemoOptions.parse(quick("dropout-overfit"));
    DropoutOverfitDemo.Result r = DropoutOverfitDemo.run(o, out);
    assertArrayEquals(new int[] {1, 2, 3, 4}, r.withoutDropout().epochs());
    assertArrayEquals(new int[] {1, 2, 3, 4}, r.withDropout().epochs());
    assertFalse(r.realData());
    for (DropoutOverfitDemo.Curve c : new DropoutOverfitDemo.Curve[] {
        r.withoutDropout(), r.withDropout()}) {
      assertEquals(4, c.train().length);
      assertEquals(4, c.test().length);
      for (double a : c.train()) {
        assertTrue(a >= 0 && a <= 1, "a training accuracy: " + a);
      }
      for (double a : c.test()) {
        assertTrue(a >= 0 && a <= 1, "a test accuracy: " + a);
      }
    }
  }

  @Test
  void classifierDemosTrainAndReportTestAccuracy() {
    for (String command : new String[] {"mlp", "cnn", "lstm"}) {
      outBytes.reset();
      assertEquals(0, run(quick(command)), command + ": " + err());
      String text = out();
      assertTrue(text.contains("== " + command), text);
      assertTrue(text.contains("SYNTHETIC"), text);
      assertTrue(text.contains("Total params"), "prints the summary: " + text);
      assertTrue(text.contains("val_accuracy"), "Keras-style progress: " + text);
      assertTrue(text.contains("Test accuracy after 1 epoch:"), text);
      assertTrue(text.contains("not checked on synthetic data"), text);
    }
  }

  @Test
  void mcDropoutReportsEveryGroupAndWritesItsGrid() throws IOException {
    assertEquals(0, run(quick("mc-dropout")));
    String text = out();
    for (String group : new String[] {"test images", "  correct", "  misclassified",
        "pixel noise", "uniform noise", "inverted", "rotated 90"}) {
      assertTrue(text.contains(group), text);
    }
    assertTrue(text.contains("entropy"), text);
    BufferedImage grid = ImageIO.read(dir.resolve("out/mc-dropout.png").toFile());
    assertNotNull(grid);
    assertTrue(grid.getWidth() >= 8 * 84 && grid.getHeight() >= 6 * 84,
        "8 columns and 6 rows of 84-pixel images: " + grid.getWidth() + " x " + grid.getHeight());
  }

  @Test
  void realFilesAreUsedWhenPresent() throws IOException {
    Path data = dir.resolve("fashion");
    TinyFashionMnist.write(data, 120, 40);
    assertEquals(0, run("mlp", "--quick", "--data", data.toString(),
        "--out", dir.resolve("out").toString()));
    String text = out();
    assertTrue(text.contains("Data: Fashion-MNIST from " + data + ": 120 training and 40 test"),
        text);
    assertFalse(text.contains("SYNTHETIC"), text);
    assertTrue(text.contains("only 1 epoch ran"), "the 5-epoch target is not judged: " + text);
  }

  private static void assertPng(Path file, int width, int height) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " exists");
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " is a PNG ImageIO can read");
    assertEquals(width, image.getWidth());
    assertEquals(height, image.getHeight());
  }
}
