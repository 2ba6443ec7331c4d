package ai.maya1.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.Maya1Exception;
import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.onnxruntime.OrtProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Execution-provider configuration and its skip paths. The default build carries the CPU-only ORT, so CUDA and
 * TensorRT must be reported unavailable with a reason and either fall back to the CPU or fail, as configured.
 * With {@code -Ponnx-gpu} on a GPU host the GPU tests run instead of being skipped.
 */
class ExecutionProviderTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void export() throws Exception {
        model = tmp.resolve("snac.onnx");
        SnacOnnxExporter.export(GoldenData.golden("snac/config_reduced.json"), GoldenData.golden("snac/weights_reduced.safetensors"), model,
                SnacOnnxExporter.Options.defaults());
    }

    static boolean gpuBuild() {
        return OrtSessions.compiledProviders().contains(OrtProvider.CUDA);
    }

    @Test
    void cpuAlwaysLoads() {
        assertNull(OrtSessions.unavailableReason(ExecutionProvider.CPU));
        try (var o = OrtSessions.open(model, OnnxRuntimeConfig.builder().intraOpThreads(1).build(), 4)) {
            assertEquals(ExecutionProvider.CPU, o.provider());
            assertEquals("CPU", o.note());
        }
    }

    @Test
    void gpuProvidersFallBackToCpuWithTheReason() {
        Assumptions.assumeFalse(gpuBuild(), "GPU build: covered by gpuProvidersLoadOnAGpuBuild");
        for (ExecutionProvider ep : new ExecutionProvider[] {ExecutionProvider.CUDA, ExecutionProvider.TENSORRT}) {
            String reason = OrtSessions.unavailableReason(ep);
            assertTrue(reason != null && reason.contains("not in this ONNX Runtime build") && reason.contains("-Ponnx-gpu"), reason);
            var cfg = OnnxRuntimeConfig.builder().provider(ep).fallbackToCpu(true).tensorRtCacheDir(tmp.resolve("trt")).build();
            try (var o = OrtSessions.open(model, cfg, 1)) {
                assertEquals(ExecutionProvider.CPU, o.provider());
                assertTrue(o.note().startsWith("CPU (fallback from " + ep.name() + ": "), o.note());
            }
        }
    }

    @Test
    void gpuProvidersFailWhenFallbackIsOff() {
        Assumptions.assumeFalse(gpuBuild(), "GPU build");
        var cfg = OnnxRuntimeConfig.builder().provider(ExecutionProvider.TENSORRT).fallbackToCpu(false).build();
        Maya1Exception e = assertThrows(Maya1Exception.class, () -> OrtSessions.open(model, cfg, 1));
        assertTrue(e.getMessage().contains("TENSORRT is not available"), e.getMessage());
    }

    @Test
    void gpuProvidersLoadOnAGpuBuild() {
        Assumptions.assumeTrue(gpuBuild(), "CPU-only ONNX Runtime on the class path (default build): GPU EPs unverified here");
        var cfg = OnnxRuntimeConfig.builder().provider(ExecutionProvider.CUDA).fallbackToCpu(false).build();
        try (var o = OrtSessions.open(model, cfg, 1)) {
            assertEquals(ExecutionProvider.CUDA, o.provider());
        }
    }

    @Test
    void systemPropertiesConfigureTheRuntime() {
        String[] keys = {OnnxRuntimeConfig.PROVIDER_PROPERTY, OnnxRuntimeConfig.THREADS_PROPERTY, OnnxRuntimeConfig.FALLBACK_PROPERTY,
                OnnxRuntimeConfig.TRT_CACHE_PROPERTY, OnnxRuntimeConfig.TRT_FP16_PROPERTY};
        try {
            System.setProperty(OnnxRuntimeConfig.PROVIDER_PROPERTY, "TensorRT");
            System.setProperty(OnnxRuntimeConfig.THREADS_PROPERTY, "3");
            System.setProperty(OnnxRuntimeConfig.FALLBACK_PROPERTY, "fail");
            System.setProperty(OnnxRuntimeConfig.TRT_CACHE_PROPERTY, "/tmp/engines");
            System.setProperty(OnnxRuntimeConfig.TRT_FP16_PROPERTY, "false");
            OnnxRuntimeConfig c = OnnxRuntimeConfig.fromSystemProperties();
            assertEquals(ExecutionProvider.TENSORRT, c.provider());
            assertEquals(3, c.intraOpThreads());
            assertEquals(false, c.fallbackToCpu());
            assertEquals(Path.of("/tmp/engines"), c.tensorRtCacheDir());
            assertEquals(false, c.tensorRtFp16());
            System.setProperty(OnnxRuntimeConfig.FALLBACK_PROPERTY, "maybe");
            assertThrows(IllegalArgumentException.class, OnnxRuntimeConfig::fromSystemProperties);
            System.setProperty(OnnxRuntimeConfig.FALLBACK_PROPERTY, "cpu");
            System.setProperty(OnnxRuntimeConfig.PROVIDER_PROPERTY, "rocm");
            assertThrows(IllegalArgumentException.class, OnnxRuntimeConfig::fromSystemProperties);
        } finally {
            for (String k : keys) {
                System.clearProperty(k);
            }
        }
        assertEquals(OnnxRuntimeConfig.cpu(), OnnxRuntimeConfig.fromSystemProperties());
        assertThrows(IllegalArgumentException.class, () -> OnnxRuntimeConfig.builder().intraOpThreads(-1).build());
    }
}
