package io.github.dropnet.kernels;

/**
 * The geometry of one 2-D sliding-window operation (convolution or pooling) on a batch of images:
 * input size, window, strides, dilation, the padding before each axis and the output size.
 *
 * <h2>Output size and padding, per spatial axis</h2>
 * With the effective window extent {@code ek = (k - 1) * dilation + 1}:
 * <ul>
 *   <li>VALID: {@code out = floor((in - ek) / stride) + 1}, no padding; trailing rows that do not
 *       fill a window are dropped.
 *   <li>SAME (TensorFlow's rule): {@code out = ceil(in / stride)}, {@code pad_total = max((out - 1)
 *       * stride + ek - in, 0)}, {@code pad_before = floor(pad_total / 2)} at the top/left and the
 *       rest at the bottom/right. This holds for any stride and for even windows.
 * </ul>
 * Output position {@code i} reads input rows {@code i * stride + a * dilation - pad_before} for
 * {@code a} in {@code [0, k)}; rows outside {@code [0, in)} are padding.
 *
 * <p>The record does not validate: callers check sizes first (the layers do, with messages that
 * name them). {@link #of} computes the padding and output size from the configuration.
 *
 * <p>Thread safety: immutable.
 *
 * @param batch the number of images N
 * @param channels the number of input channels C
 * @param inH the input height H
 * @param inW the input width W
 * @param kernelH the window height
 * @param kernelW the window width
 * @param strideH the vertical stride
 * @param strideW the horizontal stride
 * @param dilationH the vertical dilation (1 for pooling)
 * @param dilationW the horizontal dilation (1 for pooling)
 * @param padTop the padding rows before the first input row
 * @param padLeft the padding columns before the first input column
 * @param outH the output height
 * @param outW the output width
 */
public record ConvGeometry(
    int batch, int channels, int inH, int inW,
    int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
    int padTop, int padLeft, int outH, int outW) {

  /**
   * The geometry for the given input and configuration, with the output size and padding of
   * {@link #outputSize} and {@link #padBefore}.
   *
   * @param same SAME padding if true, VALID otherwise
   */
  public static ConvGeometry of(
      int batch, int channels, int inH, int inW,
      int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      boolean same) {
    return new ConvGeometry(
        batch, channels, inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
        padBefore(inH, kernelH, strideH, dilationH, same),
        padBefore(inW, kernelW, strideW, dilationW, same),
        outputSize(inH, kernelH, strideH, dilationH, same),
        outputSize(inW, kernelW, strideW, dilationW, same));
  }

  /**
   * The effective extent of a dilated window, {@code (k - 1) * dilation + 1}, without wrapping
   * around; the layers refuse windows whose extent is not an int, so the geometry's sizes are.
   */
  public static long extent(int k, int dilation) {
    return (long) (k - 1) * dilation + 1;
  }

  /**
   * The output size along one axis; for VALID it is 0 or negative when the window is larger than
   * the input.
   */
  public static int outputSize(int in, int k, int stride, int dilation, boolean same) {
    if (same) {
      return (int) ((in + (long) stride - 1) / stride); // a stride near 2^31 must not wrap
    }
    long room = in - extent(k, dilation);
    return (int) (room < 0 ? room : room / stride + 1);
  }

  /** The total padding along one axis (0 for VALID). */
  public static int padTotal(int in, int k, int stride, int dilation, boolean same) {
    if (!same) {
      return 0;
    }
    int out = outputSize(in, k, stride, dilation, true);
    return (int) Math.max((out - 1) * (long) stride + extent(k, dilation) - in, 0);
  }

  /** The padding before the first element (top / left): the floor of half the total. */
  public static int padBefore(int in, int k, int stride, int dilation, boolean same) {
    return padTotal(in, k, stride, dilation, same) / 2;
  }

  /** The number of output positions of one image: {@code outH * outW}. */
  public int outPlane() {
    return outH * outW;
  }

  /** The number of input positions of one image: {@code inH * inW}. */
  public int inPlane() {
    return inH * inW;
  }

  /** The length of one unrolled window (a patch): {@code kernelH * kernelW * channels}. */
  public int patchSize() {
    return kernelH * kernelW * channels;
  }

  /**
   * The number of doubles of the per-image im2col workspace the convolution kernels need:
   * {@code outH * outW * kernelH * kernelW * channels}.
   *
   * @throws ArithmeticException if it does not fit an int
   */
  public int columnSize() {
    return Math.multiplyExact(outPlane(), patchSize());
  }
}
