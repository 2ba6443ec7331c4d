package ai.maya1.acoustic.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request's output is bit-identical alone, in any batch, with any prefill chunking and with or without prefix
 * reuse; the batched forward agrees with the reference forward pass.
 */
class BatchInvarianceTest {
    static ComputeExecutor exec;

    @BeforeAll
    static void up() {
        exec = new ComputeExecutor(2, "batch-inv");
    }

    @AfterAll
    static void down() {
        exec.close();
    }

    record Out(List<SnacFrame> frames, FinishReason reason, int generated) {
    }

    static BatchingAcousticModel batching(LlamaModel m, BatchConfig cfg) {
        AcousticModelInfo info = new AcousticModelInfo("tiny", "java", m.weightFormatName(), TinyModels.VOCAB, cfg.contextLength(), 0, true);
        return new BatchingAcousticModel(m, info, exec, cfg, null);
    }

    static Out run(BatchingAcousticModel am, int[] prompt, GenerationOptions o) {
        List<SnacFrame> frames = new ArrayList<>();
        GenerationResult r = am.generate(prompt, o, (f, i) -> frames.add(f));
        return new Out(frames, r.finishReason(), r.generatedTokens());
    }

    static GenerationOptions opts(long seed, int maxNew) {
        return new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, seed, maxNew, 28, true, Long.MAX_VALUE);
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "Q8_0"})
    void identicalAloneInBatchesWithAnyChunking(WeightFormat format) throws Exception {
        LlamaModel m = TinyModels.model(format, 3);
        int n = 6;
        int[][] prompts = new int[n][];
        for (int i = 0; i < n; i++) {
            prompts[i] = TinyModels.prompt(i % 2, 20, i, 5 + 3 * i);
        }
        Out[] solo = new Out[n];
        try (BatchingAcousticModel am = batching(m, BatchConfig.builder().maxBatch(1).prefixCache(false).prefillChunk(512).build())) {
            for (int i = 0; i < n; i++) {
                solo[i] = run(am, prompts[i], opts(100 + i, 56));
                assertTrue(solo[i].frames.size() >= 2, solo[i].toString());
            }
        }
        ExecutorService callers = Executors.newFixedThreadPool(n);
        try {
            for (int chunk : new int[] {1, 5}) {
                for (boolean prefixCache : new boolean[] {false, true}) {
                    BatchConfig cfg = BatchConfig.builder().maxBatch(4).prefillChunk(chunk).maxStepTokens(chunk * 2 + 5).prefixCache(prefixCache)
                            .prefixMinShared(8).build();
                    try (BatchingAcousticModel am = batching(m, cfg)) {
                        for (int round = 0; round < 2; round++) { // the second round reuses cached prefixes
                            List<Future<Out>> fs = new ArrayList<>();
                            for (int i = 0; i < n; i++) {
                                int k = i;
                                fs.add(callers.submit(() -> run(am, prompts[k], opts(100 + k, 56))));
                            }
                            for (int i = 0; i < n; i++) {
                                assertEquals(solo[i], fs.get(i).get(), format + " chunk " + chunk + " prefix " + prefixCache + " request " + i);
                            }
                        }
                        BatchStats s = am.stats();
                        assertTrue(s.meanBatch() > 1, "requests really ran batched: " + s);
                        if (prefixCache) {
                            assertTrue(s.prefixHits() > 0, s.toString());
                        }
                    }
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "Q8_0"})
    void batchedForwardMatchesTheReferenceForward(WeightFormat format) {
        LlamaModel m = TinyModels.model(format, 5);
        int[] p = TinyModels.prompt(1, 10, 2, 9);
        float[] ref = m.forward(exec, m.newCache(64, KvCache.Precision.F32), p, null);
        // the same prompt as two chunks, batched with an unrelated request's rows
        BatchForward f = new BatchForward(m);
        SequenceKv kv = new SequenceKv(2, m.config().kvDim(), 64);
        SequenceKv other = new SequenceKv(2, m.config().kvDim(), 64);
        int split = 7;
        float[] h1 = f.forward(exec, new SequenceKv[] {other, kv, kv}, new int[] {5, p[0], p[1]}, new int[] {0, 0, 1}, 3);
        int rest = p.length - 2;
        SequenceKv[] kvs = new SequenceKv[rest + 1];
        int[] toks = new int[rest + 1];
        int[] pos = new int[rest + 1];
        for (int i = 0; i < rest; i++) {
            kvs[i] = kv;
            toks[i] = p[2 + i];
            pos[i] = 2 + i;
        }
        kvs[rest] = other;
        toks[rest] = 9;
        pos[rest] = 1;
        float[] h2 = f.forward(exec, kvs, toks, pos, rest + 1);
        int D = m.config().hiddenSize();
        float[] got = new float[p.length * D];
        System.arraycopy(h1, D, got, 0, 2 * D);
        System.arraycopy(h2, 0, got, 2 * D, rest * D);
        for (int i = 0; i < got.length; i++) {
            assertEquals(ref[i], got[i], 2e-4f * (1 + Math.abs(ref[i])), "element " + i);
        }
        assertTrue(split > 0);
        // and bit-identical to the same rows run alone, one token at a time
        SequenceKv solo = new SequenceKv(2, m.config().kvDim(), 64);
        float[] last = null;
        for (int t = 0; t < p.length; t++) {
            last = f.forward(exec, new SequenceKv[] {solo}, new int[] {p[t]}, new int[] {t}, 1);
        }
        float[] batchedLast = java.util.Arrays.copyOfRange(h2, (rest - 1) * D, rest * D);
        assertArrayEquals(last, batchedLast);
    }
}
