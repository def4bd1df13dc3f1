package io.github.dropnet.kernels;

import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Chooses {@link Gemm}'s micro-kernel once, when first used.
 *
 * <p>The default is the scalar four-row {@link Gemm#kernel}, which the JIT vectorises, or on JDK
 * 25 and later {@link Gemm#kernel4}, which it vectorises there too and which reads and writes C
 * half as often. When the JVM was started with {@code --add-modules jdk.incubator.vector},
 * {@code VectorGemmKernel}, a {@link TileKernel}, is loaded by name and used instead where it
 * applies (512-bit vectors); without that flag no class of the incubating module is ever loaded
 * and nothing is printed. The system property {@code dropnet.vector=false} forces the scalar
 * kernel. All kernels give bit-identical results.
 */
final class GemmKernels {
  /** The module of the Vector API. */
  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** The JDK release from which C2 vectorises {@link Gemm#kernel4}. */
  static final int FOUR_STEP_RELEASE = 25;

  /** Two steps of p per pass ({@link Gemm#kernel}): what JDK 17 vectorises. */
  static final MicroKernel TWO_STEPS = scalar("scalar", Gemm::kernel);

  /** Four steps of p per pass ({@link Gemm#kernel4}): faster where C2 vectorises it. */
  static final MicroKernel FOUR_STEPS = scalar("scalar (four steps per pass)", Gemm::kernel4);

  /**
   * The kernel without the Vector API, always available: four steps of p per pass on JDK 25 and
   * later, two before (where four would stay scalar). The results are the same.
   */
  static final MicroKernel SCALAR =
      Runtime.version().feature() >= FOUR_STEP_RELEASE ? FOUR_STEPS : TWO_STEPS;

  /** The Vector API tile kernel, or null when the module is absent or the kernel unusable. */
  static final TileKernel VECTOR = loadVector();

  /** The tile kernel {@link Gemm}'s blocked path uses, or null: it uses {@link #SCALAR}. */
  static final TileKernel TILES =
      VECTOR != null && !"false".equalsIgnoreCase(System.getProperty("dropnet.vector"))
          ? VECTOR : null;

  private GemmKernels() {}

  /** The name of the kernel {@link Gemm}'s blocked path uses. */
  static String activeName() {
    return TILES != null ? TILES.name() : SCALAR.name();
  }

  /** The signature of {@link MicroKernel#kernel}, for the plain static kernels of {@link Gemm}. */
  @FunctionalInterface
  private interface StripKernel {
    void run(double[] ap, double[][] bp, int kc, int nc,
        double[] c0, double[] c1, double[] c2, double[] c3);
  }

  /** A static kernel of {@link Gemm} with its name, blocked at {@link Gemm#KC}. */
  private static MicroKernel scalar(String name, StripKernel body) {
    return new MicroKernel() {
      @Override
      public void kernel(double[] ap, double[][] bp, int kc, int nc,
          double[] c0, double[] c1, double[] c2, double[] c3) {
        body.run(ap, bp, kc, nc, c0, c1, c2, c3);
      }

      @Override
      public int depth() {
        return Gemm.KC;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  private static TileKernel loadVector() {
    Optional<Module> module = ModuleLayer.boot().findModule(VECTOR_MODULE);
    if (module.isEmpty()) {
      return null;
    }
    try {
      // The module descriptor does not require the incubating module (so that javadoc and
      // builds without it never see it); read it now. A no-op on the class path.
      GemmKernels.class.getModule().addReads(module.get());
      Class<?> type = Class.forName(GemmKernels.class.getPackageName() + ".VectorGemmKernel");
      Method create = type.getDeclaredMethod("create");
      return (TileKernel) create.invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
