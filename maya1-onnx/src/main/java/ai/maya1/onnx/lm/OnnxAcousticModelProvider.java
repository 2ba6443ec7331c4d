package ai.maya1.onnx.lm;

import ai.maya1.Maya1Exception;
import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.runtime.OnnxModelCache;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.snac.OnnxVocoderProvider;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "onnx" acoustic-model backend (priority 5, below the pure-Java one unless chosen with
 * {@code maya1.backend.acoustic=onnx}). {@link AcousticModelSpec#model()} may be a {@code .onnx} file, a folder
 * with {@code model.onnx} (this SDK's KV layout or Optimum's), {@code onnx/model.onnx} or
 * {@code onnx/decoder_model.onnx} (Optimum), or a checkpoint folder ({@code config.json} + safetensors), which is
 * exported once (F32, external data) into the ONNX cache.
 */
public final class OnnxAcousticModelProvider implements AcousticModelProvider {
    public static final String MODEL_FILE = "model.onnx";

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
        return OnnxVocoderProvider.ortAvailability();
    }

    @Override
    public AcousticModel open(AcousticModelSpec spec) {
        int threads = spec.executor() != null ? spec.executor().threads() : Runtime.getRuntime().availableProcessors();
        int ctx = spec.contextLength() > 0 ? spec.contextLength() : 4096;
        Path file = locate(spec.model());
        return new OnnxAcousticModel(OnnxLlama.open(file, OnnxRuntimeConfig.fromSystemProperties(), threads), ctx, spec.model().toString(),
                testModelHook(spec.model()));
    }

    /**
     * The built-in test model's hook ({@code maya1_test_model} in the folder's config.json), or null: the test model
     * then ends and is labelled exactly as on the java backend.
     */
    static LlamaConfig.TestModelHook testModelHook(Path model) {
        Path config = model.resolve("config.json");
        if (!Files.isDirectory(model) || !Files.isRegularFile(config)) {
            return null;
        }
        try {
            if (!new ObjectMapper().readTree(config.toFile()).has("maya1_test_model")) {
                return null;
            }
        } catch (IOException e) {
            throw new ModelFormatException(config, null, -1, "cannot read config: " + e.getMessage(), e);
        }
        return LlamaConfig.load(config).testModel();
    }

    /** The ONNX file for {@code model}, exporting a checkpoint folder into the cache when needed. */
    public static Path locate(Path model) {
        if (Files.isRegularFile(model)) {
            TensorSources.FileKind kind = TensorSources.detect(model);
            if (kind.holdsTensors()) {
                throw new ModelFormatException(model, "this is a " + kind + " weights file, not an ONNX graph: point the onnx backend at the"
                        + " model folder (config.json + safetensors) to export it, or use the java backend for GGUF");
            }
            return model;
        }
        if (!Files.isDirectory(model)) {
            throw new ModelFormatException(model, "acoustic model not found");
        }
        for (String c : List.of(MODEL_FILE, "onnx/model.onnx", "onnx/decoder_model.onnx", "decoder_model.onnx")) {
            Path p = model.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        if (Files.isRegularFile(model.resolve("config.json"))) {
            try {
                Path dir = OnnxModelCache.ensure(OnnxModelCache.folderFor(model, "llama"), out -> {
                    LlamaGraphConfig cfg = LlamaGraphConfig.load(model.resolve("config.json"));
                    try (TensorSource w = TensorSources.open(model)) {
                        LlamaOnnxExporter.export(cfg, w, out.resolve(MODEL_FILE), LlamaOnnxExporter.Options.defaults());
                    }
                });
                return dir.resolve(MODEL_FILE);
            } catch (IOException e) {
                throw new Maya1Exception("cannot export " + model + " to ONNX: " + e.getMessage(), e);
            }
        }
        throw new ModelFormatException(model, "no model.onnx, onnx/model.onnx or config.json + safetensors in the folder");
    }
}
