package ai.maya1.bench.onnx;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.weights.DType;
import ai.maya1.weights.InMemoryTensorSource;
import ai.maya1.weights.TensorData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Random F32 checkpoints with Hugging Face / SNAC tensor names, off-heap, so the ORT and the pure-Java backends
 * of a benchmark run on exactly the same weights without files.
 */
final class RandomWeights extends InMemoryTensorSource {
    private final Arena arena = Arena.ofShared();
    private final SplittableRandom rng;

    RandomWeights(long seed) {
        super("random");
        rng = new SplittableRandom(seed);
    }

    RandomWeights put(String name, double mean, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment seg = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) {
            // uniform with the requested std (cheaper than Gaussian for hundreds of millions of values)
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) (mean + std * 1.7320508 * (2 * rng.nextDouble() - 1)));
        }
        add(new TensorData(name, DType.F32, shape, seg));
        return this;
    }

    /** A Llama checkpoint (tied embeddings). */
    static RandomWeights llama(int vocab, int hidden, int inter, int layers, int heads, int kv, int headDim) {
        RandomWeights t = new RandomWeights(42);
        t.put(LlamaTensorNames.EMBED, 0, 0.02, vocab, hidden);
        for (int l = 0; l < layers; l++) {
            String p = LlamaTensorNames.layerPrefix(l);
            t.put(p + LlamaTensorNames.Q_PROJ, 0, 0.02, (long) heads * headDim, hidden);
            t.put(p + LlamaTensorNames.K_PROJ, 0, 0.02, (long) kv * headDim, hidden);
            t.put(p + LlamaTensorNames.V_PROJ, 0, 0.02, (long) kv * headDim, hidden);
            t.put(p + LlamaTensorNames.O_PROJ, 0, 0.02, hidden, (long) heads * headDim);
            t.put(p + LlamaTensorNames.GATE_PROJ, 0, 0.02, inter, hidden);
            t.put(p + LlamaTensorNames.UP_PROJ, 0, 0.02, inter, hidden);
            t.put(p + LlamaTensorNames.DOWN_PROJ, 0, 0.02, hidden, inter);
            t.put(p + LlamaTensorNames.ATTN_NORM, 1, 0.05, hidden);
            t.put(p + LlamaTensorNames.MLP_NORM, 1, 0.05, hidden);
        }
        t.put(LlamaTensorNames.NORM, 1, 0.05, hidden);
        return t;
    }

    /** The snac_24khz decoder side (latent 768, decoder 1024 -> 64), parametrizations weight-norm names. */
    static RandomWeights snac24() {
        RandomWeights t = new RandomWeights(1234);
        int latent = 768;
        for (int i = 0; i < 3; i++) {
            String p = "quantizer.quantizers." + i;
            t.put(p + ".codebook.weight", 0, 1, 4096, 8);
            t.wn(p + ".out_proj", latent, 8, 1);
        }
        t.wn("decoder.model.0", latent, 1, 7);
        t.wn("decoder.model.1", 1024, latent, 1);
        int ch = 1024;
        int[] rates = {8, 8, 4, 2};
        for (int k = 0; k < 4; k++) {
            int co = ch / 2;
            String p = "decoder.model." + (k + 2) + ".block.";
            t.put(p + "0.alpha", 1.25, 0.4, 1, ch, 1);
            t.wnTransposed(p + "1", ch, co, 2 * rates[k]);
            t.put(p + "2.linear.parametrizations.weight.original0", 1, 0.2, co, 1, 1);
            t.put(p + "2.linear.parametrizations.weight.original1", 0, 0.05, co, co, 1);
            for (int u = 0; u < 3; u++) {
                String r = p + (3 + u) + ".block.";
                t.put(r + "0.alpha", 1.25, 0.4, 1, co, 1);
                t.wn(r + "1", co, 1, 7);
                t.put(r + "2.alpha", 1.25, 0.4, 1, co, 1);
                t.wn(r + "3", co, co, 1);
            }
            ch = co;
        }
        t.put("decoder.model.6.alpha", 1.25, 0.4, 1, 64, 1);
        t.wn("decoder.model.7", 1, 64, 7);
        return t;
    }

    private void wn(String p, int out, int in, int k) {
        put(p + ".parametrizations.weight.original0", 1, 0.2, out, 1, 1);
        put(p + ".parametrizations.weight.original1", 0, 0.05, out, in, k);
        put(p + ".bias", 0, 0.01, out);
    }

    private void wnTransposed(String p, int in, int out, int k) {
        put(p + ".parametrizations.weight.original0", 1, 0.2, in, 1, 1);
        put(p + ".parametrizations.weight.original1", 0, 0.05, in, out, k);
        put(p + ".bias", 0, 0.01, out);
    }

    @Override
    public void close() {
        arena.close();
    }
}
