package ai.maya1.bench.lm;

import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.DType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One decode step (a token through every layer with the KV cache, then the output head) of random-weight models
 * with real shapes: Maya1 / Llama-3.2-3B ({@code maya1-3b}: hidden 3072, 24/8 heads, vocab 156960; {@code layers}
 * may be lowered to stay under the memory budget, scale per-layer time to 28) and Llama-3.2-1B ({@code llama-1b}: its body with the Maya1 vocabulary of 156960, so the SNAC rows exist).
 * {@code head=constrained} computes the 4097 rows the SNAC frame grammar allows, {@code full} all rows.
 * The setup prints the weight bytes each token reads; tokens/s roofline = triad GB/s / bytes per token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class DecodeBenchmark {
    @Param({"maya1-3b"})
    public String shape;

    @Param({"BF16", "Q8_0", "Q4_0"})
    public String format;

    @Param({"28"})
    public int layers;

    @Param({"constrained"})
    public String head;

    @Param({"0"})
    public int threads;

    ComputeExecutor exec;
    SyntheticWeights weights;
    LlamaModel model;
    KvCache cache;
    float[] logits;
    int prompt = 64;
    int token = 128266;

    static LlamaConfig config(String shape, int layers) {
        LlamaConfig.RopeScaling rs = new LlamaConfig.RopeScaling("llama3", 32, 1, 4, 8192);
        return switch (shape) {
            case "maya1-3b" -> new LlamaConfig(3072, 8192, layers, 24, 8, 128, 156960, 1e-5f, 500000.0, rs, 131072, true, null);
            case "llama-1b" -> new LlamaConfig(2048, 8192, Math.min(layers, 16), 32, 8, 64, 156960, 1e-5f, 500000.0, rs, 131072, true, null);
            default -> throw new IllegalArgumentException(shape);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        exec = new ComputeExecutor(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), "bench-decode");
        LlamaConfig c = config(shape, layers);
        weights = new SyntheticWeights(c, DType.valueOf(format), 99);
        model = LlamaModel.load(c, weights, WeightFormat.AS_STORED);
        cache = model.newCache(prompt + 4096, KvCache.Precision.F32);
        int[] p = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            p[i] = 128000 + i;
        }
        model.forward(exec, cache, p, null);
        logits = new float[c.vocabSize()];
        int rows = head.equals("full") ? c.vocabSize() : FrameConstraint.MAX_CANDIDATES;
        System.err.printf("%n[lm-decode] %s %s layers=%d head=%s: %.1f MiB weights, %.1f MiB read per token, %d threads%n", shape, format,
                c.numLayers(), head, model.weightBytes() / 1048576.0, model.bytesPerToken(rows) / 1048576.0, exec.threads());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        exec.close();
        weights.close();
    }

    /** A 64-token prompt as one batched prefill (fresh cache each time; last position's constrained head rows). */
    @Benchmark
    public void prefill64(Blackhole bh) {
        KvCache c = model.newCache(prompt, KvCache.Precision.F32);
        int[] p = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            p[i] = 128000 + 7 * i;
        }
        float[] h = model.forward(exec, c, p, null);
        model.logitRows(exec, h, prompt - 1, 128266, 128266 + 4096, logits, 0);
        bh.consume(logits[0]);
    }

    /** One token: all layers with the KV cache (context 64..~2000), then the head rows. */
    @Benchmark
    public void decodeStep(Blackhole bh) {
        if (cache.length() >= cache.capacity() - 1) {
            cache.truncate(prompt);
        }
        float[] h = model.forward(exec, cache, new int[] {token}, null);
        if (head.equals("full")) {
            model.logitRows(exec, h, 0, 0, logits.length, logits, 0);
        } else {
            model.logitRows(exec, h, 0, 128266, 128266 + 4096, logits, 0);
            model.logitRows(exec, h, 0, FrameConstraint.CODE_END, FrameConstraint.CODE_END + 1, logits, 4096);
        }
        token = 128266 + (token + 1) % 4096;
        bh.consume(logits[0]);
    }
}
