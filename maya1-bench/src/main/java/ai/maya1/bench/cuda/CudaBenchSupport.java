package ai.maya1.bench.cuda;

import ai.maya1.cuda.Cuda;
import ai.maya1.spi.Availability;

/** GPU-only benchmarks: without a usable GPU their setup fails at once with the reason (JMH then moves on). */
final class CudaBenchSupport {
    private CudaBenchSupport() {
    }

    static void requireGpu() {
        Availability a = Cuda.availability();
        if (!a.available()) {
            throw new IllegalStateException("SKIPPED (GPU-only benchmark): " + a.reason());
        }
    }
}
