package ai.maya1.bench.batch;

import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.batch.BatchingAcousticModel;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.bench.lm.SyntheticWeights;
import ai.maya1.concurrent.ComputeExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

/**
 * {@code streams} concurrent requests of one voice (prefix cached, as IVR traffic) generating {@code tokens} tokens
 * each through the continuous-batching model, on the Llama-3.2-1B shape. Aggregate tokens/s = streams x tokens /
 * time; per-stream RTF = time / (tokens / 7 frames x 85.33 ms of audio). "One after another" takes streams x the
 * streams=1 time by definition (the same requests, sequentially).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
public class BatchStreamsBenchmark {
    @Param({"1", "2", "4", "8", "16", "32"})
    public int streams;

    @Param({"BF16"})
    public String format;

    @Param({"4"})
    public int layers;

    @Param({"28"})
    public int tokens;

    ComputeExecutor exec;
    SyntheticWeights[] weights = new SyntheticWeights[1];
    BatchingAcousticModel am;
    ExecutorService callers;
    int[][] prompts;

    @Setup(Level.Trial)
    public void setUp() {
        exec = ComputeExecutor.withDefaultThreads("bench-batch-streams");
        LlamaModel m = BatchShapes.model(layers, format, weights);
        am = BatchShapes.batching(m, exec, 64, true);
        callers = Executors.newFixedThreadPool(streams);
        prompts = new int[streams][];
        for (int s = 0; s < streams; s++) {
            prompts[s] = BatchShapes.prompt(1, 24, s, 4);
        }
        am.generate(prompts[0], opts(0), (f, i) -> true); // caches the voice prefix
        System.err.printf("%n[batch-streams] llama-1b shape, %d of 16 layers, %s, %d streams x %d tokens, %d threads%n", layers, format,
                streams, tokens, exec.threads());
    }

    GenerationOptions opts(long seed) {
        return new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, seed, tokens, tokens, true, Long.MAX_VALUE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.err.println("[batch-streams] " + am.stats());
        callers.shutdownNow();
        am.close();
        exec.close();
        weights[0].close();
    }

    @Benchmark
    public int concurrentStreams() throws Exception {
        List<Future<Integer>> fs = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int k = s;
            fs.add(callers.submit(() -> am.generate(prompts[k], opts(k + 1), (f, i) -> true).generatedTokens()));
        }
        int total = 0;
        for (Future<Integer> f : fs) {
            total += f.get();
        }
        return total;
    }
}
