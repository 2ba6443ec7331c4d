package ai.maya1.cuda;

/** A kernel launch, or the asynchronous execution of a kernel, failed. Names the kernel and its module. */
public final class CudaKernelException extends CudaException {
    private final String kernel;

    public CudaKernelException(String kernel, String operation, int result) {
        super("kernel " + kernel + ": " + operation + " failed: " + resultName(result) + " (" + result + ")", operation, result);
        this.kernel = kernel;
    }

    /** "module:function", e.g. "snac:snac_tconv". */
    public String kernel() {
        return kernel;
    }
}
