package ai.maya1.cuda;

import ai.maya1.Maya1Exception;
import jcuda.driver.CUresult;

/** A CUDA driver call failed. Carries the operation and the driver's result code. */
public class CudaException extends Maya1Exception {
    private final String operation;
    private final int result;

    public CudaException(String operation, int result) {
        this(operation, result, null);
    }

    public CudaException(String operation, int result, String detail) {
        super(operation + " failed: " + resultName(result) + " (" + result + ")" + (detail == null ? "" : ": " + detail));
        this.operation = operation;
        this.result = result;
    }

    protected CudaException(String message, String operation, int result) {
        super(message);
        this.operation = operation;
        this.result = result;
    }

    /** What was being done, e.g. "cuMemAlloc(402653184 bytes)". */
    public String operation() {
        return operation;
    }

    /** The CUresult code (0 when the error did not come from the driver). */
    public int result() {
        return result;
    }

    static String resultName(int result) {
        try {
            return CUresult.stringFor(result);
        } catch (Throwable t) { // the class may not be loadable when the natives are missing
            return "CUresult " + result;
        }
    }
}
