package ai.maya1.bench.lm;

import ai.maya1.backend.JavaAcousticModelProvider;
import ai.maya1.acoustic.llama.KvCache;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.VectorSupport;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.weights.TensorSource;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Java side of the side-by-side decode benchmark against llama.cpp ({@code tools/bench/llamacpp/decode-bench.mjs}):
 * the same GGUF file (opened through {@link JavaAcousticModelProvider#openTensors}, config from its metadata, weights
 * as stored), the same thread count, the same work per token as llama.cpp's generation loop: one token through every
 * layer with the KV cache, full-vocabulary logits, greedy argmax. A 64-token prompt is one batched prefill.
 * Runs {@code rounds} rounds (fresh cache each) and prints each; the first warms the JIT, report the last.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp maya1-bench/target/benchmarks.jar \
 *   ai.maya1.bench.lm.GgufDecodeSideBySide FILE.gguf [threads=2] [prompt=64] [gen=64] [rounds=3]</pre>
 */
public final class GgufDecodeSideBySide {
    private GgufDecodeSideBySide() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int gen = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        long t0 = System.nanoTime();
        try (TensorSource src = JavaAcousticModelProvider.openTensors(file);
                ComputeExecutor exec = new ComputeExecutor(threads, "bench-gguf")) {
            LlamaConfig c = JavaAcousticModelProvider.configFor(file, src);
            LlamaModel model = LlamaModel.load(c, src, WeightFormat.AS_STORED);
            System.out.printf("[java] %s: %s, %d layers, hidden %d, vocab %d, %.1f MiB weights, %.1f MiB read per token; loaded in %.1f s; "
                            + "vector=%s, %d threads%n", file.getFileName(), model.bytesByFormat(), c.numLayers(), c.hiddenSize(), c.vocabSize(),
                    model.weightBytes() / 1048576.0, model.bytesPerToken(c.vocabSize()) / 1048576.0, (System.nanoTime() - t0) / 1e9,
                    VectorSupport.enabled(), exec.threads());
            int[] p = new int[prompt];
            for (int i = 0; i < prompt; i++) {
                p[i] = 256 + i % 14;
            }
            float[] logits = new float[c.vocabSize()];
            for (int round = 1; round <= rounds; round++) {
                KvCache cache = model.newCache(prompt + gen + 1, KvCache.Precision.F32);
                long a = System.nanoTime();
                float[] h = model.forward(exec, cache, p, null);
                model.logitRows(exec, h, prompt - 1, 0, c.vocabSize(), logits, 0);
                double promptMs = (System.nanoTime() - a) / 1e6;
                int token = argmax(logits);
                double[] ms = new double[gen];
                long g = System.nanoTime();
                for (int i = 0; i < gen; i++) {
                    long s = System.nanoTime();
                    h = model.forward(exec, cache, new int[] {token}, null);
                    model.logitRows(exec, h, 0, 0, c.vocabSize(), logits, 0);
                    token = argmax(logits);
                    ms[i] = (System.nanoTime() - s) / 1e6;
                }
                double genMs = (System.nanoTime() - g) / 1e6;
                Arrays.sort(ms);
                System.out.printf("[java] round %d: prompt %d tokens %.0f ms (%.1f tok/s); generate %d tokens %.0f ms, %.2f tok/s mean, "
                                + "median %.1f ms/token = %.2f tok/s%n", round, prompt, promptMs, prompt * 1000 / promptMs, gen, genMs,
                        gen * 1000 / genMs, ms[gen / 2], 1000 / ms[gen / 2]);
            }
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
