package ai.maya1.acoustic.batch;

import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.llama.LlamaTensors;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.DType;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SequencedSet;

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
        return LlamaModel.load(config(new LlamaConfig.TestModelHook(0.1, 2)), new Source(config(null), seed), format);
    }

    /** Without the hook: runs until max tokens (CODE_END is one candidate of 4097 at a frame boundary). */
    static LlamaModel endless(long seed) {
        return LlamaModel.load(config(null), new Source(config(null), seed), WeightFormat.F32);
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

    static final class Source implements TensorSource {
        private final Map<String, float[]> values = new LinkedHashMap<>();
        private final Map<String, long[]> shapes = new LinkedHashMap<>();

        Source(LlamaConfig c, long seed) {
            Random rnd = new Random(seed);
            for (Map.Entry<String, long[]> e : LlamaTensors.expected(c).entrySet()) {
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                float[] v = new float[(int) n];
                boolean norm = e.getValue().length == 1;
                for (int i = 0; i < v.length; i++) {
                    v[i] = norm ? 1f + 0.1f * (float) rnd.nextGaussian() : 0.5f * (float) rnd.nextGaussian();
                }
                values.put(e.getKey(), v);
                shapes.put(e.getKey(), e.getValue());
            }
        }

        @Override
        public SequencedSet<String> names() {
            return new LinkedHashSet<>(values.keySet());
        }

        @Override
        public Optional<TensorData> find(String name) {
            float[] v = values.get(name);
            return v == null ? Optional.empty() : Optional.of(new TensorData(name, DType.F32, shapes.get(name), MemorySegment.ofArray(v)));
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Path path() {
            return Path.of("<tiny-random>");
        }

        @Override
        public String formatName() {
            return "random";
        }

        @Override
        public void close() {
        }
    }
}
