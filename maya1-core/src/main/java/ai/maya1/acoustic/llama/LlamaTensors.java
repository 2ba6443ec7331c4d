package ai.maya1.acoustic.llama;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The Hugging Face tensor names and shapes a {@link LlamaConfig} implies, and the check of a checkpoint against them. */
public final class LlamaTensors {
    public static final String EMBED = LlamaTensorNames.EMBED;
    public static final String NORM = LlamaTensorNames.NORM;
    public static final String LM_HEAD = LlamaTensorNames.LM_HEAD;

    private LlamaTensors() {
    }

    public static String layer(int l, String suffix) {
        return LlamaTensorNames.layer(l, suffix);
    }

    /**
     * Every tensor {@code LlamaForCausalLM} reads, in Hugging Face state_dict order, with its shape
     * ({@code nn.Linear}: {@code [out, in]}). {@code lm_head.weight} is listed only when the embeddings are untied.
     */
    public static Map<String, long[]> expected(LlamaConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long d = c.hiddenSize();
        m.put(EMBED, new long[] {c.vocabSize(), d});
        for (int l = 0; l < c.numLayers(); l++) {
            m.put(layer(l, LlamaTensorNames.Q_PROJ), new long[] {c.qDim(), d});
            m.put(layer(l, LlamaTensorNames.K_PROJ), new long[] {c.kvDim(), d});
            m.put(layer(l, LlamaTensorNames.V_PROJ), new long[] {c.kvDim(), d});
            m.put(layer(l, LlamaTensorNames.O_PROJ), new long[] {d, c.qDim()});
            m.put(layer(l, LlamaTensorNames.GATE_PROJ), new long[] {c.intermediateSize(), d});
            m.put(layer(l, LlamaTensorNames.UP_PROJ), new long[] {c.intermediateSize(), d});
            m.put(layer(l, LlamaTensorNames.DOWN_PROJ), new long[] {d, c.intermediateSize()});
            m.put(layer(l, LlamaTensorNames.ATTN_NORM), new long[] {d});
            m.put(layer(l, LlamaTensorNames.MLP_NORM), new long[] {d});
        }
        m.put(NORM, new long[] {d});
        if (!c.tieWordEmbeddings()) {
            m.put(LM_HEAD, new long[] {c.vocabSize(), d});
        }
        return m;
    }

    /**
     * Checks that {@code source} holds every expected tensor with the expected shape and a usable dtype; throws a
     * {@link ModelFormatException} naming the first mismatch (missing tensor, wrong shape or dtype). Extra tensors
     * (for example an {@code lm_head.weight} beside tied embeddings, which Hugging Face ignores) are allowed.
     */
    public static void check(LlamaConfig c, TensorSource source) {
        for (Map.Entry<String, long[]> e : expected(c).entrySet()) {
            Optional<TensorData> t = source.find(e.getKey());
            if (t.isEmpty()) {
                String hint = e.getKey().equals(LM_HEAD) ? " (config has tie_word_embeddings=false)" : "";
                throw new ModelFormatException(source.path(), e.getKey(), -1, "missing tensor" + hint);
            }
            long[] shape = t.get().shape();
            if (!Arrays.equals(shape, e.getValue())) {
                throw new ModelFormatException(source.path(), e.getKey(), -1, "shape " + Arrays.toString(shape)
                        + " does not match the config, which implies " + Arrays.toString(e.getValue()));
            }
            DType dt = t.get().dtype();
            boolean vector = shape.length == 1;
            boolean ok = switch (dt) {
                case F32, F16, BF16 -> true;
                case Q8_0, Q4_0, Q4_K, Q5_K, Q6_K -> !vector;
                default -> false;
            };
            if (!ok) {
                throw new ModelFormatException(source.path(), e.getKey(), -1, "unsupported dtype " + dt + " for this tensor");
            }
        }
    }
}
