package ai.maya1.acoustic.sampling;

import ai.maya1.acoustic.SamplingParams;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * One request's sampler: its own seeded RNG and the set of ids seen so far (prompt and generated, for the
 * repetition penalty). Applies Hugging Face generate's processors in its order over a candidate set:
 * (the frame constraint has already chosen the candidates) repetition penalty, then, unless greedy, temperature,
 * top-k, top-p, min-p, and draws from the softmax of what is left. Temperature 0 is greedy (argmax after the
 * penalty; ties go to the lowest id, as {@code torch.argmax}).
 *
 * <p>Candidates are given as parallel arrays {@code ids[0..n)} / {@code logits[0..n)}; {@code -Infinity} marks a
 * masked candidate. The logits array is modified in place.
 */
public final class TokenSampler {
    private final SamplingParams params;
    private final SplittableRandom rng;
    private final BitSet seen = new BitSet();
    private Integer[] order = new Integer[0];
    private float[] scratch = new float[0];

    public TokenSampler(SamplingParams params, long seed) {
        this.params = params;
        this.rng = new SplittableRandom(seed);
    }

    public SamplingParams params() {
        return params;
    }

    /** Records ids for the repetition penalty (the prompt, then each sampled token). */
    public void see(int... ids) {
        for (int id : ids) {
            seen.set(id);
        }
    }

    public boolean seen(int id) {
        return seen.get(id);
    }

    /** Samples one id among the candidates. */
    public int sample(int[] ids, float[] logits, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("no candidates");
        }
        float penalty = params.repetitionPenalty();
        if (penalty != 1f) {
            for (int i = 0; i < n; i++) {
                if (seen.get(ids[i])) {
                    float l = logits[i];
                    logits[i] = l > 0 ? l / penalty : l * penalty;
                }
            }
        }
        if (params.greedy()) {
            return ids[argmax(logits, n)];
        }
        float t = params.temperature();
        for (int i = 0; i < n; i++) {
            logits[i] /= t;
        }
        if (params.topK() > 0 && params.topK() < n) {
            topK(logits, n, params.topK());
        }
        if (params.topP() < 1f) {
            topP(logits, n, params.topP());
        }
        if (params.minP() > 0f) {
            minP(logits, n, params.minP());
        }
        return ids[draw(logits, n)];
    }

    static int argmax(float[] l, int n) {
        int best = -1;
        float bv = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (l[i] > bv || best < 0 && l[i] == bv) {
                bv = l[i];
                best = i;
            }
        }
        return best;
    }

    /** HF TopKLogitsWarper: remove logits below the k-th largest. */
    private void topK(float[] l, int n, int k) {
        float[] s = scratch(n);
        System.arraycopy(l, 0, s, 0, n);
        Arrays.sort(s, 0, n);
        float kth = s[n - k];
        for (int i = 0; i < n; i++) {
            if (l[i] < kth) {
                l[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * HF TopPLogitsWarper: sort ascending, cumulative softmax; remove those whose cumulative probability is
     * {@code <= 1 - top_p}; the most likely always stays.
     */
    private void topP(float[] l, int n, float p) {
        Integer[] idx = order(n);
        Arrays.sort(idx, 0, n, (a, b) -> Float.compare(l[a], l[b]));
        float max = l[idx[n - 1]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(l[i] - max);
        }
        double cum = 0;
        float threshold = 1f - p;
        for (int r = 0; r < n - 1; r++) {
            int i = idx[r];
            cum += Math.exp(l[i] - max) / sum;
            if ((float) cum <= threshold) {
                l[i] = Float.NEGATIVE_INFINITY;
            } else {
                break;
            }
        }
    }

    /** HF MinPLogitsWarper: remove tokens whose probability is below {@code min_p · max probability}. */
    private static void minP(float[] l, int n, float minP) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, l[i]);
        }
        // p_i / p_max = exp(l_i - max): no need to normalise
        double cut = Math.log(minP);
        for (int i = 0; i < n; i++) {
            if (l[i] - max < cut) {
                l[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Multinomial draw from softmax(l). */
    private int draw(float[] l, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, l[i]);
        }
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = l[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(l[i] - max);
            sum += w[i];
        }
        double r = rng.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (w[i] > 0) {
                last = i;
                r -= w[i];
                if (r < 0) {
                    return i;
                }
            }
        }
        return last; // rounding left a sliver: the last candidate with weight
    }

    private float[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new float[n];
        }
        return scratch;
    }

    private Integer[] order(int n) {
        if (order.length < n) {
            order = new Integer[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
