package ai.maya1.acoustic.llama;

/**
 * One query head's causal attention over a KV cache: scores, softmax (max subtracted first, float32) and the
 * probability-weighted sum of values. Shared by the per-request forward pass ({@link LlamaModel}) and the batched
 * one, so both perform the same operations in the same order (the batched path's bit-identity to solo runs rests on
 * that).
 */
public final class CausalAttention {
    private CausalAttention() {
    }

    /** Cached keys and values of one sequence, as attention reads them. */
    public interface KeyValues {
        /** {@code q[qOff..qOff+hd) · key(layer, pos, head)}. */
        float dotKey(int layer, int pos, int head, int hd, float[] q, int qOff);

        /** {@code out[outOff..outOff+hd) += p · value(layer, pos, head)}. */
        void addValue(int layer, int pos, int head, int hd, float p, float[] out, int outOff);
    }

    /**
     * Adds {@code softmax(q·k_j · scale) · v_j} over keys {@code j = 0..last} to {@code out[qo..qo+hd)}.
     *
     * @param scores scratch of at least {@code last + 1} floats
     * @param probs  where to record the probabilities ({@code probs[probsOff + j]}), or null
     */
    public static void attendHead(KeyValues cache, int layer, int last, int kvHead, int hd, float[] q, int qo, float scale,
                                  float[] scores, float[] out, float[] probs, int probsOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= last; j++) {
            scores[j] = cache.dotKey(layer, j, kvHead, hd, q, qo) * scale;
            max = Math.max(max, scores[j]);
        }
        float sum = 0f;
        for (int j = 0; j <= last; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            sum += scores[j];
        }
        float inv = 1f / sum;
        for (int j = 0; j <= last; j++) {
            float pj = scores[j] * inv;
            cache.addValue(layer, j, kvHead, hd, pj, out, qo);
            if (probs != null) {
                probs[probsOff + j] = pj;
            }
        }
    }
}
