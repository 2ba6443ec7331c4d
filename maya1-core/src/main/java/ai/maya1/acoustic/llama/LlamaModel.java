package ai.maya1.acoustic.llama;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.ActivationFormat;
import ai.maya1.tensor.FloatMatrix;
import ai.maya1.tensor.Tensors;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.TensorSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hugging Face {@code LlamaForCausalLM} forward pass on the CPU: grouped-query attention, rotate-half RoPE with
 * llama3 frequency scaling, RMSNorm, SiLU-gated MLP, tied or untied output head. Activations are float32; weights
 * are in any {@link FloatMatrix} format.
 *
 * <p>{@link #forward} runs T tokens at once (batched prefill: every weight matrix is multiplied with all T
 * activation rows while its rows sit in cache) or a single decode step, appending to a {@link KvCache}. The model
 * is immutable and shared; all per-request state is in the cache.
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final Rope rope;
    private final FloatMatrix embed;
    private final FloatMatrix head;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final String weightFormatName;

    /** One decoder layer's weights. */
    public record Layer(float[] attnNorm, FloatMatrix wq, FloatMatrix wk, FloatMatrix wv, FloatMatrix wo, float[] mlpNorm,
                 FloatMatrix gate, FloatMatrix up, FloatMatrix down) {
    }

    /** Receives intermediate activations by Hugging Face-like names (tests, debugging). */
    @FunctionalInterface
    public interface Probe {
        /**
         * @param name  e.g. "layers.0.self_attn.q_proj"
         * @param data  a copy of the values
         * @param shape its shape in this implementation's layout ([T, features]; attn_probs [H, T, S])
         */
        void record(String name, float[] data, int... shape);
    }

    private LlamaModel(LlamaConfig config, FloatMatrix embed, FloatMatrix head, Layer[] layers, float[] finalNorm) {
        this.config = config;
        this.rope = new Rope(config);
        this.embed = embed;
        this.head = head;
        this.layers = layers;
        this.finalNorm = finalNorm;
        Map<String, Integer> formats = new TreeMap<>();
        for (Layer l : layers) {
            for (FloatMatrix m : new FloatMatrix[] {l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down}) {
                formats.merge(m.dtype().name(), 1, Integer::sum);
            }
        }
        this.weightFormatName = formats.size() == 1 ? formats.keySet().iterator().next() : "mixed " + formats.keySet();
    }

    /** Checks names and shapes against the config, then wraps the tensors (zero copy when used as stored); Q8_0 /
     * Q4_0 products take their format's default {@link ActivationFormat} ({@link ActivationFormat#defaultFor}). */
    public static LlamaModel load(LlamaConfig c, TensorSource src, WeightFormat format) {
        return loadAs(c, src, format);
    }

    /**
     * As {@link #load(LlamaConfig, TensorSource, WeightFormat)} with the activation format of the block-quantized
     * products chosen explicitly: {@link ActivationFormat#Q8} (int8 dot products, ggml's arithmetic) or
     * {@link ActivationFormat#F32} (the exact float path).
     */
    public static LlamaModel load(LlamaConfig c, TensorSource src, WeightFormat format, ActivationFormat activations) {
        LlamaModel m = loadAs(c, src, format);
        Layer[] ls = new Layer[m.layers.length];
        for (int l = 0; l < ls.length; l++) {
            Layer L = m.layers[l];
            ls[l] = new Layer(L.attnNorm, L.wq.withActivations(activations), L.wk.withActivations(activations),
                    L.wv.withActivations(activations), L.wo.withActivations(activations), L.mlpNorm, L.gate.withActivations(activations),
                    L.up.withActivations(activations), L.down.withActivations(activations));
        }
        FloatMatrix head = m.head.withActivations(activations);
        FloatMatrix embed = m.head == m.embed ? head : m.embed; // tied: one matrix (the byte counts rely on it)
        return new LlamaModel(c, embed, head, ls, m.finalNorm);
    }

    private static LlamaModel loadAs(LlamaConfig c, TensorSource src, WeightFormat format) {
        LlamaTensors.check(c, src);
        int d = c.hiddenSize();
        FloatMatrix embed = Tensors.matrix(src.get(LlamaTensors.EMBED), format);
        Layer[] layers = new Layer[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(
                    Tensors.vector(src.get(LlamaTensors.layer(l, LlamaTensorNames.ATTN_NORM)), d),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.Q_PROJ)), format),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.K_PROJ)), format),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.V_PROJ)), format),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.O_PROJ)), format),
                    Tensors.vector(src.get(LlamaTensors.layer(l, LlamaTensorNames.MLP_NORM)), d),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.GATE_PROJ)), format),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.UP_PROJ)), format),
                    Tensors.matrix(src.get(LlamaTensors.layer(l, LlamaTensorNames.DOWN_PROJ)), format));
        }
        FloatMatrix head = c.tieWordEmbeddings() ? embed : Tensors.matrix(src.get(LlamaTensors.LM_HEAD), format);
        return new LlamaModel(c, embed, head, layers, Tensors.vector(src.get(LlamaTensors.NORM), d));
    }

    public LlamaConfig config() {
        return config;
    }

    /** "BF16", "Q8_0", ... (the layers' matrices), or "mixed [..]". */
    public String weightFormatName() {
        return weightFormatName;
    }

    /** Decoder layer {@code l}'s weights (the batched forward of {@code ai.maya1.acoustic.batch} reads them). */
    public Layer layer(int l) {
        return layers[l];
    }

    /** The final RMSNorm weight. */
    public float[] finalNormWeight() {
        return finalNorm;
    }

    /** The rotary tables of this model. */
    public Rope rope() {
        return rope;
    }

    public FloatMatrix outputHead() {
        return head;
    }

    public FloatMatrix embedding() {
        return embed;
    }

    /** Bytes of all weight matrices and norms, the head counted once when tied. */
    public long weightBytes() {
        long b = embed.byteSize() + (head == embed ? 0 : head.byteSize()) + 4L * finalNorm.length;
        for (Layer l : layers) {
            b += l.wq.byteSize() + l.wk.byteSize() + l.wv.byteSize() + l.wo.byteSize() + l.gate.byteSize() + l.up.byteSize()
                    + l.down.byteSize() + 4L * (l.attnNorm.length + l.mlpNorm.length);
        }
        return b;
    }

    /** Weight bytes one decode step reads when the head computes {@code headRows} rows (all rows: full logits). */
    public long bytesPerToken(int headRows) {
        long b = weightBytes() - embed.byteSize() - (head == embed ? 0 : head.byteSize());
        return b + head.byteSize() / head.rows() * headRows + embed.byteSize() / embed.rows();
    }

    public KvCache newCache(int capacity, KvCache.Precision precision) {
        return new KvCache(config.numLayers(), config.kvDim(), capacity, precision);
    }

    /**
     * Runs {@code tokens} at positions {@code cache.length() ...}, appends their keys and values to the cache, and
     * returns the final-normed hidden states {@code [T, hidden]} (feed them to {@link #logits}).
     */
    public float[] forward(ComputeExecutor exec, KvCache cache, int[] tokens, Probe probe) {
        final LlamaConfig c = config;
        final int T = tokens.length;
        if (T == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        final int D = c.hiddenSize();
        final int H = c.numHeads();
        final int KV = c.numKvHeads();
        final int hd = c.headDim();
        final int G = H / KV;
        final int qDim = c.qDim();
        final int kvDim = c.kvDim();
        final int I = c.intermediateSize();
        final int pos0 = cache.length();
        for (int t = 0; t < T; t++) {
            if (tokens[t] < 0 || tokens[t] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at position " + (pos0 + t) + " is outside the vocabulary [0, "
                        + c.vocabSize() + ")");
            }
        }
        cache.ensure(pos0 + T);

        float[] x = new float[T * D];
        for (int t = 0; t < T; t++) {
            embed.dequantizeRow(tokens[t], x, t * D);
        }
        emit(probe, "embed_tokens", x, T, D);
        int half = hd / 2;
        float[][] cos = new float[T][half];
        float[][] sin = new float[T][half];
        for (int t = 0; t < T; t++) {
            rope.table(pos0 + t, cos[t], sin[t]);
        }
        float[] a = new float[T * D];
        float[] q = new float[T * qDim];
        float[] k = new float[T * kvDim];
        float[] v = new float[T * kvDim];
        float[] att = new float[T * qDim];
        float[] o = new float[T * D];
        float[] g = new float[T * I];
        float[] u = new float[T * I];
        final float scale = (float) (1.0 / Math.sqrt(hd));
        final int S = pos0 + T;
        for (int l = 0; l < layers.length; l++) {
            Layer L = layers[l];
            String p = "layers." + l + ".";
            for (int t = 0; t < T; t++) {
                VecMath.rmsNorm(x, t * D, L.attnNorm, c.rmsNormEps(), a, t * D, D);
            }
            emit(probe, p + "input_layernorm", a, T, D);
            FloatMatrix.multiMatmul(exec, new FloatMatrix[] {L.wq, L.wk, L.wv}, a, T, new float[][] {q, k, v});
            emit(probe, p + "self_attn.q_proj", q, T, qDim);
            emit(probe, p + "self_attn.k_proj", k, T, kvDim);
            emit(probe, p + "self_attn.v_proj", v, T, kvDim);
            for (int t = 0; t < T; t++) {
                rope.apply(q, t * qDim, H, cos[t], sin[t]);
                rope.apply(k, t * kvDim, KV, cos[t], sin[t]);
                cache.put(l, pos0 + t, k, t * kvDim, v, t * kvDim);
            }
            emit(probe, p + "self_attn.q_rope", q, T, qDim);
            emit(probe, p + "self_attn.k_rope", k, T, kvDim);
            final float[] probs = probe == null ? null : new float[H * T * S];
            final int layer = l;
            java.util.Arrays.fill(att, 0f);
            exec.parallelForRange(T * H, (from, to) -> {
                float[] s = new float[S];
                for (int idx = from; idx < to; idx++) {
                    int t = idx / H;
                    int h = idx % H;
                    int kvh = h / G;
                    int last = pos0 + t; // causal: keys 0..last
                    int qo = t * qDim + h * hd;
                    CausalAttention.attendHead(cache, layer, last, kvh, hd, q, qo, scale, s, att, probs, (h * T + t) * S);
                }
            });
            if (probs != null) {
                probe.record(p + "self_attn.attn_probs", probs, H, T, S);
            }
            emit(probe, p + "self_attn.attn_concat", att, T, qDim);
            L.wo.matmul(exec, att, T, o);
            emit(probe, p + "self_attn.o_proj", o, T, D);
            VecMath.add(x, o, T * D);
            emit(probe, p + "residual_after_attn", x, T, D);
            for (int t = 0; t < T; t++) {
                VecMath.rmsNorm(x, t * D, L.mlpNorm, c.rmsNormEps(), a, t * D, D);
            }
            emit(probe, p + "post_attention_layernorm", a, T, D);
            FloatMatrix.multiMatmul(exec, new FloatMatrix[] {L.gate, L.up}, a, T, new float[][] {g, u});
            emit(probe, p + "mlp.gate_proj", g, T, I);
            emit(probe, p + "mlp.up_proj", u, T, I);
            VecMath.siluMul(g, u, T * I);
            emit(probe, p + "mlp.act_times_up", g, T, I);
            L.down.matmul(exec, g, T, o);
            emit(probe, p + "mlp.down_proj", o, T, D);
            VecMath.add(x, o, T * D);
            emit(probe, p + "output", x, T, D);
        }
        cache.setLength(pos0 + T);
        float[] out = new float[T * D];
        for (int t = 0; t < T; t++) {
            VecMath.rmsNorm(x, t * D, finalNorm, c.rmsNormEps(), out, t * D, D);
        }
        emit(probe, "final_norm", out, T, D);
        return out;
    }

    /** Full logits of every position of {@code hidden} ([T, vocab]). */
    public float[] logits(ComputeExecutor exec, float[] hidden, int tokens) {
        float[] out = new float[tokens * config.vocabSize()];
        head.matmul(exec, hidden, tokens, out);
        return out;
    }

    /** Full logits of position {@code t} of {@code hidden}. */
    public float[] logitsAt(ComputeExecutor exec, float[] hidden, int t) {
        float[] out = new float[config.vocabSize()];
        head.matvecRows(exec, hidden, t * config.hiddenSize(), 0, config.vocabSize(), out, 0);
        return out;
    }

    /** Logits of head rows [rowFrom, rowTo) only, for position {@code t}: {@code out[outOff + r - rowFrom]}. */
    public void logitRows(ComputeExecutor exec, float[] hidden, int t, int rowFrom, int rowTo, float[] out, int outOff) {
        head.matvecRows(exec, hidden, t * config.hiddenSize(), rowFrom, rowTo, out, outOff);
    }

    private static void emit(Probe probe, String name, float[] data, int t, int f) {
        if (probe != null) {
            probe.record(name, java.util.Arrays.copyOf(data, t * f), t, f);
        }
    }

    /** Counts by weight format, for display. */
    public Map<String, Long> bytesByFormat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.merge(embed.dtype().name(), embed.byteSize(), Long::sum);
        for (Layer l : layers) {
            for (FloatMatrix w : new FloatMatrix[] {l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down}) {
                m.merge(w.dtype().name(), w.byteSize(), Long::sum);
            }
        }
        if (head != embed) {
            m.merge(head.dtype().name(), head.byteSize(), Long::sum);
        }
        return m;
    }
}
