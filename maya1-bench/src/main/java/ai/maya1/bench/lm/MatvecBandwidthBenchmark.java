package ai.maya1.bench.lm;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.ActivationFormat;
import ai.maya1.tensor.FloatMatrix;
import ai.maya1.tensor.Tensors;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.DType;
import java.lang.foreign.Arena;
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
 * Memory bandwidth vs the matvec kernels' effective bandwidth.
 *
 * <p>{@code triad}: STREAM's triad {@code a = b + s·c} on float arrays of {@code triadMiB} each (3 arrays, far
 * above the last-level cache), parallel over the same {@link ComputeExecutor}: bytes per op = 3 · array bytes
 * (reads b, c; writes a; write-allocate traffic not counted, as STREAM does).
 *
 * <p>{@code matvec}: one matrix-vector product of a {@code [8192, 3072]} matrix (Maya1's gate/up projection)
 * per op, rotating through enough matrices that the working set exceeds {@code workingSetMiB} (larger than the
 * LLC), so every op streams its weights from DRAM: bytes per op = the matrix's bytes. Effective GB/s =
 * bytes per op / time per op; divide by the triad's GB/s for the fraction of the bandwidth reached. For Q8_0 and
 * Q4_0, {@code activations} picks the int8 dot products (q8, default) or the exact float path (f32); the q8 time
 * includes quantizing the activation vector.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class MatvecBandwidthBenchmark {
    static final int ROWS = 8192;
    static final int COLS = 3072;

    @Param({"F32", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    public String format;

    /** Q8_0 / Q4_0 only: "q8" = activations quantized per product, int8 dot products (the default);
     * "f32" = the exact float path. Other formats ignore it. */
    @Param({"q8", "f32"})
    public String activations;

    @Param({"1024"})
    public int workingSetMiB;

    @Param({"256"})
    public int triadMiB;

    @Param({"0"})
    public int threads;

    ComputeExecutor exec;
    Arena arena;
    FloatMatrix[] mats;
    float[] x;
    float[] y;
    int next;
    float[] ta;
    float[] tb;
    float[] tc;

    @Setup(Level.Trial)
    public void setUp() {
        exec = new ComputeExecutor(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), "bench-lm");
        arena = Arena.ofShared();
        DType t = DType.valueOf(format);
        long bytes = t.byteSize((long) ROWS * COLS);
        int n = (int) Math.max(2, (workingSetMiB * (1L << 20) + bytes - 1) / bytes);
        mats = new FloatMatrix[n];
        for (int i = 0; i < n; i++) {
            mats[i] = Tensors.matrix(SyntheticWeights.matrix(arena, "w" + i, t, ROWS, COLS, 1234 + i), WeightFormat.AS_STORED)
                    .withActivations(ActivationFormat.parse(activations));
        }
        x = new float[COLS];
        for (int i = 0; i < COLS; i++) {
            x[i] = (float) Math.sin(i);
        }
        y = new float[ROWS];
        System.err.printf("%n[lm-bench] %s: %d matrices of %d bytes (%.0f MiB working set), %d threads%n", format, n, bytes,
                n * bytes / 1048576.0, exec.threads());
    }

    @Setup(Level.Trial)
    public void setUpTriad() {
        int len = (int) (triadMiB * (1L << 20) / 4);
        ta = new float[len];
        tb = new float[len];
        tc = new float[len];
        java.util.Arrays.fill(tb, 1f);
        java.util.Arrays.fill(tc, 2f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        exec.close();
        arena.close();
    }

    /** One [8192, 3072] matvec from DRAM (bytes per op: the matrix's bytes). */
    @Benchmark
    public void matvec(Blackhole bh) {
        FloatMatrix m = mats[next];
        next = next + 1 == mats.length ? 0 : next + 1;
        m.matvec(exec, x, y);
        bh.consume(y[0]);
    }

    /** STREAM triad over 3 x triadMiB (bytes per op: 3 x triadMiB MiB). */
    @Benchmark
    public void triad(Blackhole bh) {
        float[] a = ta;
        float[] b = tb;
        float[] c = tc;
        float s = 3f;
        exec.parallelForRange(a.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                a[i] = b[i] + s * c[i];
            }
        });
        bh.consume(a[0]);
    }
}
