package ai.maya1.tensor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the incubating Vector API ({@code jdk.incubator.vector}) is usable in this JVM, and how wide.
 *
 * <p>Kernels ask {@link #enabled()} once and pick their vectorized or scalar path. The module is only present
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}; without it every kernel runs its
 * scalar fallback and one WARN says which flag restores the speed. The system property
 * {@code maya1.vector=false} forces the scalar path (tests use it), {@code maya1.vector.bits=128|256|512} caps
 * the species width.
 */
public final class VectorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {
    }

    /** True when the module is in the boot layer (independent of the maya1.vector property). */
    public static boolean modulePresent() {
        return MODULE_PRESENT;
    }

    /** True when kernels should take their Vector API path. Logs the missing-flag WARN once if not. */
    public static boolean enabled() {
        if (!MODULE_PRESENT) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("jdk.incubator.vector is not available: kernels run scalar code, several times slower. "
                        + "Start the JVM with --add-modules jdk.incubator.vector");
            }
            return false;
        }
        return !"false".equalsIgnoreCase(System.getProperty("maya1.vector", "true"));
    }

    /** Preferred float species width in bits when usable (e.g. 256 on AVX2, 512 on AVX-512). */
    public static Optional<Integer> preferredBits() {
        if (!MODULE_PRESENT) {
            return Optional.empty();
        }
        return Optional.of(VectorWidth.preferredBits());
    }

    /** Why the Vector API is or is not used, for {@code maya1 info}. */
    public static String describe() {
        if (!MODULE_PRESENT) {
            return "unavailable (start the JVM with --add-modules jdk.incubator.vector)";
        }
        if (!enabled()) {
            return "disabled by -Dmaya1.vector=false (scalar kernels)";
        }
        return "enabled, preferred species " + VectorWidth.preferredBits() + " bits";
    }

    /** Isolated so that this class loads even when the incubator module is absent. */
    private static final class VectorWidth {
        static int preferredBits() {
            int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
            String cap = System.getProperty("maya1.vector.bits");
            if (cap != null) {
                try {
                    bits = Math.min(bits, Integer.parseInt(cap.trim()));
                } catch (NumberFormatException ignored) {
                    // a malformed cap is ignored rather than failing inference
                }
            }
            return bits;
        }
    }
}
