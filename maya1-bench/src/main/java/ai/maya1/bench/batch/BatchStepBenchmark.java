package ai.maya1.bench.batch;

import ai.maya1.acoustic.batch.BatchForward;
import ai.maya1.acoustic.batch.SequenceKv;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.bench.lm.SyntheticWeights;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.BatchGemm;
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
 * Cost of one continuous-batching decode step ({@code batch} requests, one token each, context 128, through all
 * layers and the constrained head of one frame slot) on the Llama-3.2-1B shape: the goal is batch 8 <= 2.5x
 * batch 1 (weights are read once per step for the whole batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class BatchStepBenchmark {
    @Param({"1", "2", "4", "8", "16", "32"})
    public int batch;

    @Param({"BF16"})
    public String format;

    @Param({"4"})
    public int layers;

    ComputeExecutor exec;
    SyntheticWeights[] weights = new SyntheticWeights[1];
    LlamaModel model;
    BatchForward forward;
    SequenceKv[] kv;
    int[] tokens;
    int[] pos;
    float[] logits;
    static final int CONTEXT = 128;

    @Setup(Level.Trial)
    public void setUp() {
        exec = ComputeExecutor.withDefaultThreads("bench-batch-step");
        model = BatchShapes.model(layers, format, weights);
        LlamaConfig c = model.config();
        forward = new BatchForward(model);
        kv = new SequenceKv[batch];
        tokens = new int[batch];
        pos = new int[batch];
        for (int b = 0; b < batch; b++) {
            kv[b] = new SequenceKv(c.numLayers(), c.kvDim(), CONTEXT + 1);
            tokens[b] = 128266 + b;
            pos[b] = CONTEXT;
        }
        // positions [0, CONTEXT) stay zero: attention does the same work over them as over real keys
        logits = new float[batch * 4097];
        System.err.printf("%n[batch-step] llama-1b shape, %d of 16 layers, %s, batch %d, %d threads%n", layers, format, batch, exec.threads());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        exec.close();
        weights[0].close();
    }

    /** One decode step of the whole batch (position CONTEXT rewritten each time) and the 4097 constrained head rows. */
    @Benchmark
    public void step(Blackhole bh) {
        float[] h = forward.forward(exec, kv, tokens, pos, batch);
        BatchGemm.gemm(exec, model.outputHead(), 128266, 128266 + 4096, h, batch, logits, 4097, 0);
        BatchGemm.gemm(exec, model.outputHead(), 128258, 128259, h, batch, logits, 4097, 4096);
        bh.consume(logits[0]);
    }
}
