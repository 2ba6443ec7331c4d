package ai.maya1.cuda;

/** The CUDA backend cannot run here (no libcuda.so.1, no device, unsupported device); the message says why. */
public final class CudaUnavailableException extends CudaException {
    public CudaUnavailableException(String reason) {
        super("CUDA backend unavailable: " + reason, "availability", 0);
    }
}
