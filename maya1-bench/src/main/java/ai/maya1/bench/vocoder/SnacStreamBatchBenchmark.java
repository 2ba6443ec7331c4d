package ai.maya1.bench.vocoder;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.vocoder.snac.SnacDecoder;
import ai.maya1.vocoder.snac.SnacStream;
import ai.maya1.vocoder.snac.SnacStreamBatch;
import ai.maya1.vocoder.snac.SnacStreamOptions;
import ai.maya1.vocoder.snac.SnacWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Many concurrent exact SNAC streams (full-width snac_24khz, random weights with the real shapes, seeded noise
 * on), one frame (85.3 ms of audio) per stream per step: {@code batched} decodes the step of all streams with one
 * {@link SnacStreamBatch} call (each dense layer's weights read once for the whole batch), {@code oneByOne} pushes
 * each stream on its own. Both score the time of one step of all {@link #streams}; their ratio is the batching
 * speed-up. Streams are pre-aged past the look-ahead, so every step emits 2048 samples per stream.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar maya1-bench/target/benchmarks.jar SnacStreamBatchBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class SnacStreamBatchBenchmark {
    @Param({"1", "4", "8", "16"})
    public int streams;

    @Param({"1"})
    public int threads;

    private ComputeExecutor executor;
    private SnacDecoder decoder;
    private final List<SnacStream> batchedStreams = new ArrayList<>();
    private final List<SnacStream> soloStreams = new ArrayList<>();
    private final List<SnacFrame[]> step = new ArrayList<>();
    private final SnacStreamBatch batch = new SnacStreamBatch();

    @Setup(Level.Trial)
    public void setUp() {
        executor = new ComputeExecutor(threads, "bench-snac-batch");
        decoder = new SnacDecoder(SnacWeights.random(SnacConfig.snac24khz(), 1), executor);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < streams; i++) {
            SnacFrame[] warm = new SnacFrame[4];
            for (int k = 0; k < warm.length; k++) {
                warm[k] = frame(r);
            }
            SnacStream a = decoder.openStream(NoiseMode.seeded(9), SnacStreamOptions.exact(), i);
            SnacStream b = decoder.openStream(NoiseMode.seeded(9), SnacStreamOptions.exact(), i);
            a.push(warm);
            b.push(warm);
            batchedStreams.add(a);
            soloStreams.add(b);
            step.add(new SnacFrame[] {frame(r)});
        }
    }

    private static SnacFrame frame(SplittableRandom r) {
        return new SnacFrame(r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096),
                r.nextInt(4096));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }

    @Benchmark
    public void batched(Blackhole bh) {
        bh.consume(batch.push(batchedStreams, step));
    }

    @Benchmark
    public void oneByOne(Blackhole bh) {
        for (int i = 0; i < streams; i++) {
            bh.consume(soloStreams.get(i).push(step.get(i)));
        }
    }
}
