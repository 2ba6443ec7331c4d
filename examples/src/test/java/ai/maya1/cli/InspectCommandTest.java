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
        return Paths.get(System.getProperty("maya1.shared.dir", "../../shared"), "golden", sub);
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
