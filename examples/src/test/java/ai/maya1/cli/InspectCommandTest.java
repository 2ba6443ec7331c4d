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
}
