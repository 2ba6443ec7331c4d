package ai.maya1.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * One {@code extern "C"} kernel of a loaded module. Launch failures throw {@link CudaKernelException} naming
 * it; with {@code -Dmaya1.cuda.sync=true} every launch is followed by a stream synchronization, so asynchronous
 * faults are attributed to the exact kernel (debugging only: it serializes everything).
 */
public final class Kernel {
    private static final boolean SYNC_EVERY_LAUNCH = Boolean.getBoolean("maya1.cuda.sync");
    private final String name;
    private final CUfunction function;

    Kernel(String name, CUfunction function) {
        this.name = name;
        this.function = function;
    }

    public String name() {
        return name;
    }

    public void launch(CudaStream stream, int gridX, int gridY, int gridZ, int blockX, int sharedBytes, KernelArgs args) {
        if (gridX <= 0 || gridY <= 0 || gridZ <= 0) {
            throw new IllegalArgumentException("kernel " + name + ": empty grid " + gridX + "x" + gridY + "x" + gridZ);
        }
        if (gridY > 65535 || gridZ > 65535) {
            throw new IllegalArgumentException("kernel " + name + ": grid " + gridX + "x" + gridY + "x" + gridZ + " exceeds the y/z limit 65535");
        }
        int rc = JCudaDriver.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, 1, 1, sharedBytes, stream.handle(), args.toPointer(), null);
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaKernelException(name, "cuLaunchKernel(grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX + ")", rc);
        }
        stream.queued(name);
        if (SYNC_EVERY_LAUNCH) {
            stream.synchronize();
        }
    }
}
