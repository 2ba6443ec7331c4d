package ai.maya1.acoustic.llama;

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

/** In-memory random Llama checkpoints of any shape (F32 tensors with Hugging Face names) for tests. */
public final class RandomLlama implements TensorSource {
    final Map<String, float[]> values = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    /** Norm weights 1 + 0.1·N(0,1), every other tensor {@code scale}·N(0,1), drawn in expected-tensor order. */
    public RandomLlama(LlamaConfig c, long seed, float scale) {
        Random rnd = new Random(seed);
        for (Map.Entry<String, long[]> e : LlamaTensors.expected(c).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            boolean norm = e.getValue().length == 1;
            for (int i = 0; i < v.length; i++) {
                v[i] = norm ? 1f + 0.1f * (float) rnd.nextGaussian() : scale * (float) rnd.nextGaussian();
            }
            values.put(e.getKey(), v);
            shapes.put(e.getKey(), e.getValue());
        }
    }

    float[] get(String name, boolean unused) {
        return values.get(name);
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
        return Path.of("<random>");
    }

    @Override
    public String formatName() {
        return "random";
    }

    @Override
    public void close() {
    }
}
