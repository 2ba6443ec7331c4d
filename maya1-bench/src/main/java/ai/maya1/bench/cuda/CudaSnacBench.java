package ai.maya1.bench.cuda;

import ai.maya1.cuda.Cuda;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.harness.GpuHarnessConfigs;
import ai.maya1.cuda.harness.RandomSnacSource;
import ai.maya1.cuda.snac.CudaSnacConfig;
import ai.maya1.cuda.snac.CudaSnacVocoder;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** SNAC 24 kHz on the GPU (random full-width weights): offline decode of 16 frames, and one streaming frame. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaSnacBench {
    CudaDevice device;
    CudaSnacVocoder vocoder;
    SnacCodes codes16;
    List<SnacFrame> frames;
    VocoderStream stream;
    int next;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        CudaBenchSupport.requireGpu();
        device = Cuda.openDevice();
        CudaSnacConfig cfg = GpuHarnessConfigs.snac24k();
        vocoder = CudaSnacVocoder.load(device, new RandomSnacSource(cfg, 2), cfg);
        Random r = new Random(3);
        frames = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            frames.add(new SnacFrame(r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096),
                    r.nextInt(4096)));
        }
        codes16 = SnacCodes.of(frames.subList(0, 16));
        stream = vocoder.openStream(NoiseMode.seeded(1));
    }

    @Benchmark
    public float[][] offline16Frames() {
        return vocoder.decode(codes16, NoiseMode.seeded(1));
    }

    @Benchmark
    public float[] streamOneFrame() {
        return stream.push(frames.get(next++ & 4095));
    }

    @TearDown(Level.Trial)
    public void close() {
        if (stream != null) {
            stream.close();
        }
        if (vocoder != null) {
            vocoder.close();
        }
        if (device != null) {
            device.close();
        }
    }
}
