package ai.maya1.bench.engine;

import ai.maya1.engine.testmodel.TestModel;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * End-to-end TTFA / RTF of one stream through {@link Maya1Tts} on a random-weight LM of the REAL Maya1 shapes
 * (config.json of {@code golden/llama/real_config_shapes.json}: hidden 3072, 24/8 heads, head_dim 128, MLP 8192,
 * vocab 156960, tied embeddings, llama3 RoPE; BF16; {@code layers} may be lowered from 28 to fit memory/time, then
 * scale LM time per layer), the test-model tokenizer (real special-token ids) and the test model's reduced-width SNAC.
 * Random weights never emit CODE_END, so every request runs to {@code maxTokens}: a short fixed-length run.
 * The model folder is written once (real random bytes, no sparse file) and reused; delete it when done.
 * Prints the split LM / vocoder / other of each run (run 1 warms the JIT).
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g -cp maya1-bench/target/benchmarks.jar \
 *   ai.maya1.bench.engine.RealShapeEngineRun [folder=/tmp/maya1-real-shape] [layers=28] [maxTokens=70] [threads=2] [runs=2]</pre>
 */
public final class RealShapeEngineRun {
    private RealShapeEngineRun() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/maya1-real-shape");
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 28;
        int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : 70;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path shapes = Path.of(System.getProperty("maya1.golden.dir", "testdata/golden"), "llama/real_config_shapes.json");
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            writeModel(shapes, dir, layers);
            System.out.printf(Locale.ROOT, "[engine] wrote %s (%d layers, %.2f GB) in %.1f s%n", dir, layers,
                    Files.size(dir.resolve("model.safetensors")) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        Maya1Config cfg = Maya1Config.builder().model(ModelSource.path(dir)).snac(ModelSource.testModel()).threads(threads)
                .vocoderThreads(Math.max(1, threads / 2)).cacheBytes(0).contextLength(2048).build();
        long l0 = System.nanoTime();
        try (Maya1Tts tts = Maya1Tts.create(cfg)) {
            System.out.printf(Locale.ROOT, "[engine] loaded in %.1f s: %s%n", (System.nanoTime() - l0) / 1e9, cfg);
            SpeechRequest req = SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").voice("narrator").seed(1)
                    .maxTokens(maxTokens).build();
            for (int r = 1; r <= runs; r++) {
                SpeechStats s = tts.synthesize(req).stats();
                double total = s.total().toNanos() / 1e6;
                System.out.printf(Locale.ROOT, "[engine] run %d (%d layers): prompt %d tokens, %d LM tokens, %d frames, audio %.3f s, "
                                + "TTFA %.0f ms, total %.0f ms, RTF %.2f | LM %.0f ms (%.2f tok/s) | vocoder %.0f ms | other %.0f ms | %s%n",
                        r, layers, s.promptTokens(), s.lmTokens(), s.frames(), s.audioSeconds(), s.timeToFirstAudio().toNanos() / 1e6, total,
                        s.realTimeFactor(), s.lmNanos() / 1e6, s.lmTokensPerSecond(), s.vocoderNanos() / 1e6, total - s.lmNanos() / 1e6,
                        s.finishReason());
            }
        }
    }

    /** config.json (real config, {@code layers} layers), tokenizer.json of the test model, random BF16 model.safetensors. */
    static void writeModel(Path shapes, Path dir, int layers) throws IOException {
        ObjectMapper om = new ObjectMapper();
        JsonNode spec = om.readTree(shapes.toFile());
        Files.createDirectories(dir);
        ObjectNode config = ((ObjectNode) spec.get("config")).deepCopy();
        config.put("num_hidden_layers", layers);
        om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        Files.copy(TestModel.ensure().lmDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        ObjectNode header = om.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        java.util.List<JsonNode> kept = new java.util.ArrayList<>();
        for (JsonNode t : spec.get("tensors")) {
            String name = t.get("name").asText();
            if (name.startsWith("model.layers.") && Integer.parseInt(name.split("\\.")[2]) >= layers) {
                continue;
            }
            long bytes = t.get("numel").asLong() * 2;
            ObjectNode e = header.putObject(name);
            e.put("dtype", "BF16");
            e.set("shape", t.get("shape").deepCopy());
            ArrayNode off = e.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
            kept.add(t);
        }
        byte[] json = om.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        Path tmp = dir.resolve("model.safetensors.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json);
            while (h.hasRemaining()) {
                h.put((byte) ' ');
            }
            write(ch, h.flip());
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            long x = 0x9E3779B97F4A7C15L;
            for (JsonNode t : kept) {
                boolean norm = t.get("shape").size() == 1;
                for (long i = 0, n = t.get("numel").asLong(); i < n; i += 4) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    for (int k = 0; k < 4 && i + k < n; k++) {
                        int r = (int) (x >>> (16 * k)) & 0xFFFF;
                        // matrices: |v| in [2^-8, 2^-4) random sign/mantissa; norms: 1 + mantissa noise
                        short bits = norm ? (short) (0x3F80 | (r & 0x0F)) : (short) ((r & 0x807F) | ((119 + ((r >>> 7) & 3)) << 7));
                        if (!buf.hasRemaining()) {
                            write(ch, buf.flip());
                            buf.clear();
                        }
                        buf.putShort(bits);
                    }
                }
            }
            write(ch, buf.flip());
        }
        Files.move(tmp, dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void write(FileChannel ch, ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
