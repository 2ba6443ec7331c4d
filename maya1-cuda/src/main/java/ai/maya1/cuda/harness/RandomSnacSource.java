package ai.maya1.cuda.harness;

import ai.maya1.cuda.snac.CudaSnacConfig;
import ai.maya1.weights.DType;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * Random F32 weights for a SNAC decoder of any width (e.g. the real 24 kHz shapes), in the
 * {@code parametrizations.weight.original0/1} naming: v uniform, g = 1 (unit-norm effective rows), Snake alpha 1,
 * biases 0. For benchmarks: the real checkpoint is not needed to time the kernels.
 */
public final class RandomSnacSource implements TensorSource {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final long seed;

    public RandomSnacSource(CudaSnacConfig c, long seed) {
        this.seed = seed;
        int lat = c.latentDim();
        for (int i = 0; i < 3; i++) {
            String q = "quantizer.quantizers." + i;
            shapes.put(q + ".codebook.weight", new long[] {4096, 8});
            conv(q + ".out_proj", lat, 8, 1, true);
        }
        conv("decoder.model.0", lat, 1, 7, true);
        conv("decoder.model.1", c.decoderDim(), lat, 1, true);
        int[] rates = c.decoderRates();
        for (int k = 0; k < rates.length; k++) {
            String p = "decoder.model." + (k + 2) + ".block.";
            int ci = c.channels(k), co = c.channels(k + 1);
            shapes.put(p + "0.alpha", new long[] {1, ci, 1});
            shapes.put(p + "1.bias", new long[] {co});
            shapes.put(p + "1.parametrizations.weight.original0", new long[] {ci, 1, 1});
            shapes.put(p + "1.parametrizations.weight.original1", new long[] {ci, co, 2L * rates[k]});
            int base = 2;
            if (c.noise()) {
                conv(p + "2.linear", co, co, 1, false);
                base = 3;
            }
            for (int j = 0; j < 3; j++) {
                String u = p + (base + j) + ".block.";
                shapes.put(u + "0.alpha", new long[] {1, co, 1});
                conv(u + "1", co, 1, 7, true);
                shapes.put(u + "2.alpha", new long[] {1, co, 1});
                conv(u + "3", co, co, 1, true);
            }
        }
        int last = c.channels(rates.length);
        shapes.put("decoder.model." + (rates.length + 2) + ".alpha", new long[] {1, last, 1});
        conv("decoder.model." + (rates.length + 3), 1, last, 7, true);
    }

    private void conv(String p, long o, long i, long k, boolean bias) {
        if (bias) {
            shapes.put(p + ".bias", new long[] {o});
        }
        shapes.put(p + ".parametrizations.weight.original0", new long[] {o, 1, 1});
        shapes.put(p + ".parametrizations.weight.original1", new long[] {o, i, k});
    }

    @Override
    public SequencedSet<String> names() {
        return new LinkedHashSet<>(shapes.keySet());
    }

    @Override
    public Optional<TensorData> find(String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            return Optional.empty();
        }
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        MemorySegment m = Arena.ofAuto().allocate(4 * n, 64);
        boolean ones = name.endsWith(".alpha") || name.endsWith("original0");
        boolean zeros = name.endsWith(".bias");
        long state = seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
        for (long i = 0; i < n; i++) {
            float v;
            if (ones) {
                v = 1f;
            } else if (zeros) {
                v = 0f;
            } else {
                state += 0x9E3779B97F4A7C15L;
                long z = state;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                v = ((z >>> 40) * 0x1.0p-24f) * 2 - 1;
            }
            m.setAtIndex(F32, i, v);
        }
        return Optional.of(new TensorData(name, DType.F32, shape, m));
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public Path path() {
        return Path.of("random-snac");
    }

    @Override
    public String formatName() {
        return "random f32";
    }

    @Override
    public void close() {
    }
}
