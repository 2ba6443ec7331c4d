package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VecMath;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Maya1-vocabulary model whose logits favour invalid ids (text tokens, control tokens, the wrong codebook) still
 * yields only valid frames under constrained decoding; CODE_END only at frame boundaries after 28 tokens; finish
 * reasons; the test-model hook.
 */
class ConstrainedDecodingTest {
    static final int VOCAB = 156_940;
    static ComputeExecutor exec;

    @BeforeAll
    static void up() {
        exec = new ComputeExecutor(2, "constrained");
    }

    @AfterAll
    static void down() {
        exec.close();
    }

    /** Hidden state ~ +e0 for every input; head rows decide the logits through their first column. */
    static LlamaModel model(float invalidBias, float codeEndBias, LlamaConfig.TestModelHook hook) {
        LlamaConfig c = new LlamaConfig(16, 32, 1, 2, 1, 8, VOCAB, 1e-5f, 500000.0, LlamaConfig.RopeScaling.NONE, 4096, false, hook);
        RandomLlama w = new RandomLlama(c, 11, 0.01f);
        float[] emb = w.values.get(LlamaTensors.EMBED);
        for (int r = 0; r < VOCAB; r++) {
            emb[r * 16] = 10f;
        }
        float[] head = w.values.get(LlamaTensors.LM_HEAD);
        java.util.Random rnd = new java.util.Random(5);
        for (int r = 0; r < VOCAB; r++) {
            boolean code = FrameConstraint.isCode(r);
            head[r * 16] = r == FrameConstraint.CODE_END ? codeEndBias : code ? 0.3f * (float) rnd.nextGaussian() : invalidBias;
            if (code) {
                for (int i = 1; i < 16; i++) {
                    head[r * 16 + i] = (float) rnd.nextGaussian();
                }
            }
        }
        return LlamaModel.load(c, w, WeightFormat.AS_STORED);
    }

    static JavaAcousticModel acoustic(LlamaModel m) {
        return new JavaAcousticModel("test", m, null, exec, 2048, 0, KvCache.Precision.F32);
    }

    static final int[] PROMPT = {128259, 128000, 1000, 2000, 3000, 128009, 128260, 128261, 128257};

    @Test
    void onlyValidFramesAlthoughInvalidIdsAreFavoured() {
        LlamaModel m = model(3f, -5f, null);
        // the model really prefers invalid ids: the unconstrained argmax is not a code
        float[] logits = m.logitsAt(exec, m.forward(exec, m.newCache(16, KvCache.Precision.F32), PROMPT, null), PROMPT.length - 1);
        assertTrue(!FrameConstraint.isCode(VecMath.argmax(logits, 0, VOCAB)));
        try (JavaAcousticModel am = acoustic(m)) {
            for (SamplingParams sp : new SamplingParams[] {SamplingParams.MAYA1_DEFAULTS, SamplingParams.GREEDY, new SamplingParams(1.5f, 1f, 0, 0f, 1f)}) {
                List<Integer> tokens = new ArrayList<>();
                List<SnacFrame> frames = new ArrayList<>();
                GenerationResult r = am.generate(PROMPT, new GenerationOptions(sp, 42, 70, 28, true, Long.MAX_VALUE),
                        (f, i) -> frames.add(f), tokens::add);
                assertEquals(FinishReason.MAX_TOKENS, r.finishReason(), r.toString());
                assertEquals(70, tokens.size());
                assertEquals(10, frames.size());
                for (int i = 0; i < tokens.size(); i++) {
                    int slot = i % 7;
                    int id = tokens.get(i);
                    assertTrue(id >= FrameConstraint.slotBase(slot) && id < FrameConstraint.slotBase(slot) + 4096, "token " + i + " = " + id);
                    assertEquals(frames.get(i / 7).toTokens()[slot], id);
                }
            }
            // unconstrained, the same model emits no code at all
            GenerationResult free = am.generate(PROMPT, new GenerationOptions(SamplingParams.GREEDY, 1, 14, 28, false, Long.MAX_VALUE),
                    (f, i) -> true);
            assertEquals(0, free.frames());
            assertEquals(FinishReason.MAX_TOKENS, free.finishReason());
        }
    }

    @Test
    void codeEndOnlyAtAFrameBoundaryAfterTheMinimum() {
        LlamaModel m = model(3f, 8f, null); // CODE_END is the favourite everywhere
        try (JavaAcousticModel am = acoustic(m)) {
            List<Integer> tokens = new ArrayList<>();
            GenerationResult r = am.generate(PROMPT, GenerationOptions.maya1Defaults(7, 500), (f, i) -> true, tokens::add);
            assertEquals(FinishReason.END_OF_SPEECH, r.finishReason());
            assertEquals(29, r.generatedTokens(), "28 code tokens (4 frames), then CODE_END");
            assertEquals(4, r.frames());
            assertEquals(FrameConstraint.CODE_END, tokens.get(28));
            List<Integer> t2 = new ArrayList<>();
            GenerationResult r2 = am.generate(PROMPT, new GenerationOptions(SamplingParams.GREEDY, 7, 500, 30, true, Long.MAX_VALUE),
                    (f, i) -> true, t2::add);
            assertEquals(36, r2.generatedTokens(), "min 30 -> the next boundary after 30 is 35 codes");
            assertEquals(5, r2.frames());
        }
    }

    @Test
    void testModelHookEndsAtTheTargetFrameCount() {
        LlamaModel m = model(3f, -20f, new LlamaConfig.TestModelHook(0.5, 5));
        try (JavaAcousticModel am = acoustic(m)) {
            assertTrue(am.info().testModel());
            int[] longPrompt = new int[20];
            java.util.Arrays.fill(longPrompt, 500);
            GenerationResult r = am.generate(longPrompt, GenerationOptions.maya1Defaults(1, 1000), (f, i) -> true);
            assertEquals(FinishReason.END_OF_SPEECH, r.finishReason());
            assertEquals(10, r.frames(), "round(0.5 * 20)");
            assertEquals(71, r.generatedTokens());
            GenerationResult s = am.generate(PROMPT, GenerationOptions.maya1Defaults(1, 1000), (f, i) -> true);
            assertEquals(5, s.frames(), "min_frames");
        }
    }

    @Test
    void finishReasonsAndSeeds() {
        LlamaModel m = model(3f, -20f, null);
        try (JavaAcousticModel am = acoustic(m)) {
            GenerationResult cancelled = am.generate(PROMPT, GenerationOptions.maya1Defaults(1, 100), (f, i) -> i < 1);
            assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
            assertEquals(2, cancelled.frames());
            GenerationResult late = am.generate(PROMPT, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, 100, 28, true,
                    System.nanoTime() - 1), (f, i) -> true);
            assertEquals(FinishReason.DEADLINE, late.finishReason());
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();
            List<Integer> c = new ArrayList<>();
            am.generate(PROMPT, GenerationOptions.maya1Defaults(123, 21), (f, i) -> true, a::add);
            am.generate(PROMPT, GenerationOptions.maya1Defaults(123, 21), (f, i) -> true, b::add);
            am.generate(PROMPT, GenerationOptions.maya1Defaults(124, 21), (f, i) -> true, c::add);
            assertEquals(a, b, "same seed, same tokens");
            assertNotEquals(a, c, "another seed, other tokens");
            assertThrows(IllegalArgumentException.class, () -> am.generate(new int[] {VOCAB}, GenerationOptions.maya1Defaults(1, 7), (f, i) -> true));
        }
        try (JavaAcousticModel small = new JavaAcousticModel("t", m, null, exec, 2048, 1000, KvCache.Precision.BF16)) {
            assertThrows(KvBudgetExceededException.class, () -> small.generate(PROMPT, GenerationOptions.maya1Defaults(1, 100), (f, i) -> true));
            assertEquals(0, small.kvReservedBytes());
        }
    }
}
