package ai.maya1.cuda.harness;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.cuda.llama.CudaLlamaConfig;
import ai.maya1.weights.DType;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * A random-weight Llama with any shapes (e.g. the real 3.3 B Maya1 shapes) as BF16 tensors in off-heap memory,
 * generated lazily and deterministically from a seed. For benchmarks and GPU tests: no checkpoint download needed.
 * Linear weights are uniform in +-sqrt(3/in) (unit-variance outputs), norms are 1.
 */
public final class RandomLlamaSource implements TensorSource {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The 3.3 B shapes take ~10 s on one core; the GPU machine's host has many. */
    private static final int FILL_THREADS = Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors()));
    private final CudaLlamaConfig cfg;
    private final long seed;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private volatile boolean closed;

    public RandomLlamaSource(CudaLlamaConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
        int d = cfg.hiddenSize(), hd = cfg.headDim();
        shapes.put(LlamaTensorNames.EMBED, new long[] {cfg.vocabSize(), d});
        for (int l = 0; l < cfg.layers(); l++) {
            String p = LlamaTensorNames.layerPrefix(l);
            shapes.put(p + LlamaTensorNames.ATTN_NORM, new long[] {d});
            shapes.put(p + LlamaTensorNames.Q_PROJ, new long[] {(long) cfg.heads() * hd, d});
            shapes.put(p + LlamaTensorNames.K_PROJ, new long[] {(long) cfg.kvHeads() * hd, d});
            shapes.put(p + LlamaTensorNames.V_PROJ, new long[] {(long) cfg.kvHeads() * hd, d});
            shapes.put(p + LlamaTensorNames.O_PROJ, new long[] {d, (long) cfg.heads() * hd});
            shapes.put(p + LlamaTensorNames.MLP_NORM, new long[] {d});
            shapes.put(p + LlamaTensorNames.GATE_PROJ, new long[] {cfg.intermediateSize(), d});
            shapes.put(p + LlamaTensorNames.UP_PROJ, new long[] {cfg.intermediateSize(), d});
            shapes.put(p + LlamaTensorNames.DOWN_PROJ, new long[] {d, cfg.intermediateSize()});
        }
        shapes.put(LlamaTensorNames.NORM, new long[] {d});
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
        MemorySegment m = Arena.ofAuto().allocate(2 * n, 64); // freed by GC once uploaded
        if (shape.length == 1) {
            short one = (short) (Float.floatToRawIntBits(1f) >>> 16);
            for (long i = 0; i < n; i++) {
                m.setAtIndex(I16, i, one);
            }
        } else {
            float a = (float) Math.sqrt(3.0 / shape[1]);
            long base = seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
            // element i depends only on (base, i): large tensors are filled in parallel slices with the same values
            int parts = n < (1L << 22) ? 1 : Math.min(FILL_THREADS, (int) (n >> 20));
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < parts; k++) {
                long from = n * k / parts, to = n * (k + 1) / parts;
                threads.add(Thread.ofPlatform().name("random-weights-" + k).start(() -> fill(m, base, a, from, to)));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while making random weights for " + name, e);
                }
            }
        }
        return Optional.of(new TensorData(name, DType.BF16, shape, m));
    }

    private static void fill(MemorySegment m, long base, float a, long from, long to) {
        long state = base + from * 0x9E3779B97F4A7C15L;
        for (long i = from; i < to; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            float u = ((z >>> 40) * 0x1.0p-24f) * 2 - 1;
            m.setAtIndex(I16, i, (short) (Float.floatToRawIntBits(u * a) >>> 16));
        }
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of("generator", "RandomLlamaSource seed " + seed);
    }

    @Override
    public Path path() {
        return Path.of("random-llama");
    }

    @Override
    public String formatName() {
        return "random bf16";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
