package ai.maya1.bench.vocoder;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.vocoder.snac.SnacDecoder;
import ai.maya1.vocoder.snac.SnacStream;
import ai.maya1.vocoder.snac.SnacStreamOptions;
import ai.maya1.vocoder.snac.SnacWeights;
import java.util.Arrays;
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

/**
 * Full-width snac_24khz decoder (random weights with the real shapes, seeded noise on) decoding {@link #FRAMES}
 * frames (1.37 s of audio): offline, exact streaming one frame per push, and low-latency streaming, on 1 and 2
 * threads. Real-time factor = 1365.3 ms / score.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar maya1-bench/target/benchmarks.jar SnacDecoderBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class SnacDecoderBenchmark {
    public static final int FRAMES = 16;

    @Param({"1", "2"})
    public int threads;

    private ComputeExecutor executor;
    private SnacDecoder decoder;
    private SnacFrame[] frames;
    private SnacCodes codes;

    @Setup(Level.Trial)
    public void setUp() {
        executor = new ComputeExecutor(threads, "bench-snac");
        decoder = new SnacDecoder(SnacWeights.random(SnacConfig.snac24khz(), 1), executor);
        SplittableRandom r = new SplittableRandom(2);
        frames = new SnacFrame[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            frames[i] = new SnacFrame(r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096),
                    r.nextInt(4096));
        }
        codes = SnacCodes.of(Arrays.asList(frames));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }

    @Benchmark
    public float[] offline() {
        return decoder.decode(codes, NoiseMode.seeded(1))[0];
    }

    @Benchmark
    public long streamOneFramePerPush() {
        long n = 0;
        try (SnacStream s = decoder.openStream(NoiseMode.seeded(1))) {
            for (SnacFrame f : frames) {
                n += s.push(f).length;
            }
            n += s.flush().length;
        }
        return n;
    }

    @Benchmark
    public long lowLatencyOneFramePerPush() {
        long n = 0;
        try (SnacStream s = decoder.openStream(NoiseMode.seeded(1), SnacStreamOptions.builder().lowLatency(true).build())) {
            for (SnacFrame f : frames) {
                n += s.push(f).length;
            }
            n += s.flush().length;
        }
        return n;
    }
}
