package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code maya1 lm} contract on the golden tiny Llama: greedy ids on the last stdout line, prompt logits file. */
class LmCommandTest {
    static Path golden() {
        return Paths.get(System.getProperty("maya1.golden.dir", "../testdata/golden")).resolve("llama");
    }

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = Maya1Cli.execute(args);
            assertEquals(0, rc, "exit code; stdout: " + buf);
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void greedyIdsAndPromptLogits(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m");
        Files.createDirectories(model);
        Files.copy(golden().resolve("config.json"), model.resolve("config.json"));
        Files.copy(golden().resolve("model-bf16.safetensors"), model.resolve("model.safetensors"));
        Path out = dir.resolve("logits.f32");
        String last = run("lm", "--model", model.toString(), "--ids", "212,50,184,260,123,80,250", "--greedy", "16",
                "--logits-out", out.toString());
        assertEquals("[183,229,114,142,38,29,193,27,43,163,174,165,50,115,280,87]", last);
        float[] got = read(out);
        float[] exp = read(golden().resolve("len7_bf16_all_position_logits.f32"));
        assertEquals(exp.length, got.length, "[T, vocab] of the prompt positions only");
        for (int i = 0; i < exp.length; i++) {
            assertTrue(Math.abs(exp[i] - got[i]) <= 1e-4, "logit " + i);
        }
        assertEquals("[80,276,138,146]", run("lm", "--model", model.toString(), "--ids", "128", "--greedy", "4", "--dtype", "f32"));
        assertEquals("[]", run("lm", "--model", model.toString(), "--ids", "128", "--greedy", "0"));
    }

    @Test
    void badIdsExitWith2() {
        assertEquals(2, Maya1Cli.execute("lm", "--model", golden().toString(), "--ids", "1,300", "--greedy", "1"));
        assertEquals(2, Maya1Cli.execute("lm", "--model", golden().toString(), "--ids", "1", "--greedy", "1", "--dtype", "q2"));
    }

    static float[] read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
