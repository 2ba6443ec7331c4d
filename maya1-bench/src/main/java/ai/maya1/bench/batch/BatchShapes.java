package ai.maya1.bench.batch;

import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.batch.BatchConfig;
import ai.maya1.acoustic.batch.BatchingAcousticModel;
import ai.maya1.bench.lm.SyntheticWeights;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.DType;

/**
 * The benchmark model: Llama-3.2-1B's shape (hidden 2048, MLP 8192, 32/8 heads of 64) with Maya1's 156960-id
 * vocabulary (constrained decoding needs the SNAC code ids), random weights, {@code layers} of its 16 layers.
 */
final class BatchShapes {
    private BatchShapes() {
    }

    static LlamaConfig llama1b(int layers) {
        LlamaConfig.RopeScaling rs = new LlamaConfig.RopeScaling("llama3", 32, 1, 4, 8192);
        return new LlamaConfig(2048, 8192, layers, 32, 8, 64, 156960, 1e-5f, 500000.0, rs, 131072, true, null);
    }

    static LlamaModel model(int layers, String format, SyntheticWeights[] keep) {
        LlamaConfig c = llama1b(layers);
        keep[0] = new SyntheticWeights(c, DType.valueOf(format), 7);
        return LlamaModel.load(c, keep[0], WeightFormat.AS_STORED);
    }

    static BatchingAcousticModel batching(LlamaModel m, ComputeExecutor exec, int maxBatch, boolean prefixCache) {
        BatchConfig cfg = BatchConfig.builder().maxBatch(maxBatch).maxQueue(1024).kvBudgetBytes(3L << 30).contextLength(1024)
                .prefixCache(prefixCache).prefillChunk(64).maxStepTokens(128).build();
        AcousticModelInfo info = new AcousticModelInfo("llama-1b-random", "java", m.weightFormatName(), m.config().vocabSize(), 1024,
                m.config().parameterCount(), false);
        return new BatchingAcousticModel(m, info, exec, cfg, null);
    }

    /** A Maya1-like prompt: SOH BOS, a voice description of {@code voiceLen} ids, text, EOT EOH SOA SOS. */
    static int[] prompt(int voice, int voiceLen, int text, int textLen) {
        int[] p = new int[2 + voiceLen + textLen + 4];
        int i = 0;
        p[i++] = 128259;
        p[i++] = 128000;
        java.util.Random v = new java.util.Random(voice);
        for (int k = 0; k < voiceLen; k++) {
            p[i++] = 1000 + v.nextInt(20000);
        }
        java.util.Random t = new java.util.Random(text * 131L + 1);
        for (int k = 0; k < textLen; k++) {
            p[i++] = 1000 + t.nextInt(60000);
        }
        p[i++] = 128009;
        p[i++] = 128260;
        p[i++] = 128261;
        p[i] = 128257;
        return p;
    }
}
