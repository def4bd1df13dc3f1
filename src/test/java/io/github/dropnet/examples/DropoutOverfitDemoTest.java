package io.github.dropnet.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.models.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropoutOverfitDemoTest {

  @Test
  void scheduleMeasuresTheFirstEpochThenEveryTwentiethOfTheRunAndTheLast() {
    int[] s = DropoutOverfitDemo.schedule(200);
    assertEquals(21, s.length);
    assertEquals(1, s[0]);
    assertEquals(10, s[1]);
    assertEquals(200, s[20]);
    assertArrayEquals(new int[] {1, 2, 3}, DropoutOverfitDemo.schedule(3));
    assertArrayEquals(new int[] {1}, DropoutOverfitDemo.schedule(1));
    int[] odd = DropoutOverfitDemo.schedule(301);
    assertEquals(301, odd[odd.length - 1], "the last epoch is always measured");
    assertEquals(15, odd[1]);
  }

  @Test
  void bothNetworksStartFromTheSameHeNormalWeights() {
    Sequential plain = DropoutOverfitDemo.model(0, 5);
    Sequential dropout = DropoutOverfitDemo.model(0.2, 5);
    assertEquals(7, plain.layers().size());
    assertEquals(13, dropout.layers().size());
    assertEquals(0.2, ((Dropout) dropout.layers().get(1)).rate());
    List<Tensor> a = plain.getWeights();
    List<Tensor> b = dropout.getWeights();
    assertEquals(a, b);
    Tensor first = a.get(0);  // (784, 100): std sqrt(2 / 784) = 0.0505
    double sd = Math.sqrt(first.mul(first).mean());
    assertEquals(Math.sqrt(2.0 / 784), sd, 0.002);
    assertEquals(0.0, a.get(1).sum(), "zero biases");
  }
}
