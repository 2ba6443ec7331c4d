package ai.maya1.bench.cuda;

import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.cuda.Cuda;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.harness.GpuHarnessConfigs;
import ai.maya1.cuda.harness.RandomLlamaSource;
import ai.maya1.cuda.llama.CudaLlamaConfig;
import ai.maya1.cuda.llama.CudaLlamaModel;
import java.util.Arrays;
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
 * Batch-1 decode on the GPU with a random-weight model of the real Maya1 3.3 B shapes: 64 constrained tokens
 * (GEMVs, CUDA graph, constrained head rows, GPU sampling, id read-back) per op. Divide by 64 for the time per
 * token; compare with the HBM roofline printed by tools/cuda/gpu-harness.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaLlamaDecodeBench {
    @Param({"bf16", "q8_0"})
    public String format;

    CudaDevice device;
    CudaLlamaModel model;
    int[] prompt;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        CudaBenchSupport.requireGpu();
        device = Cuda.openDevice();
        CudaLlamaConfig cfg = GpuHarnessConfigs.maya1();
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 1)) {
            model = CudaLlamaModel.load(device, src, cfg, format, 1024, 0, true);
        }
        prompt = new int[80];
        Arrays.fill(prompt, 1000);
        prompt[79] = 128257;
    }

    @Benchmark
    public GenerationResult decode64Tokens() {
        return model.generate(prompt, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, 64, 10_000, true, Long.MAX_VALUE), (f, i) -> true);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (model != null) {
            model.close();
        }
        if (device != null) {
            device.close();
        }
    }
}
