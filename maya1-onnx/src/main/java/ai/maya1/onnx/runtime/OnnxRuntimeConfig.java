package ai.maya1.onnx.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param provider          execution provider to ask for
 * @param fallbackToCpu     when the provider cannot load: true runs on the CPU (logged with the reason),
 *                          false fails with a {@link ai.maya1.Maya1Exception} naming the reason
 * @param intraOpThreads    CPU threads per operator; 0 = the engine's compute threads (or all cores)
 * @param deviceId          CUDA device ordinal
 * @param tensorRtFp16      let TensorRT build FP16 engines
 * @param tensorRtCacheDir  TensorRT engine cache folder (null: no cache, engines are rebuilt per session)
 * @param optimizedModelDir where ORT may save the optimized graph (null: not saved)
 */
public record OnnxRuntimeConfig(ExecutionProvider provider, boolean fallbackToCpu, int intraOpThreads, int deviceId, boolean tensorRtFp16,
                                Path tensorRtCacheDir, Path optimizedModelDir) {
    public static final String PROVIDER_PROPERTY = "maya1.onnx.provider";
    public static final String THREADS_PROPERTY = "maya1.onnx.threads";
    public static final String FALLBACK_PROPERTY = "maya1.onnx.fallback";
    public static final String TRT_CACHE_PROPERTY = "maya1.onnx.trt.cache";
    public static final String TRT_FP16_PROPERTY = "maya1.onnx.trt.fp16";

    public OnnxRuntimeConfig {
        Objects.requireNonNull(provider, "provider");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
        }
    }

    public static OnnxRuntimeConfig cpu() {
        return builder().build();
    }

    /**
     * Defaults overridden by system properties {@code maya1.onnx.provider} (cpu|cuda|tensorrt),
     * {@code maya1.onnx.threads}, {@code maya1.onnx.fallback} (cpu|fail), {@code maya1.onnx.trt.cache},
     * {@code maya1.onnx.trt.fp16}.
     */
    public static OnnxRuntimeConfig fromSystemProperties() {
        Builder b = builder();
        String p = System.getProperty(PROVIDER_PROPERTY);
        if (p != null && !p.isBlank()) {
            b.provider(ExecutionProvider.parse(p));
        }
        String t = System.getProperty(THREADS_PROPERTY);
        if (t != null && !t.isBlank()) {
            b.intraOpThreads(Integer.parseInt(t.trim()));
        }
        String f = System.getProperty(FALLBACK_PROPERTY);
        if (f != null && !f.isBlank()) {
            b.fallbackToCpu(switch (f.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "cpu" -> true;
                case "fail" -> false;
                default -> throw new IllegalArgumentException(FALLBACK_PROPERTY + " must be cpu or fail, got " + f);
            });
        }
        String c = System.getProperty(TRT_CACHE_PROPERTY);
        if (c != null && !c.isBlank()) {
            b.tensorRtCacheDir(Path.of(c));
        }
        String h = System.getProperty(TRT_FP16_PROPERTY);
        if (h != null && !h.isBlank()) {
            b.tensorRtFp16(Boolean.parseBoolean(h.trim()));
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().provider(provider).fallbackToCpu(fallbackToCpu).intraOpThreads(intraOpThreads).deviceId(deviceId)
                .tensorRtFp16(tensorRtFp16).tensorRtCacheDir(tensorRtCacheDir).optimizedModelDir(optimizedModelDir);
    }

    public static final class Builder {
        private ExecutionProvider provider = ExecutionProvider.CPU;
        private boolean fallbackToCpu = true;
        private int intraOpThreads;
        private int deviceId;
        private boolean tensorRtFp16 = true;
        private Path tensorRtCacheDir;
        private Path optimizedModelDir;

        public Builder provider(ExecutionProvider v) {
            provider = v;
            return this;
        }

        public Builder fallbackToCpu(boolean v) {
            fallbackToCpu = v;
            return this;
        }

        public Builder intraOpThreads(int v) {
            intraOpThreads = v;
            return this;
        }

        public Builder deviceId(int v) {
            deviceId = v;
            return this;
        }

        public Builder tensorRtFp16(boolean v) {
            tensorRtFp16 = v;
            return this;
        }

        public Builder tensorRtCacheDir(Path v) {
            tensorRtCacheDir = v;
            return this;
        }

        public Builder optimizedModelDir(Path v) {
            optimizedModelDir = v;
            return this;
        }

        public OnnxRuntimeConfig build() {
            return new OnnxRuntimeConfig(provider, fallbackToCpu, intraOpThreads, deviceId, tensorRtFp16, tensorRtCacheDir, optimizedModelDir);
        }
    }
}
