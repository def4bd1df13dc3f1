package io.github.dropnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Activation;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.losses.MeanSquaredError;
import io.github.dropnet.optimizers.Adam;
import io.github.dropnet.testing.GradientCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Sequential.save} and {@code Sequential.load}: a trained model comes back bit-exact. */
class SaveLoadTest {

  @TempDir Path dir;

  @Test
  void trainedModelRoundTripsBitExactly() throws IOException {
    Sequential model = new Sequential(
        new Dense(8).activation(Activation.TANH).seed(1),
        new Dropout(0.25).seed(2),
        new Dense(1).seed(3));
    Tensor x = GradientCheck.random(4, 32, 3);
    Tensor y = GradientCheck.random(5, 32, 1);
    model.compile(new Adam(1e-2), new MeanSquaredError());
    model.fit(x, y, new FitOptions().epochs(3).batchSize(8).seed(6));

    Path file = dir.resolve("model.dropnet");
    model.save(file);
    Sequential loaded = Sequential.load(file);

    assertEquals(model.toString(), loaded.toString());
    assertEquals(model.getWeights(), loaded.getWeights(), "weights bit-identical");
    assertEquals(model.predict(x), loaded.predict(x), "predictions bit-identical");
    assertEquals(model.summary(), loaded.summary());
  }

  @Test
  void loadRefusesAForeignFileWithAnIoException() throws IOException {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "these are not the weights you are looking for");
    IOException e = assertThrows(IOException.class, () -> Sequential.load(file));
    assertTrue(e.getMessage().contains("not a dropnet model file"), e.getMessage());
  }
}
