package ai.maya1.bench.batch;

import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.batch.BatchingAcousticModel;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.bench.lm.SyntheticWeights;
import ai.maya1.concurrent.ComputeExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time to first audio (first frame, 7 tokens) under a steady arrival rate, with the prefix cache on (requests of
 * one voice reuse its prefix: hits) and off (every request prefills its whole prompt: misses), on the
 * Llama-3.2-1B shape with random weights.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp maya1-bench/target/benchmarks.jar ai.maya1.bench.batch.BatchLoadTest
 *     [requestsPerSecond=2] [seconds=20] [layers=4] [format=BF16] [tokens=28] [voiceTokens=40]</pre>
 */
public final class BatchLoadTest {
    private BatchLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String format = args.length > 3 ? args[3] : "BF16";
        int tokens = args.length > 4 ? Integer.parseInt(args[4]) : 28;
        int voiceTokens = args.length > 5 ? Integer.parseInt(args[5]) : 40;
        SyntheticWeights[] w = new SyntheticWeights[1];
        LlamaModel m = BatchShapes.model(layers, format, w);
        try (ComputeExecutor exec = ComputeExecutor.withDefaultThreads("bench-batch-load")) {
            System.out.printf("llama-1b shape, %d of 16 layers, %s, %d threads, %.1f requests/s for %d s, %d tokens each, prompt = %d voice + 6 text"
                    + " + 6 control tokens; load average %s%n", layers, format, exec.threads(), rate, seconds, tokens, voiceTokens,
                    loadAverage());
            for (boolean prefix : new boolean[] {true, false}) {
                try (BatchingAcousticModel am = BatchShapes.batching(m, exec, 32, prefix)) {
                    am.generate(BatchShapes.prompt(7, voiceTokens, 9999, 6), opts(tokens, 0), (f, i) -> true); // warm-up, caches the voice
                    run(am, rate, seconds, tokens, voiceTokens, prefix ? "prefix cache on (hits)" : "prefix cache off (misses)");
                }
            }
        } finally {
            w[0].close();
        }
    }

    static GenerationOptions opts(int tokens, long seed) {
        return new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, seed, tokens, tokens, true, Long.MAX_VALUE);
    }

    static void run(BatchingAcousticModel am, double rate, int seconds, int tokens, int voiceTokens, String label) throws Exception {
        int n = (int) Math.round(rate * seconds);
        ExecutorService callers = Executors.newCachedThreadPool();
        List<Future<Long>> ttfa = new ArrayList<>();
        long start = System.nanoTime();
        long periodNanos = (long) (1e9 / rate);
        for (int k = 0; k < n; k++) {
            long due = start + k * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int[] prompt = BatchShapes.prompt(7, voiceTokens, k, 6);
            long seed = k;
            ttfa.add(callers.submit(() -> {
                long t0 = System.nanoTime();
                AtomicLong first = new AtomicLong();
                am.generate(prompt, opts(tokens, seed), (f, i) -> {
                    if (i == 0) {
                        first.set(System.nanoTime() - t0);
                    }
                    return true;
                });
                return first.get();
            }));
        }
        double[] ms = new double[n];
        for (int k = 0; k < n; k++) {
            ms[k] = ttfa.get(k).get() / 1e6;
        }
        long wall = System.nanoTime() - start;
        callers.shutdown();
        Arrays.sort(ms);
        System.out.printf("%-28s TTFA p50 %7.0f ms  p95 %7.0f ms  max %7.0f ms  (%d requests, %.1f s, mean batch %.1f, %s)%n", label,
                ms[n / 2], ms[(int) Math.min(n - 1, Math.ceil(n * 0.95) - 1)], ms[n - 1], n, wall / 1e9, am.stats().meanBatch(), am.stats());
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
