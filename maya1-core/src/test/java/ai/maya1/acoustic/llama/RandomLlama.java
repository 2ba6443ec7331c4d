package ai.maya1.acoustic.llama;

import ai.maya1.weights.DType;
import ai.maya1.weights.InMemoryTensorSource;
import ai.maya1.weights.TensorData;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** In-memory random Llama checkpoints of any shape (F32 tensors with Hugging Face names) for tests. */
public final class RandomLlama extends InMemoryTensorSource {
    /** The values behind each tensor (shared with the tensors, so tests may read them directly). */
    final Map<String, float[]> values = new LinkedHashMap<>();

    /** Norm weights 1 + 0.1·N(0,1), every other tensor {@code scale}·N(0,1), drawn in expected-tensor order. */
    public RandomLlama(LlamaConfig c, long seed, float scale) {
        super("random");
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
            add(new TensorData(e.getKey(), DType.F32, e.getValue(), MemorySegment.ofArray(v)));
        }
    }
}
