package ai.maya1.onnx.runtime;

import ai.maya1.Maya1Exception;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ORT sessions with the configured execution provider. A provider that cannot load (not in this ORT
 * build, driver or library missing) is reported with the reason and either replaced by the CPU or turned into a
 * {@link Maya1Exception}, as configured.
 */
public final class OrtSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    private OrtSessions() {
    }

    /** An open session and the provider it actually runs on. */
    public record Opened(OrtSession session, ExecutionProvider provider, String note) implements AutoCloseable {
        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debug("closing session: {}", e.toString());
            } catch (IllegalStateException ignored) {
                // already closed
            }
        }
    }

    /** The shared ORT environment (loads the native library on first use). */
    public static OrtEnvironment env() {
        try {
            return OrtEnvironment.getEnvironment();
        } catch (Throwable t) {
            throw new Maya1Exception("ONNX Runtime native library could not be loaded: " + t, t);
        }
    }

    /** Providers compiled into the ORT library on the class path. */
    public static EnumSet<OrtProvider> compiledProviders() {
        env();
        return OrtEnvironment.getAvailableProviders();
    }

    /**
     * Why {@code provider} cannot be used in this process, or null when it is compiled in (loading may still fail
     * later, e.g. a missing libcudart, which {@link #open} reports).
     */
    public static String unavailableReason(ExecutionProvider provider) {
        EnumSet<OrtProvider> have;
        try {
            have = compiledProviders();
        } catch (Maya1Exception e) {
            return e.getMessage();
        }
        return switch (provider) {
            case CPU -> null;
            case CUDA -> have.contains(OrtProvider.CUDA) ? null
                    : "the CUDA execution provider is not in this ONNX Runtime build (providers: " + have
                    + "); build with -Ponnx-gpu to use com.microsoft.onnxruntime:onnxruntime_gpu";
            case TENSORRT -> have.contains(OrtProvider.TENSOR_RT) ? null
                    : "the TensorRT execution provider is not in this ONNX Runtime build (providers: " + have
                    + "); build with -Ponnx-gpu to use com.microsoft.onnxruntime:onnxruntime_gpu (needs TensorRT 10)";
        };
    }

    /**
     * Opens {@code model} (external data is found beside it).
     *
     * @param defaultThreads threads when the config says 0 (the engine's compute parallelism)
     */
    public static Opened open(Path model, OnnxRuntimeConfig cfg, int defaultThreads) {
        OrtEnvironment env = env();
        ExecutionProvider wanted = cfg.provider();
        String reason = unavailableReason(wanted);
        if (reason == null && wanted != ExecutionProvider.CPU) {
            try {
                OrtSession s = env.createSession(model.toString(), options(cfg, wanted, defaultThreads));
                return new Opened(s, wanted, wanted + " on device " + cfg.deviceId());
            } catch (OrtException | RuntimeException e) {
                reason = wanted + " execution provider failed to load: " + e.getMessage();
            }
        }
        ExecutionProvider actual = ExecutionProvider.CPU;
        String note = "CPU";
        if (reason != null) {
            if (!cfg.fallbackToCpu()) {
                throw new Maya1Exception("ONNX Runtime execution provider " + wanted + " is not available: " + reason);
            }
            LOG.warn("ONNX Runtime: {} unavailable, falling back to CPU: {}", wanted, reason);
            note = "CPU (fallback from " + wanted + ": " + reason + ")";
        }
        try {
            return new Opened(env.createSession(model.toString(), options(cfg, actual, defaultThreads)), actual, note);
        } catch (OrtException e) {
            throw new Maya1Exception("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
    }

    static OrtSession.SessionOptions options(OnnxRuntimeConfig cfg, ExecutionProvider ep, int defaultThreads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        int threads = cfg.intraOpThreads() > 0 ? cfg.intraOpThreads() : Math.max(1, defaultThreads);
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // threads spinning between ops would steal cores from the Java side of the pipeline
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        if (cfg.optimizedModelDir() != null) {
            o.setOptimizedModelFilePath(cfg.optimizedModelDir().resolve("optimized.onnx").toString());
        }
        switch (ep) {
            case CPU -> {
            }
            case CUDA -> {
                try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(cfg.deviceId())) {
                    o.addCUDA(cuda);
                }
            }
            case TENSORRT -> {
                try (OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(cfg.deviceId())) {
                    trt.add("trt_fp16_enable", cfg.tensorRtFp16() ? "1" : "0");
                    if (cfg.tensorRtCacheDir() != null) {
                        try {
                            Files.createDirectories(cfg.tensorRtCacheDir());
                        } catch (IOException e) {
                            throw new Maya1Exception("cannot create TensorRT engine cache folder " + cfg.tensorRtCacheDir() + ": " + e, e);
                        }
                        trt.add("trt_engine_cache_enable", "1");
                        trt.add("trt_engine_cache_path", cfg.tensorRtCacheDir().toString());
                        trt.add("trt_timing_cache_enable", "1");
                        trt.add("trt_timing_cache_path", cfg.tensorRtCacheDir().toString());
                    }
                    o.addTensorrt(trt);
                }
                try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(cfg.deviceId())) {
                    o.addCUDA(cuda); // nodes TensorRT does not take
                }
            }
        }
        return o;
    }
}
