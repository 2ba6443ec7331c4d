package ai.maya1.onnx.lm;

import ai.maya1.acoustic.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples one token from logits in Hugging Face generate's order: repetition penalty (over every id seen so far:
 * prompt and generated), temperature, top-k, top-p, min-p. Temperature 0 is greedy (lowest index on ties).
 * Only ids in {@code [allowedFrom, allowedTo)} plus optionally one extra id are candidates (frame-constrained
 * decoding); the work is proportional to the candidate count. Reuses its buffers: one sampler per request.
 */
final class TokenSampler {
    private final SamplingParams p;
    private final SplittableRandom rng;
    private final boolean[] seen;
    private int[] cand = new int[0];
    private float[] val = new float[0];
    private Integer[] order = new Integer[0];

    TokenSampler(SamplingParams p, long seed, int vocab) {
        this.p = p;
        this.rng = new SplittableRandom(seed);
        this.seen = new boolean[vocab];
    }

    void observe(int id) {
        if (id >= 0 && id < seen.length) {
            seen[id] = true;
        }
    }

    /**
     * @param extra an id allowed besides the range, or -1
     */
    int sample(float[] logits, int allowedFrom, int allowedTo, int extra) {
        int n = allowedTo - allowedFrom + (extra >= 0 ? 1 : 0);
        if (cand.length < n) {
            cand = new int[n];
            val = new float[n];
        }
        int k = 0;
        for (int id = allowedFrom; id < allowedTo; id++) {
            cand[k] = id;
            val[k++] = penalized(id, logits[id]);
        }
        if (extra >= 0) {
            cand[k] = extra;
            val[k++] = penalized(extra, logits[extra]);
        }
        if (p.greedy()) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (val[i] > val[best] || (val[i] == val[best] && cand[i] < cand[best])) {
                    best = i;
                }
            }
            return cand[best];
        }
        for (int i = 0; i < n; i++) {
            val[i] /= p.temperature();
        }
        // sort candidates by logit, descending (stable on id)
        if (order.length < n) {
            order = new Integer[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, 0, n, (a, b) -> val[a] != val[b] ? Float.compare(val[b], val[a]) : Integer.compare(cand[a], cand[b]));
        int keep = n;
        if (p.topK() > 0) {
            keep = Math.min(keep, p.topK());
        }
        double max = val[order[0]];
        double[] prob = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            prob[i] = Math.exp(val[order[i]] - max);
            sum += prob[i];
        }
        for (int i = 0; i < keep; i++) {
            prob[i] /= sum;
        }
        if (p.topP() < 1f) {
            double cum = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cum += prob[i];
                if (cum >= p.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
        }
        if (p.minP() > 0f) {
            double thr = p.minP() * prob[0];
            int cut = 1;
            while (cut < keep && prob[cut] >= thr) {
                cut++;
            }
            keep = cut;
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += prob[i];
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            u -= prob[i];
            if (u < 0) {
                return cand[order[i]];
            }
        }
        return cand[order[keep - 1]];
    }

    private float penalized(int id, float logit) {
        float rp = p.repetitionPenalty();
        if (rp != 1f && seen[id]) {
            return logit > 0 ? logit / rp : logit * rp;
        }
        return logit;
    }
}
