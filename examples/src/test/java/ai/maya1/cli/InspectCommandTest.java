package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Maya1Cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path golden(String sub) {
        return Paths.get(System.getProperty("maya1.golden.dir", "../testdata/golden"), sub);
    }

    @Test
    void summarisesSafetensors() {
        Run r = run("inspect", golden("llama/model-bf16.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:     safetensors"), r.out());
        assertTrue(r.out().contains("parameters: 117,824"), r.out());
        assertTrue(r.out().contains("model.embed_tokens.weight"), r.out());
        assertTrue(r.out().contains("BF16  [300, 64]"), r.out());
    }

    static Path coreFixture(String sub) {
        return Paths.get("..", "maya1-core", "src", "test", "resources", "fixtures", sub);
    }

    @Test
    void summarisesGgufAndPyTorchAndChecksTheConfigBeside() {
        Run r = run("inspect", coreFixture("gguf/tiny_llama_q4_0.gguf").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:     gguf v3"), r.out());
        assertTrue(r.out().contains("model.layers.1.self_attn.q_proj.weight") && r.out().contains("Q4_0"), r.out());
        assertTrue(r.out().contains("tensors match the metadata"), r.out());
        assertTrue(r.out().contains("\"rope_type\":\"llama3\""), r.out());
        r = run("inspect", coreFixture("pytorch/snac_legacy_format.bin").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:     pytorch legacy"), r.out());
        r = run("inspect", golden("llama/model.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("config:     tensors match"), r.out());
        r = run("inspect", golden("llama").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model.safetensors"), r.out());
    }

    @Test
    void summarisesAndValidatesTokenizerJson() throws Exception {
        Path t = Paths.get(System.getProperty("maya1.fixtures.dir", System.getProperty("user.home") + "/.cache/maya1-java/fixtures"), "llama3", "tokenizer.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(t), "run .ci/fetch-fixtures.sh");
        Run r = run("inspect", t.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer.json (BPE)") && r.out().contains("128000 model tokens, 256 added tokens"), r.out());
        Path bad = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a b c d\"]},\"added_tokens\":[]}");
        r = run("inspect", bad.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(bad.toString()) && r.err().strip().split("\n").length == 1, r.err());
    }

    @Test
    void summarisesConfigJson() {
        Run r = run("inspect", golden("snac/config_24khz.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("config.json"), r.out());
    }

    @Test
    void hostileFileGivesExitTwoAndExactlyOneErrorLine() throws Exception {
        byte[] b = new byte[24];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).put((byte) '{');
        Path f = Files.write(dir.resolve("evil.safetensors"), b);
        Run r = run("inspect", f.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out());
        String[] lines = r.err().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].matches("error: .+ \\(" + java.util.regex.Pattern.quote(f.toString()) + "(, .+)?\\)"), lines[0]);
        Path g = Files.write(dir.resolve("gguf.bin"), "GGUF\u0003\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        r = run("inspect", g.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().trim().endsWith(")") && r.err().trim().split("\n").length == 1, r.err());
        r = run("inspect", dir.resolve("missing.bin").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: no such file ("), r.err());
    }

    /** The golden Llama config.json with one top-level edit ({@code key} set to the raw JSON {@code value}, or removed when null). */
    private Path editedGoldenConfig(Path folder, String key, String value) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode c = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(golden("llama/config.json").toFile());
        if (value == null) {
            c.remove(key);
        } else {
            c.set(key, new com.fasterxml.jackson.databind.ObjectMapper().readTree(value));
        }
        Files.createDirectories(folder);
        return Files.writeString(folder.resolve("config.json"), c.toPrettyString());
    }

    private static void assertOneErrorLineNaming(Run r, Path file, String key) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("", r.out());
        String[] lines = r.err().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(file.toString()) && lines[0].contains(", " + key), lines[0]);
    }

    @Test
    void hostileLlamaConfigJsonGivesExitTwoAndOneErrorLineNamingTheFileAndTheKey() throws Exception {
        String[][] edits = {
                {"num_attention_heads", "0", "num_attention_heads"},
                {"hidden_size", "66", "hidden_size"},
                {"num_key_value_heads", "3", "num_key_value_heads"},
                {"vocab_size", "-300", "vocab_size"},
                {"rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}", "rope_scaling.rope_type"},
                {"hidden_size", "\"64\"", "hidden_size"},
                {"rms_norm_eps", "\"1e-5\"", "rms_norm_eps"},
                {"vocab_size", "2147483647", "vocab_size"},
                {"num_hidden_layers", null, "num_hidden_layers"},
                {"tie_word_embeddings", "1", "tie_word_embeddings"}};
        int n = 0;
        for (String[] e : edits) {
            Path f = editedGoldenConfig(dir.resolve("case" + n++), e[0], e[1]);
            assertOneErrorLineNaming(run("inspect", f.toString()), f, e[2]);
        }
        Run ok = run("inspect", golden("llama/config.json").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("format:     config.json (model_type llama)"), ok.out());
    }

    @Test
    void aHostileConfigBesideTheWeightsFailsTheirInspection() throws Exception {
        Path folder = dir.resolve("model");
        Path cfg = editedGoldenConfig(folder, "num_key_value_heads", "3");
        Path weights = Files.copy(golden("llama/model.safetensors"), folder.resolve("model.safetensors"));
        assertOneErrorLineNaming(run("inspect", weights.toString()), cfg, "num_key_value_heads");
    }

    @Test
    void hostileSnacConfigJsonGivesExitTwoNamingTheKey() throws Exception {
        String wraps = "{\"sampling_rate\":24000,\"encoder_dim\":48,\"encoder_rates\":[2,4,8,8],\"decoder_dim\":2048,"
                + "\"decoder_rates\":[64,64,64,64,64,64,64,64,64,64,64],\"codebook_size\":4096,\"codebook_dim\":8,\"vq_strides\":[4,2,1]}";
        Path f = Files.writeString(dir.resolve("config.json"), wraps);
        assertOneErrorLineNaming(run("inspect", f.toString()), f, "decoder_rates");
        Path s = Files.writeString(dir.resolve("snac.json"), wraps.replace("\"sampling_rate\":24000", "\"sampling_rate\":\"24000\""));
        assertOneErrorLineNaming(run("inspect", s.toString()), s, "sampling_rate");
    }

    @Test
    void ggufTensorsAreListedUnderTheFilesOwnNamesWithTheHuggingFaceNameBeside() {
        Run r = run("inspect", coreFixture("gguf/tiny_llama_q4_0.gguf").toString());
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("  token_embd\\.weight +\\S+ +\\[300, 64\\] +-> model\\.embed_tokens\\.weight")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("  blk\\.1\\.attn_q\\.weight +Q4_0 +\\[64, 64\\] +-> model\\.layers\\.1\\.self_attn\\.q_proj\\.weight")),
                r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  output_norm.weight ")), r.out());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("  model.")), "no tensor is listed under its mapped name only: " + r.out());
    }

    @Test
    void aCheckpointOfStridedViewsIsSummarised() {
        Run r = run("inspect", coreFixture("pytorch/strided_views.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:     pytorch zip") && r.out().contains("base_t") && r.out().contains("F32   [8, 6]"), r.out());
    }
}
