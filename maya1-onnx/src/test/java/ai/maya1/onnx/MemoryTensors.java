package ai.maya1.onnx;

import ai.maya1.weights.DType;
import ai.maya1.weights.InMemoryTensorSource;
import ai.maya1.weights.TensorData;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** An in-memory F32 {@link TensorSource} for tests (random weights without files). */
public final class MemoryTensors extends InMemoryTensorSource {
    private final SplittableRandom rng;

    public MemoryTensors(long seed) {
        super("memory");
        rng = new SplittableRandom(seed);
    }

    public MemoryTensors put(String name, float[] values, long... shape) {
        add(new TensorData(name, DType.F32, shape, MemorySegment.ofArray(values)));
        return this;
    }

    /** Normal(mean, std) values. */
    public MemoryTensors random(String name, double mean, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * gauss());
        }
        return put(name, v, shape);
    }

    private double gauss() {
        double u1 = rng.nextDouble(1e-12, 1.0);
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A random Llama checkpoint with HF names. */
    public static MemoryTensors llama(long seed, int vocab, int hidden, int inter, int layers, int heads, int kv, int headDim) {
        MemoryTensors t = new MemoryTensors(seed);
        t.random("model.embed_tokens.weight", 0, 0.05, vocab, hidden);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            t.random(p + "self_attn.q_proj.weight", 0, 0.1, (long) heads * headDim, hidden);
            t.random(p + "self_attn.k_proj.weight", 0, 0.1, (long) kv * headDim, hidden);
            t.random(p + "self_attn.v_proj.weight", 0, 0.03, (long) kv * headDim, hidden);
            t.random(p + "self_attn.o_proj.weight", 0, 0.03, hidden, (long) heads * headDim);
            t.random(p + "mlp.gate_proj.weight", 0, 0.1, inter, hidden);
            t.random(p + "mlp.up_proj.weight", 0, 0.1, inter, hidden);
            t.random(p + "mlp.down_proj.weight", 0, 0.1, hidden, inter);
            t.random(p + "input_layernorm.weight", 1, 0.1, hidden);
            t.random(p + "post_attention_layernorm.weight", 1, 0.1, hidden);
        }
        t.random("model.norm.weight", 1, 0.1, hidden);
        return t;
    }
}
