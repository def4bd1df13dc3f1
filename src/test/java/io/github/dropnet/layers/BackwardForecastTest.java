package io.github.dropnet.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackwardForecastTest {

  @Test
  void expectsABackwardOnlyWhileEachTrainingForwardGetsOne() {
    BackwardForecast forecast = new BackwardForecast();
    assertFalse(forecast.trainingForward(), "nothing seen yet");
    forecast.backward();
    assertTrue(forecast.trainingForward(), "a training loop");
    forecast.backward();
    assertTrue(forecast.trainingForward());
    assertFalse(forecast.trainingForward(), "the last forward went without a backward");
    assertFalse(forecast.trainingForward(), "Monte Carlo passes");
    forecast.backward();
    assertTrue(forecast.trainingForward(), "training again");
  }
}
