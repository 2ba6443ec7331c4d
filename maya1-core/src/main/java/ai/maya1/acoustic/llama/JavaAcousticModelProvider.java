package ai.maya1.acoustic.llama;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;
import ai.maya1.tensor.VectorSupport;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pure-Java acoustic backend ("java", priority 10): a folder with config.json and safetensors weights. */
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
        Path dir = spec.model();
        Path configFile = Files.isDirectory(dir) ? dir.resolve("config.json") : dir.resolveSibling("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile, "missing config.json beside the weights");
        }
        LlamaConfig config = LlamaConfig.load(configFile);
        WeightFormat format = WeightFormat.parse(spec.weightFormat());
        TensorSource source = openTensors(dir);
        try {
            LlamaModel model = LlamaModel.load(config, source, format);
            int ctx = spec.contextLength() > 0 ? spec.contextLength() : Math.min(DEFAULT_CONTEXT_LENGTH, config.maxPositionEmbeddings());
            return new JavaAcousticModel(dir.toString(), model, source, spec.executor(), ctx, spec.kvBudgetBytes(),
                    spec.kvBf16() ? KvCache.Precision.BF16 : KvCache.Precision.F32);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Opens the weights of a model folder (or a file). Kept in one place so that the lead can switch it to
     * {@code TensorSources.open} (every supported format) at merge.
     */
    public static TensorSource openTensors(Path fileOrFolder) {
        if (Files.isDirectory(fileOrFolder)) {
            Path index = fileOrFolder.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(index)) {
                return ShardedSafetensors.open(index);
            }
            Path single = fileOrFolder.resolve("model.safetensors");
            if (Files.isRegularFile(single)) {
                return SafetensorsFile.open(single);
            }
            throw new ModelFormatException(fileOrFolder, "no model.safetensors.index.json or model.safetensors in this folder");
        }
        if (fileOrFolder.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafetensors.open(fileOrFolder);
        }
        return SafetensorsFile.open(fileOrFolder);
    }
}
