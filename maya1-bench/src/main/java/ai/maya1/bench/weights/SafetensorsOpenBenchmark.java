package ai.maya1.bench.weights;

import ai.maya1.weights.ModelJson;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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

/**
 * Opening a Maya1-sized (3.3 B parameters, 6.6 GB BF16) safetensors file: the full hostile-input validation of
 * all 254 real tensor names and shapes ({@code testdata/golden/llama/real_config_shapes.json}) without reading
 * the weights. The file is created sparse in the temp folder (no disk blocks for the data) and deleted at the
 * end. Setup also prints, for one open, the bytes the process read ({@code /proc/self/io} rchar and
 * read_bytes) and the page faults it took ({@code /proc/self/stat}), against the file size.
 *
 * <p>Run: {@code java -jar maya1-bench/target/benchmarks.jar SafetensorsOpenBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 * (the golden folder is found via {@code -Dmaya1.golden.dir=...} or {@code testdata/golden} in the project).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SafetensorsOpenBenchmark {
    Path file;
    long fileSize;

    @Setup(Level.Trial)
    public void create() throws IOException {
        Path shapes = goldenDir().resolve("llama/real_config_shapes.json");
        JsonNode spec = ModelJson.read(shapes);
        ObjectNode header = ModelJson.mapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (JsonNode t : spec.get("tensors")) {
            ObjectNode e = header.putObject(t.get("name").asText());
            e.put("dtype", "BF16");
            e.set("shape", t.get("shape"));
            long bytes = t.get("numel").asLong() * 2;
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        file = Files.createTempFile("maya1-bench-3b-", ".safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length + pad).array());
            raf.write(h);
            raf.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
            raf.setLength(8 + h.length + pad + offset);  // sparse: the 6.6 GB of data take no disk blocks
        }
        fileSize = Files.size(file);
        measureOnce();
    }

    private void measureOnce() throws IOException {
        long[] io0 = procIo();
        long[] pf0 = pageFaults();
        long t0 = System.nanoTime();
        int n;
        try (TensorSource s = TensorSources.open(file)) {
            n = s.names().size();
        }
        long t1 = System.nanoTime();
        long[] io1 = procIo();
        long[] pf1 = pageFaults();
        System.out.printf("%n[open cost] %d tensors, file %,d bytes: first open %.2f ms, rchar %+,d bytes, read_bytes %+,d bytes, "
                        + "minor faults %+d, major faults %+d (%.6f%% of the file read)%n", n, fileSize, (t1 - t0) / 1e6,
                io1[0] - io0[0], io1[1] - io0[1], pf1[0] - pf0[0], pf1[1] - pf0[1], 100.0 * (io1[0] - io0[0]) / fileSize);
    }

    /** rchar and read_bytes of /proc/self/io, or -1 where unavailable. */
    static long[] procIo() {
        long[] r = {-1, -1};
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/io"))) {
                if (line.startsWith("rchar:")) {
                    r[0] = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("read_bytes:")) {
                    r[1] = Long.parseLong(line.substring(11).trim());
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return r;
    }

    /** minflt and majflt of /proc/self/stat. */
    static long[] pageFaults() {
        try {
            String s = Files.readString(Paths.get("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[9])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    static Path goldenDir() {
        String p = System.getProperty("maya1.golden.dir");
        for (String c : new String[] {p, "testdata/golden", "../testdata/golden"}) {
            if (c != null && Files.isDirectory(Paths.get(c))) {
                return Paths.get(c);
            }
        }
        throw new IllegalStateException("golden data not found: pass -Dmaya1.golden.dir=<path to testdata/golden>");
    }

    @Benchmark
    public int openValidateClose() {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.names().size();
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
