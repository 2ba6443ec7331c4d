package ai.maya1.backend;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.llama.JavaAcousticModel;
import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;
import ai.maya1.tensor.VectorSupport;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorSources;
import ai.maya1.weights.gguf.GgufFile;
import ai.maya1.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pure-Java acoustic backend ("java", priority 10): a folder with config.json and safetensors (single or sharded)
 * or a PyTorch checkpoint, or a GGUF file.
 */
public final class JavaAcousticModelProvider implements AcousticModelProvider {
    /** Context length when the spec gives none: Maya1 prompts plus a few minutes of audio. */
    public static final int DEFAULT_CONTEXT_LENGTH = 8192;

    @Override
    public String name() {
        return "java";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java; Vector API " + VectorSupport.describe());
    }

    @Override
    public AcousticModel open(AcousticModelSpec spec) {
        Path model = spec.model();
        WeightFormat format = WeightFormat.parse(spec.weightFormat());
        TensorSource source = openTensors(model);
        try {
            LlamaConfig config = configFor(model, source);
            LlamaModel llama = LlamaModel.load(config, source, format);
            int ctx = spec.contextLength() > 0 ? spec.contextLength() : Math.min(DEFAULT_CONTEXT_LENGTH, config.maxPositionEmbeddings());
            return new JavaAcousticModel(model.toString(), llama, source, spec.executor(), ctx, spec.kvBudgetBytes(),
                    spec.kvBf16() ? KvCache.Precision.BF16 : KvCache.Precision.F32);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * The model's configuration: a GGUF file carries it in its metadata (llama.cpp's converter writes every
     * hyper-parameter there, RoPE scaling included); every other format has a Hugging Face config.json in the model
     * folder or beside the weights file.
     */
    public static LlamaConfig configFor(Path model, TensorSource source) {
        if (source instanceof GgufFile gguf) {
            return LlamaConfig.parse(gguf.llamaConfigJson(), gguf.path());
        }
        Path configFile = Files.isDirectory(model) ? model.resolve("config.json") : model.resolveSibling("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile, "missing config.json beside the weights");
        }
        return LlamaConfig.load(configFile);
    }

    /** Opens the weights of a model folder or file in any supported format (see {@link TensorSources#open}). */
    public static TensorSource openTensors(Path fileOrFolder) {
        return TensorSources.open(fileOrFolder);
    }
}
