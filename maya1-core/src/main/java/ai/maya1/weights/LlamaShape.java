package ai.maya1.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * The sizes of a Hugging Face {@code LlamaForCausalLM} {@code config.json}, validated once for everything that
 * reads them ({@code ConfigShapes}, {@code LlamaConfig}, {@code maya1 inspect}): every size is a JSON integer
 * within a bound far above any published Llama (so that no product of sizes can overflow), the heads divide
 * {@code hidden_size}, the key/value heads divide the heads, {@code head_dim} is even (rotate-half RoPE), and
 * each weight matrix's element count and the parameter count are computed with overflow checks.
 *
 * @param hiddenSize            {@code hidden_size}
 * @param intermediateSize      {@code intermediate_size}
 * @param numLayers             {@code num_hidden_layers}
 * @param numHeads              {@code num_attention_heads}
 * @param numKvHeads            {@code num_key_value_heads} (defaults to the heads)
 * @param headDim               {@code head_dim} (defaults to {@code hidden_size / num_attention_heads})
 * @param vocabSize             {@code vocab_size}
 * @param maxPositionEmbeddings {@code max_position_embeddings} (defaults to 2048 as in transformers)
 * @param tieWordEmbeddings     {@code tie_word_embeddings} (defaults to false as in transformers' LlamaConfig)
 * @param attentionBias         {@code attention_bias}
 * @param mlpBias               {@code mlp_bias}
 */
public record LlamaShape(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                         int vocabSize, int maxPositionEmbeddings, boolean tieWordEmbeddings, boolean attentionBias, boolean mlpBias) {
    /** Bounds of the sizes: 4x to 64x the largest published Llama 3 (405B: 16384, 53248, 126, 128, 128256). */
    public static final int MAX_HIDDEN = 1 << 16;
    public static final int MAX_INTERMEDIATE = 1 << 20;
    public static final int MAX_LAYERS = 1024;
    public static final int MAX_HEADS = 4096;
    public static final int MAX_HEAD_DIM = 4096;
    public static final int MAX_VOCAB = 1 << 24;
    public static final int MAX_POSITIONS = 1 << 24;
    /** No single weight matrix may hold more elements than a Java array can index. */
    public static final long MAX_MATRIX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Reads and validates the sizes; errors name {@code source} and the key. */
    public static LlamaShape read(JsonNode config, Path source) {
        ConfigFields f = ConfigFields.of(config, source);
        String modelType = f.optionalString("model_type", "llama");
        if (!modelType.equals("llama")) {
            throw f.error("model_type", "unsupported model_type '" + abbreviate(modelType) + "' (expected llama)");
        }
        int hidden = f.requiredInt("hidden_size", 1, MAX_HIDDEN);
        int heads = f.requiredInt("num_attention_heads", 1, MAX_HEADS);
        if (hidden % heads != 0) {
            throw f.error("hidden_size", "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        int kvHeads = f.optionalInt("num_key_value_heads", heads, 1, MAX_HEADS);
        if (heads % kvHeads != 0) {
            throw f.error("num_key_value_heads", "num_key_value_heads " + kvHeads + " does not divide num_attention_heads " + heads);
        }
        int headDim = f.optionalInt("head_dim", hidden / heads, 1, MAX_HEAD_DIM);
        if (headDim % 2 != 0) {
            throw f.error("head_dim", "head_dim " + headDim + " must be even (rotate-half RoPE)");
        }
        int ffn = f.requiredInt("intermediate_size", 1, MAX_INTERMEDIATE);
        int layers = f.requiredInt("num_hidden_layers", 1, MAX_LAYERS);
        int vocab = f.requiredInt("vocab_size", 1, MAX_VOCAB);
        int maxPos = f.optionalInt("max_position_embeddings", 2048, 1, MAX_POSITIONS);
        boolean tied = f.optionalBoolean("tie_word_embeddings", false);
        boolean attnBias = f.optionalBoolean("attention_bias", false);
        boolean mlpBias = f.optionalBoolean("mlp_bias", false);
        LlamaShape s = new LlamaShape(hidden, ffn, layers, heads, kvHeads, headDim, vocab, maxPos, tied, attnBias, mlpBias);
        // every matrix and the total must be addressable: checked once here, so later int arithmetic is safe
        long qDim = f.product("head_dim", heads, headDim, MAX_MATRIX_ELEMENTS);
        f.product("hidden_size", qDim, hidden, MAX_MATRIX_ELEMENTS);
        f.product("intermediate_size", ffn, hidden, MAX_MATRIX_ELEMENTS);
        f.product("vocab_size", vocab, hidden, MAX_MATRIX_ELEMENTS);
        s.parameterCount();
        return s;
    }

    /** {@code num_attention_heads * head_dim}. */
    public int qDim() {
        return Math.multiplyExact(numHeads, headDim);
    }

    /** {@code num_key_value_heads * head_dim}. */
    public int kvDim() {
        return Math.multiplyExact(numKvHeads, headDim);
    }

    /** Parameters of a checkpoint of this shape (the head counted once when tied), overflow-checked. */
    public long parameterCount() {
        long d = hiddenSize;
        long perLayer = Math.addExact(Math.addExact(Math.multiplyExact(2 * d, qDim()), Math.multiplyExact(2 * d, kvDim())),
                Math.addExact(Math.multiplyExact(3 * d, intermediateSize), 2 * d));
        if (attentionBias) {
            perLayer = Math.addExact(perLayer, qDim() + 2L * kvDim() + d);
        }
        if (mlpBias) {
            perLayer = Math.addExact(perLayer, 2L * intermediateSize + d);
        }
        long embed = Math.multiplyExact((long) vocabSize, d);
        return Math.addExact(Math.addExact(Math.multiplyExact(perLayer, numLayers), embed), Math.addExact(d, tieWordEmbeddings ? 0 : embed));
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 40 ? one.substring(0, 37) + "..." : one;
    }
}
