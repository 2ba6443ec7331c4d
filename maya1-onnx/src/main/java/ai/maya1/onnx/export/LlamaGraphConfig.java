package ai.maya1.onnx.export;

import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.Rope;
import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The decoder graph's plan of a Llama config: the hyper-parameters the exported graph bakes in, derived from the one
 * validated {@link LlamaConfig} (which reads every spelling of the RoPE settings).
 */
public record LlamaGraphConfig(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim, int vocabSize,
                               float rmsNormEps, double ropeTheta, LlamaConfig.RopeScaling ropeScaling, boolean tiedEmbeddings,
                               int maxPositions) {

    /** Reads {@code config.json} with the one Llama config reader ({@link LlamaConfig}), then plans the graph. */
    public static LlamaGraphConfig load(Path configJson) {
        return from(LlamaConfig.load(configJson), configJson);
    }

    /** As {@link #load(Path)}, from a parsed tree; {@code source} only names the file in errors. */
    public static LlamaGraphConfig parse(JsonNode n, Path source) {
        return from(LlamaConfig.parse(n, source), source);
    }

    /** The graph plan of a validated Llama config: refuses what the exporter cannot write, naming the key. */
    public static LlamaGraphConfig from(LlamaConfig c, Path source) {
        LlamaConfig.RopeScaling rs = c.ropeScaling();
        if (!"llama3".equals(rs.type()) && !"default".equals(rs.type())) {
            throw new ModelFormatException(source, "rope_scaling", -1, "unsupported rope type '" + rs.type() + "' (default, llama3)");
        }
        if (c.numLayers() > 1024) {
            throw new ModelFormatException(source, "num_hidden_layers", -1, c.numLayers() + " layers: more than the 1024 the exporter writes");
        }
        return new LlamaGraphConfig(c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), rs, c.tieWordEmbeddings(), c.maxPositionEmbeddings());
    }

    /** RoPE inverse frequencies (length headDim/2), llama3-scaled if configured, rounded to float32 as HF does. */
    public float[] inverseFrequencies() {
        return Rope.inverseFrequencies(headDim, ropeTheta, ropeScaling);
    }
}
