package ai.maya1.tensor;

/**
 * Which kernel path this JVM runs, decided once. Holds no reference to {@code jdk.incubator.vector}, so the
 * tensor classes load (and run their scalar code) even when the module is absent.
 */
final class Kernels {
    /** True when kernels take their Vector API path. */
    static final boolean VECTOR = VectorSupport.enabled();
    /** Preferred species width in bits (0 when scalar). */
    static final int BITS = VECTOR ? VectorSupport.preferredBits().orElse(0) : 0;

    private Kernels() {
    }

    /** Checks a forced width (tests): 0 = scalar, else 128, 256 or 512. */
    static void checkBits(int bits) {
        if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("species width must be 0 (scalar), 128, 256 or 512 bits, got " + bits);
        }
        if (bits != 0 && !VectorSupport.modulePresent()) {
            throw new IllegalStateException("jdk.incubator.vector is not available");
        }
    }
}
