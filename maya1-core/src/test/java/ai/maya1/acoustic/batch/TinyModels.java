package ai.maya1.acoustic.batch;

import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.llama.RandomLlama;
import ai.maya1.tensor.WeightFormat;
import java.util.Random;

/** Tiny random Llama models with the Maya1 vocabulary (constrained decoding works) for the scheduler's tests. */
final class TinyModels {
    static final int VOCAB = 156_940;

    private TinyModels() {
    }

    static LlamaConfig config(LlamaConfig.TestModelHook hook) {
        return new LlamaConfig(32, 64, 2, 4, 2, 8, VOCAB, 1e-5f, 500000.0, LlamaConfig.RopeScaling.NONE, 4096, true, hook);
    }

    /** With the test-model hook: ends after max(2, 0.1 x prompt tokens) frames. */
    static LlamaModel model(WeightFormat format, long seed) {
        return LlamaModel.load(config(new LlamaConfig.TestModelHook(0.1, 2)), weights(config(null), seed), format);
    }

    /** Without the hook: runs until max tokens (CODE_END is one candidate of 4097 at a frame boundary). */
    static LlamaModel endless(long seed) {
        return LlamaModel.load(config(null), weights(config(null), seed), WeightFormat.F32);
    }

    /** A Maya1-shaped prompt: SOH BOS, a "voice" of {@code voiceLen} ids, text ids, EOT EOH SOA SOS. */
    static int[] prompt(int voice, int voiceLen, int textSeed, int textLen) {
        int[] p = new int[2 + voiceLen + textLen + 4];
        int i = 0;
        p[i++] = 128259;
        p[i++] = 128000;
        Random v = new Random(voice);
        for (int k = 0; k < voiceLen; k++) {
            p[i++] = 1000 + v.nextInt(20000);
        }
        Random t = new Random(textSeed * 31L + 7);
        for (int k = 0; k < textLen; k++) {
            p[i++] = 1000 + t.nextInt(60000);
        }
        p[i++] = 128009;
        p[i++] = 128260;
        p[i++] = 128261;
        p[i] = 128257;
        return p;
    }

    /** Random F32 weights of {@code c}: norms 1 + 0.1·N(0,1), other tensors 0.5·N(0,1). */
    static RandomLlama weights(LlamaConfig c, long seed) {
        return new RandomLlama(c, seed, 0.5f);
    }
}
