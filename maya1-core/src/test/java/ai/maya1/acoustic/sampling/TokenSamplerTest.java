package ai.maya1.acoustic.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.SamplingParams;
import org.junit.jupiter.api.Test;

/** Hugging Face semantics of each processor, the order, greedy, and the per-request seeded RNG. */
class TokenSamplerTest {
    static final int[] IDS = {10, 11, 12, 13};

    static float[] logProbs(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i]);
        }
        return l;
    }

    static int[] histogram(SamplingParams sp, float[] logits, int draws, long seed) {
        TokenSampler s = new TokenSampler(sp, seed);
        int[] h = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            h[s.sample(IDS, logits.clone(), logits.length) - 10]++;
        }
        return h;
    }

    @Test
    void greedyTakesTheArgmaxAfterTheRepetitionPenalty() {
        TokenSampler s = new TokenSampler(new SamplingParams(0f, 1f, 0, 0f, 1.1f), 1);
        assertEquals(10, s.sample(IDS, new float[] {2.0f, 1.9f, 0f, -1f}, 4));
        s.see(10);
        assertEquals(11, s.sample(IDS, new float[] {2.0f, 1.9f, 0f, -1f}, 4), "2.0/1.1 < 1.9");
        assertEquals(11, s.sample(IDS, new float[] {-1.0f, -1.05f, -3f, -4f}, 4), "negative logits are multiplied: -1.1 < -1.05");
        assertEquals(10, new TokenSampler(SamplingParams.GREEDY, 1).sample(IDS, new float[] {1f, 1f, 0f, 0f}, 4), "ties go to the lowest");
    }

    @Test
    void temperatureOneSamplesTheSoftmax() {
        int[] h = histogram(new SamplingParams(1f, 1f, 0, 0f, 1f), logProbs(0.6, 0.3, 0.08, 0.02), 40_000, 3);
        assertEquals(0.6, h[0] / 40_000.0, 0.015);
        assertEquals(0.3, h[1] / 40_000.0, 0.015);
        assertEquals(0.08, h[2] / 40_000.0, 0.01);
        assertTrue(h[3] > 0);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // ascending cumulative: 0.02, 0.10, 0.40, 1.0; top_p 0.65 removes those with cum <= 0.35
        int[] h = histogram(new SamplingParams(1f, 0.65f, 0, 0f, 1f), logProbs(0.6, 0.3, 0.08, 0.02), 5000, 4);
        assertEquals(0, h[2] + h[3]);
        assertTrue(h[0] > 0 && h[1] > 0);
        int[] one = histogram(new SamplingParams(1f, 0.1f, 0, 0f, 1f), logProbs(0.6, 0.3, 0.08, 0.02), 500, 4);
        assertEquals(500, one[0], "the most likely always stays");
    }

    @Test
    void topKAndMinP() {
        int[] k = histogram(new SamplingParams(1f, 1f, 2, 0f, 1f), logProbs(0.4, 0.3, 0.2, 0.1), 5000, 5);
        assertEquals(0, k[2] + k[3]);
        assertTrue(k[0] > 0 && k[1] > 0);
        // min_p 0.4: threshold 0.16 keeps 0.4, 0.3, 0.2
        int[] m = histogram(new SamplingParams(1f, 1f, 0, 0.4f, 1f), logProbs(0.4, 0.3, 0.2, 0.1), 5000, 6);
        assertEquals(0, m[3]);
        assertTrue(m[2] > 0);
    }

    @Test
    void lowTemperatureSharpens() {
        int[] h = histogram(new SamplingParams(0.1f, 1f, 0, 0f, 1f), logProbs(0.5, 0.4, 0.05, 0.05), 5000, 7);
        assertTrue(h[0] > 4500, "T=0.1 puts ~90 % on the top token: " + h[0]);
    }

    @Test
    void maskedCandidatesAreNeverDrawnAndSeedsReplay() {
        float[] l = {0f, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        assertEquals(0, histogram(SamplingParams.MAYA1_DEFAULTS, l, 2000, 8)[1] + histogram(SamplingParams.MAYA1_DEFAULTS, l, 2000, 8)[3]);
        int[] a = histogram(SamplingParams.MAYA1_DEFAULTS, logProbs(0.3, 0.3, 0.2, 0.2), 50, 99);
        int[] b = histogram(SamplingParams.MAYA1_DEFAULTS, logProbs(0.3, 0.3, 0.2, 0.2), 50, 99);
        assertArrayEquals(a, b);
        TokenSampler s1 = new TokenSampler(SamplingParams.MAYA1_DEFAULTS, 1);
        TokenSampler s2 = new TokenSampler(SamplingParams.MAYA1_DEFAULTS, 2);
        StringBuilder x = new StringBuilder();
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            x.append(s1.sample(IDS, logProbs(0.3, 0.3, 0.2, 0.2), 4));
            y.append(s2.sample(IDS, logProbs(0.3, 0.3, 0.2, 0.2), 4));
        }
        assertFalse(x.toString().equals(y.toString()), "different seeds, different draws");
    }
}
