package ai.maya1.onnx.snac;

import ai.maya1.Maya1Exception;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.runtime.OnnxModelCache;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.spi.Availability;
import ai.maya1.spi.VocoderProvider;
import ai.maya1.spi.VocoderSpec;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.weights.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The "onnx" vocoder backend (priority 5, below the pure-Java one: choose it explicitly with
 * {@code maya1.backend.vocoder=onnx}). {@link VocoderSpec#snac()} may be a {@code .onnx} file, a folder with
 * {@code snac_decoder.onnx} (and optionally {@code snac_decoder_streaming.onnx}), the community layout
 * {@code onnx/decoder_model.onnx}, or a checkpoint folder ({@code config.json} + {@code model.safetensors}),
 * which is exported once into the ONNX cache. Sessions use {@link OnnxRuntimeConfig#fromSystemProperties()}.
 */
public final class OnnxVocoderProvider implements VocoderProvider {
    public static final String OFFLINE_FILE = "snac_decoder.onnx";
    public static final String STREAMING_FILE = "snac_decoder_streaming.onnx";

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Availability availability() {
        return OnnxAvailability.check();
    }

    @Override
    public Vocoder open(VocoderSpec spec) {
        int threads = spec.executor() != null ? spec.executor().threads() : Runtime.getRuntime().availableProcessors();
        return open(spec.snac(), OnnxRuntimeConfig.fromSystemProperties(), threads);
    }

    public static OnnxVocoder open(Path snac, OnnxRuntimeConfig cfg, int threads) {
        try {
            if (Files.isRegularFile(snac)) {
                Path streaming = snac.resolveSibling(STREAMING_FILE);
                return OnnxVocoder.open(snac, Files.isRegularFile(streaming) && !snac.equals(streaming) ? streaming : null, cfg, threads);
            }
            if (!Files.isDirectory(snac)) {
                throw new ModelFormatException(snac, "SNAC model not found");
            }
            Path offline = snac.resolve(OFFLINE_FILE);
            if (Files.isRegularFile(offline)) {
                Path streaming = snac.resolve(STREAMING_FILE);
                return OnnxVocoder.open(offline, Files.isRegularFile(streaming) ? streaming : null, cfg, threads);
            }
            Path community = snac.resolve("onnx").resolve("decoder_model.onnx");
            if (Files.isRegularFile(community)) {
                return OnnxVocoder.open(community, null, cfg, threads);
            }
            if (Files.isRegularFile(snac.resolve("config.json")) && hasWeights(snac)) {
                Path cache = OnnxModelCache.ensure(OnnxModelCache.folderFor(snac, "snac"), dir -> {
                    SnacOnnxExporter.export(snac, dir.resolve(OFFLINE_FILE), SnacOnnxExporter.Options.defaults());
                    SnacOnnxExporter.export(snac, dir.resolve(STREAMING_FILE), SnacOnnxExporter.Options.defaults().withStreaming(true));
                });
                return OnnxVocoder.open(cache.resolve(OFFLINE_FILE), cache.resolve(STREAMING_FILE), cfg, threads);
            }
            throw new ModelFormatException(snac, "no " + OFFLINE_FILE + ", onnx/decoder_model.onnx or config.json + weights"
                    + " (model.safetensors or pytorch_model.bin)");
        } catch (IOException e) {
            throw new Maya1Exception("cannot prepare ONNX SNAC decoder from " + snac + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasWeights(Path folder) {
        try {
            ai.maya1.weights.TensorSources.weightsFileIn(folder);
            return true;
        } catch (ModelFormatException e) {
            return false;
        }
    }

    /** Shared availability check of the ORT native library. */
    static final class OnnxAvailability {
        private OnnxAvailability() {
        }

        static Availability check() {
            try {
                var env = OrtSessions.env();
                return Availability.yes("ONNX Runtime " + env.getVersion() + ", providers " + OrtSessions.compiledProviders());
            } catch (Throwable t) {
                return Availability.no("ONNX Runtime unavailable: " + t.getMessage());
            }
        }
    }

    /** For the acoustic provider. */
    public static Availability ortAvailability() {
        return OnnxAvailability.check();
    }
}
