package ai.maya1.bench.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.maya1.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Encodes the same mixed-language documents with the pure-Java {@link HfTokenizer} and with Hugging Face's Rust
 * tokenizers (DJL JNI binding, truncation off, no special tokens), side by side in one run, one thread. Each call
 * takes the next of 32 different documents, so inputs differ between calls (no whole-input cache helps; both
 * sides keep their own word caches). Score: documents per second; the ratio java/rust is the speed-up.
 *
 * <pre>
 * java -jar maya1-bench/target/benchmarks.jar TokenizerBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 *   [-p size=1024,10240,102400] [-jvmArgsAppend -Dmaya1.tokenizer=/path/tokenizer.json]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TokenizerBenchmark {
    static final int DOCS = 32;

    /** Document size in UTF-8 bytes. */
    @Param({"1024", "10240", "102400"})
    public int size;

    private HfTokenizer java;
    private HuggingFaceTokenizer rust;
    private String[] docs;
    private int next;

    static Path tokenizerPath() {
        String p = System.getProperty("maya1.tokenizer");
        return p != null ? Paths.get(p)
                : Paths.get(System.getProperty("user.home"), ".cache", "maya1-java", "fixtures", "llama3", "tokenizer.json");
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path path = tokenizerPath();
        java = HfTokenizer.load(path);
        rust = HuggingFaceTokenizer.builder().optTokenizerPath(path).optAddSpecialTokens(false).optTruncation(false)
                .optPadding(false).build();
        List<String> list = MixedCorpus.documents(size, DOCS, 42L + size);
        docs = list.toArray(new String[0]);
        for (String d : docs) { // both must agree, or the comparison means nothing
            int[] a = java.encode(d, false);
            long[] b = rust.encode(d, false, false).getIds();
            if (!Arrays.equals(a, Arrays.stream(b).mapToInt(x -> (int) x).toArray())) {
                throw new IllegalStateException("java and rust ids differ on a " + size + "-byte document");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rust.close();
    }

    private String nextDoc() {
        String d = docs[next];
        next = next + 1 == DOCS ? 0 : next + 1;
        return d;
    }

    @Benchmark
    public int[] java() {
        return java.encode(nextDoc(), false);
    }

    @Benchmark
    public long[] rust() {
        Encoding e = rust.encode(nextDoc(), false, false);
        return e.getIds();
    }
}
