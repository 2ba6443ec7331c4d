package ai.maya1.onnx.runtime;

/** ONNX Runtime execution providers this SDK configures. */
public enum ExecutionProvider {
    /** MLAS on the CPU (every build). */
    CPU,
    /** NVIDIA CUDA (needs the onnxruntime_gpu artifact and CUDA 12 / cuDNN 9 libraries). */
    CUDA,
    /** NVIDIA TensorRT with CUDA for unsupported nodes (needs onnxruntime_gpu and TensorRT 10). */
    TENSORRT;

    public static ExecutionProvider parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda" -> CUDA;
            case "tensorrt", "trt" -> TENSORRT;
            default -> throw new IllegalArgumentException("unknown execution provider '" + s + "' (cpu, cuda, tensorrt)");
        };
    }
}
