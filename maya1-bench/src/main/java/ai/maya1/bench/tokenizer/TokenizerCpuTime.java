package ai.maya1.bench.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.maya1.tokenizer.HfTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * A companion to {@link TokenizerBenchmark} for busy machines: measures the calling thread's CPU time (the Rust
 * tokenizer runs on the calling thread through JNI) instead of wall time, alternating Java and Rust rounds over the
 * same documents, so other processes competing for the cores do not skew the ratio.
 *
 * <pre>
 * TOKENIZERS_PARALLELISM=false java -cp maya1-bench/target/benchmarks.jar ai.maya1.bench.tokenizer.TokenizerCpuTime [seconds-per-round]
 * </pre>
 */
public final class TokenizerCpuTime {
    private TokenizerCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        double roundSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        Path path = TokenizerBenchmark.tokenizerPath();
        HfTokenizer java = HfTokenizer.load(path);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.builder().optTokenizerPath(path).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build()) {
            System.out.printf("%-8s %14s %14s %14s %14s %8s%n", "size", "java docs/cpu-s", "rust docs/cpu-s", "java MB/cpu-s", "rust MB/cpu-s", "ratio");
            for (int size : new int[] {1024, 10240, 102400}) {
                List<String> docs = MixedCorpus.documents(size, TokenizerBenchmark.DOCS, 42L + size);
                long[] javaCpu = new long[1];
                long[] rustCpu = new long[1];
                long[] javaDocs = new long[1];
                long[] rustDocs = new long[1];
                for (int round = 0; round < 8; round++) {
                    boolean measure = round >= 2; // two warm-up rounds each
                    long budget = (long) (roundSeconds * 1e9);
                    long sink = 0;
                    long c0 = mx.getCurrentThreadCpuTime();
                    int n = 0;
                    while (mx.getCurrentThreadCpuTime() - c0 < budget) {
                        sink += java.encode(docs.get(n++ % docs.size()), false).length;
                    }
                    long c1 = mx.getCurrentThreadCpuTime();
                    int m = 0;
                    while (mx.getCurrentThreadCpuTime() - c1 < budget) {
                        sink += rust.encode(docs.get(m++ % docs.size()), false, false).getIds().length;
                    }
                    long c2 = mx.getCurrentThreadCpuTime();
                    if (measure) {
                        javaCpu[0] += c1 - c0;
                        rustCpu[0] += c2 - c1;
                        javaDocs[0] += n;
                        rustDocs[0] += m;
                    }
                    if (sink == 42) {
                        System.out.print("");
                    }
                }
                double j = javaDocs[0] / (javaCpu[0] / 1e9);
                double r = rustDocs[0] / (rustCpu[0] / 1e9);
                System.out.printf("%-8d %14.1f %14.1f %14.2f %14.2f %7.1fx%n", size, j, r, j * size / 1e6, r * size / 1e6, j / r);
            }
        }
    }
}
