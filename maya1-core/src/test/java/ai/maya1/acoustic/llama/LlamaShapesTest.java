package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.WeightFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Llama shapes beyond the golden one (GQA ratios 1, 3 and 6, head_dim unequal to hidden/heads, odd sizes, untied
 * head), against an independent double-precision restatement: batched prefill logits of every position and the
 * cached decode path (prefill of a prefix, then one token at a time) must both agree with it.
 */
class LlamaShapesTest {
    static ComputeExecutor exec;

    @BeforeAll
    static void up() {
        exec = new ComputeExecutor(2, "shapes");
    }

    @AfterAll
    static void down() {
        exec.close();
    }

    @ParameterizedTest(name = "D={0} H={1} KV={2} d={3} I={4} tied={5}")
    @CsvSource({
            "48, 6, 2, 8, 80, false",   // GQA 3, head_dim*H = hidden
            "40, 6, 1, 12, 72, true",   // MQA, head_dim*H (72) != hidden (40)
            "36, 4, 4, 10, 50, false",  // MHA, odd widths (vector tails)
            "64, 6, 3, 16, 96, true",   // GQA 2
    })
    void matchesTheReference(int hidden, int heads, int kv, int headDim, int inter, boolean tied) {
        LlamaConfig c = new LlamaConfig(hidden, inter, 2, heads, kv, headDim, 97, 1e-5f, 500000.0,
                new LlamaConfig.RopeScaling("llama3", 32, 1, 4, 64), 4096, tied, null);
        RandomLlama w = new RandomLlama(c, hidden * 31L + heads, 0.1f);
        LlamaModel m = LlamaModel.load(c, w, WeightFormat.AS_STORED);
        int[] tokens = {5, 96, 0, 42, 17, 17, 63, 8, 1, 77, 30};
        double[][] ref = ReferenceLlama.logits(c, w, tokens);
        int V = c.vocabSize();

        KvCache cache = m.newCache(tokens.length, KvCache.Precision.F32);
        float[] all = m.logits(exec, m.forward(exec, cache, tokens, null), tokens.length);
        double worst = 0;
        for (int t = 0; t < tokens.length; t++) {
            for (int v = 0; v < V; v++) {
                worst = Math.max(worst, Math.abs(all[t * V + v] - ref[t][v]));
            }
        }
        assertTrue(worst < 1e-4, "prefill max |diff| " + worst);

        KvCache c2 = m.newCache(tokens.length, KvCache.Precision.F32);
        float[] h = m.forward(exec, c2, java.util.Arrays.copyOf(tokens, 4), null);
        worst = 0;
        for (int t = 4; t < tokens.length; t++) {
            h = m.forward(exec, c2, new int[] {tokens[t]}, null);
            float[] step = m.logitsAt(exec, h, 0);
            for (int v = 0; v < V; v++) {
                worst = Math.max(worst, Math.abs(step[v] - ref[t][v]));
            }
        }
        assertTrue(worst < 1e-4, "cached decode max |diff| " + worst);
        assertEquals(tokens.length, c2.length());
    }

    @ParameterizedTest(name = "{0} activations {1}")
    @CsvSource({"BF16, f32, 0.05", "Q8_0, f32, 0.05", "Q8_0, q8, 0.1"}) // q8: weights and activations both rounded to 8 bits
    void convertedWeightsStayClose(String format, String activations, double tol) {
        LlamaConfig c = new LlamaConfig(64, 96, 2, 4, 2, 16, 97, 1e-5f, 500000.0, LlamaConfig.RopeScaling.NONE, 4096, true, null);
        RandomLlama w = new RandomLlama(c, 7, 0.1f);
        int[] tokens = {1, 2, 3, 50, 60};
        LlamaModel f32 = LlamaModel.load(c, w, WeightFormat.AS_STORED);
        LlamaModel conv = LlamaModel.load(c, w, WeightFormat.parse(format), ai.maya1.tensor.ActivationFormat.parse(activations));
        assertEquals(format, conv.weightFormatName());
        float[] a = f32.logits(exec, f32.forward(exec, f32.newCache(8, KvCache.Precision.F32), tokens, null), tokens.length);
        float[] b = conv.logits(exec, conv.forward(exec, conv.newCache(8, KvCache.Precision.F32), tokens, null), tokens.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertTrue(worst < tol && worst > 0, format + " max |diff| " + worst);
    }
}
