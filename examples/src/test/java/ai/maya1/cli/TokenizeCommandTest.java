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

/** The tokenize CLI contract: the ids as one JSON array on the last line of stdout, no special tokens added. */
class TokenizeCommandTest {

    static Path llama3() {
        String dir = System.getProperty("maya1.fixtures.dir", System.getProperty("user.home") + "/.cache/maya1-java/fixtures");
        Path f = Paths.get(dir, "llama3", "tokenizer.json");
        assertTrue(Files.isRegularFile(f), "run bash .ci/fetch-fixtures.sh: missing " + f);
        return f;
    }

    private record Run(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static synchronized Run run(String... args) {
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

    @Test
    void textGivesTheGoldenIds() {
        Run r = run("tokenize", "--tokenizer", llama3().toString(), "--text", "Hello world!");
        assertEquals(0, r.code(), r.err());
        assertEquals("[9906, 1917, 0]", r.lastLine());
    }

    @Test
    void fileIsEncodedExactlyWithoutSpecialTokens(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "line1\nline2\r\nline3\n<|eot_id|>", StandardCharsets.UTF_8);
        Run r = run("tokenize", "--tokenizer", llama3().toString(), "--file", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[1074, 16, 198, 1074, 17, 319, 1074, 18, 198, 27, 91, 68, 354, 851, 91, 29]", r.lastLine());
    }

    @Test
    void addSpecialTokensAppliesTheTemplateAndDecodePrintsText() {
        // a Maya1-like tokenizer.json whose TemplateProcessing adds <|begin_of_text|> (128000)
        Path bos = Paths.get("..", "maya1-core", "src", "test", "resources", "tokenizer", "maya1_like_bos.json");
        Run plain = run("tokenize", "--tokenizer", bos.toString(), "--text", "Hello");
        Run special = run("tokenize", "--tokenizer", bos.toString(), "--text", "Hello", "--add-special-tokens", "--decode");
        assertEquals(0, special.code(), special.err());
        assertEquals("[128000, " + plain.lastLine().substring(1), special.lastLine());
        assertTrue(special.out().contains("decoded: <|begin_of_text|>Hello"), special.out());
    }

    @Test
    void badInputExitsTwoWithOneErrorLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("tokenizer.json");
        Files.writeString(bad, "{\"model\": {\"type\": \"Unigram\"}}");
        Run r = run("tokenize", "--tokenizer", bad.toString(), "--text", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("model.type"), r.err());
        Run missing = run("tokenize", "--tokenizer", dir.resolve("none.json").toString(), "--text", "x");
        assertEquals(2, missing.code());
    }
}
