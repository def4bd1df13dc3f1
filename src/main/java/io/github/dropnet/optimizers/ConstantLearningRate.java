package io.github.dropnet.optimizers;

/** A fixed learning rate; prints as the bare number so optimizers show {@code lr=0.01}. */
final class ConstantLearningRate implements LearningRateSchedule {
  private final double lr;

  ConstantLearningRate(double lr) {
    this.lr = lr;
  }

  @Override
  public double rate(long step) {
    return lr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConstantLearningRate
        && Double.compare(((ConstantLearningRate) o).lr, lr) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(lr);
  }

  @Override
  public String toString() {
    return Double.toString(lr);
  }
}
