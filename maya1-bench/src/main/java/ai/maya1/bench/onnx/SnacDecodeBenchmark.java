package ai.maya1.bench.onnx;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.onnx.export.SnacGraphConfig;
import ai.maya1.onnx.export.SnacOnnxExporter;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.snac.OnnxVocoder;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.vocoder.snac.JavaVocoder;
import ai.maya1.vocoder.snac.SnacConfig;
import ai.maya1.vocoder.snac.SnacDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * SNAC decoding with full-shape (snac_24khz) random weights, noise off, ONNX Runtime CPU vs the pure-Java decoder
 * on the same weights. {@code offline}: one decode of
 * {@code frames} frames; {@code streamFrame}: one frame pushed into a stream (steady state).
 * RTF = (ms/op) / (audio ms per op): offline covers frames * 85.33 ms, streamFrame 85.33 ms.
 *
 * <pre>java -jar maya1-bench/target/benchmarks.jar SnacDecodeBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SnacDecodeBenchmark {
    /** ort: the exported graphs on ONNX Runtime CPU; java: the pure-Java {@code JavaVocoder}, same weights. */
    @Param({"ort", "java"})
    public String backend;

    @Param({"32"})
    public int frames;

    @Param({"2"})
    public int threads;

    private Path dir;
    private Vocoder vocoder;
    private SnacCodes codes;
    private VocoderStream stream;
    private int streamed;
    private ComputeExecutor exec;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        int[][] l0 = {new int[frames]};
        int[][] l1 = {new int[2 * frames]};
        int[][] l2 = {new int[4 * frames]};
        for (int[] a : new int[][] {l0[0], l1[0], l2[0]}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(4096);
            }
        }
        codes = new SnacCodes(l0, l1, l2);
        try (RandomWeights w = RandomWeights.snac24()) {
            SnacGraphConfig cfg = SnacGraphConfig.from(ai.maya1.vocoder.snac.SnacConfig.snac24khz());
            if (backend.equals("ort")) {
                dir = Files.createTempDirectory("maya1-bench-snac");
                // no noise inputs: the deterministic decoder, as the Java backend runs with NoiseMode.zero()
                SnacOnnxExporter.export(cfg, w, dir.resolve("snac_decoder.onnx"), SnacOnnxExporter.Options.defaults().withNoiseInputs(false));
                SnacOnnxExporter.export(cfg, w, dir.resolve("snac_decoder_streaming.onnx"),
                        SnacOnnxExporter.Options.defaults().withNoiseInputs(false).withStreaming(true));
                vocoder = OnnxVocoder.open(dir.resolve("snac_decoder.onnx"), dir.resolve("snac_decoder_streaming.onnx"),
                        OnnxRuntimeConfig.builder().intraOpThreads(threads).build(), threads);
            } else {
                exec = new ComputeExecutor(threads, "bench-snac");
                vocoder = new JavaVocoder(SnacDecoder.load(w, SnacConfig.snac24khz(), exec));
            }
        }
    }

    @Setup(Level.Iteration)
    public void openStream() {
        if (stream != null) {
            stream.close();
        }
        stream = vocoder.openStream(NoiseMode.zero());
        streamed = 0;
    }

    @Benchmark
    public float offline() {
        return vocoder.decode(codes, NoiseMode.zero())[0][100];
    }

    @Benchmark
    public int streamFrame() {
        float[] out = stream.push(codes.frame(0, streamed++ % frames));
        return out.length;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (stream != null) {
            stream.close();
        }
        vocoder.close();
        if (exec != null) {
            exec.close();
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
