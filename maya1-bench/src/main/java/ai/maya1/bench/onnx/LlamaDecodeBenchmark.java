package ai.maya1.bench.onnx;

import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.export.OnnxModel;
import ai.maya1.onnx.lm.LlamaSequence;
import ai.maya1.onnx.lm.OnnxLlama;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.tensor.WeightFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One LM decode step (one token in, full logits out, KV cache appended) with Llama-3.2-1B widths (hidden 2048,
 * MLP 8192, 32 heads / 8 KV heads of 64, vocabulary 128256) and a reduced number of layers, F32 weights, the same
 * random weights for ONNX Runtime (CPU; F32 and MatMulNBits int8) and the pure-Java {@code LlamaModel} (F32).
 * Tokens/s = 1000 / (ms/op).
 *
 * <pre>java -jar maya1-bench/target/benchmarks.jar LlamaDecodeBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LlamaDecodeBenchmark {
    /** ort: F32 graph; ort-int8: MatMulNBits int8 (block 16, accuracy level 4: int8 activations; level 0 ran ~15x slower than F32 on ORT 1.29 CPU); java: pure-Java F32. */
    @Param({"ort", "ort-int8", "java"})
    public String backend;

    @Param({"4"})
    public int layers;

    @Param({"2"})
    public int threads;

    static final int VOCAB = 128256;
    static final int PREFILL = 32;
    static final int CAPACITY = 4096;

    private RandomWeights weights;
    private Path dir;
    private OnnxLlama ort;
    private LlamaSequence seq;
    private LlamaModel java;
    private ComputeExecutor exec;
    private KvCache cache;
    private final int[] one = new int[1];
    private float[] logits;
    private int next;

    String configJson() {
        return """
                {"hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":%d,"num_attention_heads":32,"num_key_value_heads":8,
                 "head_dim":64,"vocab_size":%d,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
                 "max_position_embeddings":131072,"rope_scaling":{"rope_type":"llama3","factor":32.0,"low_freq_factor":1.0,
                 "high_freq_factor":4.0,"original_max_position_embeddings":8192}}""".formatted(layers, VOCAB);
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        weights = RandomWeights.llama(VOCAB, 2048, 8192, layers, 32, 8, 64);
        logits = new float[VOCAB];
        if (backend.startsWith("ort")) {
            dir = Files.createTempDirectory("maya1-bench-lm");
            LlamaGraphConfig cfg = LlamaGraphConfig.parse(new ObjectMapper().readTree(configJson()), Path.of("bench-config.json"));
            LlamaOnnxExporter.Options o = new LlamaOnnxExporter.Options(false, OnnxModel.ExternalData.ALWAYS);
            if (backend.equals("ort-int8")) {
                o = o.withWeightBits(8, 4);
            }
            LlamaOnnxExporter.export(cfg, weights, dir.resolve("model.onnx"), o);
            weights.close(); // ORT holds its own copy
            weights = null;
            ort = OnnxLlama.open(dir.resolve("model.onnx"), OnnxRuntimeConfig.builder().intraOpThreads(threads).build(), threads);
        } else {
            exec = new ComputeExecutor(threads, "bench-lm");
            java = LlamaModel.load(LlamaConfig.parse(configJson(), Path.of("bench-config.json")), weights, WeightFormat.F32);
        }
    }

    @Setup(Level.Iteration)
    public void prefill() {
        int[] prompt = new int[PREFILL];
        for (int i = 0; i < PREFILL; i++) {
            prompt[i] = 1000 + 37 * i;
        }
        if (ort != null) {
            if (seq != null) {
                seq.close();
            }
            seq = ort.newSequence(CAPACITY);
            seq.forward(prompt, logits);
        } else {
            cache = java.newCache(CAPACITY, KvCache.Precision.F32);
            java.forward(exec, cache, prompt, null);
        }
        next = 1234;
    }

    @Benchmark
    public float decodeStep() {
        one[0] = next;
        float r;
        if (ort != null) {
            if (seq.length() + 1 >= CAPACITY) {
                prefill();
            }
            seq.forward(one, logits);
            r = logits[7];
        } else {
            if (cache.length() + 1 >= CAPACITY) {
                prefill();
            }
            float[] hidden = java.forward(exec, cache, one, null);
            float[] l = java.logitsAt(exec, hidden, 0);
            r = l[7];
        }
        next = (next * 31 + 7) % 100000;
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (seq != null) {
            seq.close();
        }
        if (ort != null) {
            ort.close();
        }
        if (exec != null) {
            exec.close();
        }
        if (weights != null) {
            weights.close();
        }
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
