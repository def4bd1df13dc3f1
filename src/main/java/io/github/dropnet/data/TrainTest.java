package io.github.dropnet.data;

/**
 * Two datasets with the same kind of rows: a training set and a test (or validation) set, as
 * returned by {@link FashionMnist#load}, {@link SyntheticImages#load} and {@link Dataset#split}.
 *
 * <p>Immutable; as thread-safe as the two datasets it holds.
 *
 * @param train the rows to fit on
 * @param test the held-out rows
 */
public record TrainTest(Dataset train, Dataset test) {
  /**
   * Pairs the two datasets.
   *
   * @param train the rows to fit on
   * @param test the held-out rows
   * @throws IllegalArgumentException if either is null
   */
  public TrainTest {
    if (train == null || test == null) {
      throw new IllegalArgumentException("TrainTest: train and test must not be null, received "
          + (train == null ? "train=null" : "a train set") + " and "
          + (test == null ? "test=null" : "a test set"));
    }
  }
}
