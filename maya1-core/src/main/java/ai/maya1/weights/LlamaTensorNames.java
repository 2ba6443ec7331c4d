package ai.maya1.weights;

/**
 * The Hugging Face names of a Llama checkpoint's tensors ({@code LlamaForCausalLM}'s state_dict), the one place they
 * are spelled: the Java model, the checkpoint checks, the GGUF name mapping, the CUDA upload, the ONNX exporter and the
 * random-weight sources of the test model and the benchmarks all read them here.
 */
public final class LlamaTensorNames {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    /** Per-layer suffixes, after {@link #layerPrefix(int)}. */
    public static final String ATTN_NORM = "input_layernorm.weight";
    public static final String Q_PROJ = "self_attn.q_proj.weight";
    public static final String K_PROJ = "self_attn.k_proj.weight";
    public static final String V_PROJ = "self_attn.v_proj.weight";
    public static final String O_PROJ = "self_attn.o_proj.weight";
    public static final String MLP_NORM = "post_attention_layernorm.weight";
    public static final String GATE_PROJ = "mlp.gate_proj.weight";
    public static final String UP_PROJ = "mlp.up_proj.weight";
    public static final String DOWN_PROJ = "mlp.down_proj.weight";

    private LlamaTensorNames() {
    }

    /** {@code model.layers.<l>.} */
    public static String layerPrefix(int l) {
        return "model.layers." + l + ".";
    }

    /** The full name of a layer tensor, e.g. {@code layer(3, Q_PROJ)}. */
    public static String layer(int l, String suffix) {
        return layerPrefix(l) + suffix;
    }
}
