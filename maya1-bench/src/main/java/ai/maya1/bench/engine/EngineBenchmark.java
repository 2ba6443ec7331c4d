package ai.maya1.bench.engine;

import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
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
 * End-to-end synthesis on the built-in test model (test model: output is not speech), one stream: wall time per
 * request plus, as auxiliary counters averaged per request, time to first audio, real-time factor and the split of
 * the wall time into LM (prefill + decode, on the LM thread), vocoder (SNAC on the caller thread, overlapping the LM)
 * and other (wall - LM: tokenizing, queueing, the vocoder tail after the last frame, joining, encoding).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar maya1-bench/target/benchmarks.jar EngineBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class EngineBenchmark {

    /** Text length: a short sentence or a paragraph that is split into pieces. */
    @Param({"short", "paragraph"})
    public String text;

    @Param({"2"})
    public int threads;

    Maya1Tts tts;
    SpeechRequest request;

    static final String SHORT = "Hello from the JVM <laugh> this is a test.";
    static final String PARAGRAPH = "Streaming speech synthesis needs a low time to first audio. The engine splits long text at sentence "
            + "boundaries, speaks each piece with the same voice and seed, and joins the pieces with a short crossfade. "
            + "Meanwhile the vocoder decodes frames while the language model is still generating the next ones.";

    @Setup(Level.Trial)
    public void setUp() {
        tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).threads(threads).vocoderThreads(Math.max(1, threads / 2))
                .cacheBytes(0).contextLength(2048).build());
        request = SpeechRequest.builder().text(text.equals("short") ? SHORT : PARAGRAPH).voice("narrator").seed(1).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tts.close();
    }

    /**
     * Per-request averages of one iteration, printed at its end (JMH sums EVENTS aux counters over iterations, so
     * the split is printed instead of aggregated).
     */
    @State(Scope.Thread)
    public static class Split {
        public double ttfaMs;
        public double rtf;
        public double lmMs;
        public double vocoderMs;
        public double otherMs;
        public double audioSec;
        public double lmTokPerSec;
        private int n;

        @TearDown(Level.Iteration)
        public void print() {
            System.out.printf(java.util.Locale.ROOT, "%n  split per request: TTFA %.1f ms, RTF %.3f, LM %.1f ms (%.0f tok/s), vocoder %.1f ms, "
                    + "other %.1f ms, audio %.2f s (n=%d)%n", ttfaMs, rtf, lmMs, lmTokPerSec, vocoderMs, otherMs, audioSec, n);
        }

        @Setup(Level.Iteration)
        public void reset() {
            ttfaMs = rtf = lmMs = vocoderMs = otherMs = audioSec = lmTokPerSec = 0;
            n = 0;
        }

        void add(SpeechStats s) {
            n++;
            double total = s.total().toNanos() / 1e6;
            ttfaMs += (s.timeToFirstAudio().toNanos() / 1e6 - ttfaMs) / n;
            rtf += (s.realTimeFactor() - rtf) / n;
            lmMs += (s.lmNanos() / 1e6 - lmMs) / n;
            vocoderMs += (s.vocoderNanos() / 1e6 - vocoderMs) / n;
            otherMs += (total - s.lmNanos() / 1e6 - otherMs) / n;
            audioSec += (s.audioSeconds() - audioSec) / n;
            lmTokPerSec += (s.lmTokensPerSecond() - lmTokPerSec) / n;
        }
    }

    @Benchmark
    public SpeechStats synthesize(Split split) {
        SpeechStats s = tts.synthesize(request).stats();
        split.add(s);
        return s;
    }
}
