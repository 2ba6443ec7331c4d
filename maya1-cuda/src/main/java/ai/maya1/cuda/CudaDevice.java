package ai.maya1.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * One device's primary context, retained for the lifetime of this object. Every thread that issues work calls
 * {@link #makeCurrent()} first (the driver API binds contexts to threads; the engine calls in from its own
 * threads). Closing releases the context; closing twice is safe.
 */
public final class CudaDevice implements AutoCloseable {
    private final Cuda.DeviceInfo info;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private boolean closed;

    CudaDevice(Cuda.DeviceInfo info) {
        this.info = info;
        Cuda.check(JCudaDriver.cuDeviceGet(device, info.ordinal()), "cuDeviceGet(" + info.ordinal() + ")");
        Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + info.ordinal() + ")");
        makeCurrent();
    }

    public Cuda.DeviceInfo info() {
        return info;
    }

    /** Binds this device's context to the calling thread. */
    public void makeCurrent() {
        ensureOpen();
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for all work on the device; asynchronous kernel faults surface here. */
    public void synchronize() {
        makeCurrent();
        Cuda.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /** Free and total device memory in bytes. */
    public long[] memoryInfo() {
        makeCurrent();
        long[] free = {0};
        long[] total = {0};
        Cuda.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    public DeviceBuffer allocate(long bytes, String what) {
        makeCurrent();
        return new DeviceBuffer(this, bytes, what);
    }

    public CudaStream createStream() {
        makeCurrent();
        return new CudaStream(this);
    }

    public CudaModule loadModule(String name) {
        makeCurrent();
        return CudaModule.load(this, name);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("CUDA device " + info.ordinal() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
