package ai.maya1.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.maya1.spi.Availability;

/** GPU tests skip (with the reason) where no usable CUDA device exists. A CPU emulation is never substituted. */
public final class GpuAssumptions {
    private GpuAssumptions() {
    }

    public static void assumeGpu() {
        Availability a = Cuda.availability();
        assumeTrue(a.available(), () -> "skipped: " + a.reason());
    }
}
