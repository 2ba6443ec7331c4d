package ai.maya1.cuda.llama;

import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.Rope;
import ai.maya1.weights.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The CUDA backend's plan of a Llama config: the fields its kernels take, derived from the one validated
 * {@link LlamaConfig} (which reads every spelling of the RoPE settings and the test-model hook), plus the limits of
 * these kernels (head_dim <= 256; RoPE default or llama3).
 */
public record CudaLlamaConfig(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads, int headDim, int vocabSize,
                              float rmsNormEps, double ropeTheta, LlamaConfig.RopeScaling scaling, boolean tiedEmbeddings,
                              double testFramesPerPromptToken, int testMinFrames, boolean testModel) {

    /** Reads {@code config.json} with the one Llama config reader ({@link LlamaConfig}), then plans for this backend. */
    public static CudaLlamaConfig load(Path configJson) {
        return from(LlamaConfig.load(configJson), configJson);
    }

    /** As {@link #load(Path)}, from a parsed tree; {@code src} only names the file in errors. */
    public static CudaLlamaConfig parse(JsonNode n, Path src) {
        return from(LlamaConfig.parse(n, src), src);
    }

    /** The CUDA plan of a validated Llama config: refuses what the kernels cannot run, naming the key. */
    public static CudaLlamaConfig from(LlamaConfig c, Path src) {
        if (c.headDim() > 256) {
            throw new ModelFormatException(src, "head_dim", -1, "head_dim " + c.headDim() + " must be <= 256 (CUDA attention kernel)");
        }
        LlamaConfig.RopeScaling rs = c.ropeScaling();
        if (!rs.type().equals("default") && !rs.type().equals("llama3")) {
            throw new ModelFormatException(src, "rope_scaling", -1, "rope type '" + rs.type()
                    + "' is not supported by the CUDA backend (default, llama3)");
        }
        LlamaConfig.TestModelHook hook = c.testModel();
        return new CudaLlamaConfig(c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), rs, c.tieWordEmbeddings(),
                hook != null ? hook.framesPerPromptToken() : 0, hook != null ? hook.minFrames() : 0, hook != null);
    }

    /**
     * Inverse RoPE frequencies as Hugging Face computes them in float32 ({@code 1 / theta^(2j/d)}), then the
     * llama3 scaling ({@code _compute_llama3_parameters}).
     */
    public float[] inverseFrequencies() {
        return Rope.inverseFrequencies(headDim, ropeTheta, scaling);
    }
}
