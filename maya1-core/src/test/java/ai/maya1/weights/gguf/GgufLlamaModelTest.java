package ai.maya1.weights.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.testing.Golden;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end through the Java Llama: the config built from GGUF metadata plus the un-permuted GGUF tensors
 * give exactly the logits of the golden safetensors model; the Q8_0 / Q4_0 files (quantized by the gguf
 * package) run and stay close to the float reference.
 */
class GgufLlamaModelTest {
    static final int[] PROMPT = {212, 50, 184, 260, 123, 80, 250};
    static ComputeExecutor exec;

    @BeforeAll
    static void start() {
        exec = new ComputeExecutor(2, "test-gguf");
    }

    @AfterAll
    static void stop() {
        exec.close();
    }

    static float[] logits(LlamaConfig c, TensorSource src) {
        LlamaModel m = LlamaModel.load(c, src, WeightFormat.AS_STORED);
        float[] h = m.forward(exec, m.newCache(16, KvCache.Precision.F32), PROMPT, null);
        return m.logits(exec, h, PROMPT.length);
    }

    @Test
    void bf16GgufGivesTheSafetensorsLogitsExactly() {
        float[] want;
        try (SafetensorsFile st = SafetensorsFile.open(Golden.golden("llama/model-bf16.safetensors"))) {
            want = logits(LlamaConfig.load(Golden.golden("llama/config.json")), st);
        }
        try (GgufFile g = GgufFile.open(GgufFileTest.fixture("tiny_llama_bf16.gguf"))) {
            LlamaConfig c = LlamaConfig.parse(g.llamaConfigJson(), g.path());
            assertArrayEquals(want, logits(c, g));
        }
    }

    @Test
    void quantizedGgufsRunCloseToTheFloatModel() {
        float[] ref = Golden.readF32(Golden.golden("llama/len7_f32_all_position_logits.f32"));
        int vocab = 300;
        for (String f : new String[] {"tiny_llama_q8_0.gguf", "tiny_llama_q4_0.gguf"}) {
            try (GgufFile g = GgufFile.open(GgufFileTest.fixture(f))) {
                float[] got = logits(LlamaConfig.parse(g.llamaConfigJson(), g.path()), g);
                double maxDiff = 0;
                for (int i = 0; i < ref.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
                }
                // a wrong q/k row order gives ~0.7 (golden README); 4-bit noise on this random model is ~0.46 (measured)
                double bound = f.contains("q8") ? 0.08 : 1.0;
                assertTrue(maxDiff < bound, f + " max |logit diff| " + maxDiff);
                int last = (PROMPT.length - 1) * vocab;
                if (f.contains("q8")) {
                    assertEquals(VecMath.argmax(ref, last, vocab), VecMath.argmax(got, last, vocab), f);
                }
            }
        }
    }
}
