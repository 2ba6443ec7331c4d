package ai.maya1.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * A CUDA stream. {@link #synchronize()} reports an asynchronous fault with the name of the last kernel queued
 * since the previous synchronization (the usual culprit). Closing twice is safe.
 */
public final class CudaStream implements AutoCloseable {
    private final CudaDevice device;
    private final CUstream stream = new CUstream();
    private volatile String lastKernel = "(none)";
    private boolean closed;

    CudaStream(CudaDevice device) {
        this.device = device;
        // CU_STREAM_NON_BLOCKING: sessions and vocoder streams never serialize through the legacy default stream
        Cuda.check(JCudaDriver.cuStreamCreate(stream, 1), "cuStreamCreate");
    }

    public CUstream handle() {
        if (closed) {
            throw new IllegalStateException("CUDA stream is closed");
        }
        return stream;
    }

    public CudaDevice device() {
        return device;
    }

    void queued(String kernel) {
        lastKernel = kernel;
    }

    public void synchronize() {
        device.makeCurrent();
        int rc = JCudaDriver.cuStreamSynchronize(handle());
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaKernelException(lastKernel, "cuStreamSynchronize (fault in a kernel queued since the last sync)", rc);
        }
        lastKernel = "(none)";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        JCudaDriver.cuStreamDestroy(stream);
    }
}
