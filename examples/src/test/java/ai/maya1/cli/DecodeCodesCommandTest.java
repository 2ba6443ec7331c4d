package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maya1 decode-codes} on the golden reduced SNAC model (a temp folder with config.json + model.safetensors). */
class DecodeCodesCommandTest {
    @TempDir
    Path dir;
    Path snac;

    @BeforeEach
    void snacFolder() throws IOException {
        snac = Files.createDirectories(dir.resolve("snac"));
        Path g = InspectCommandTest.golden("snac");
        Files.copy(g.resolve("config_reduced.json"), snac.resolve("config.json"));
        Files.createSymbolicLink(snac.resolve("model.safetensors"), g.resolve("weights_reduced.safetensors").toAbsolutePath());
    }

    Path codesFile(String caseName) throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode all = m.readTree(InspectCommandTest.golden("snac/codes.json").toFile());
        ObjectNode root = m.createObjectNode();
        root.set("codes", all.get("cases").get(caseName).get("codes"));
        Path p = dir.resolve(caseName + ".json");
        m.writeValue(p.toFile(), root);
        return p;
    }

    static float[] f32(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static float maxErr(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void decodesTheBatchCaseOfflineAndStreamedToTheGoldenAudio() throws IOException {
        Path codes = codesFile("case4_batch2");
        float[] expected = f32(InspectCommandTest.golden("snac/case4_batch2_audio.f32"));
        for (String[] extra : new String[][] {{}, {"--stream", "2"}, {"--stream", "1"}}) {
            Path wav = dir.resolve("out.wav");
            Path raw = dir.resolve("out.f32");
            String[] args = {"decode-codes", "--snac", snac.toString(), "--codes", codes.toString(), "--out", wav.toString(),
                    "--raw-f32", raw.toString(), "--noise", "zero", "--threads", "2"};
            if (extra.length > 0) {
                args = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra)).toArray(String[]::new);
            }
            InspectCommandTest.Run r = InspectCommandTest.run(args);
            assertEquals(0, r.code(), r.err());
            float[] got = f32(raw);
            assertEquals(expected.length, got.length);
            assertTrue(maxErr(expected, got) <= 1e-4f, "max error " + maxErr(expected, got));
            byte[] w = Files.readAllBytes(wav);
            assertEquals(44 + 2 * expected.length, w.length);
            ByteBuffer h = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(24000, h.getInt(24));
            assertEquals(16, h.getShort(34));
            assertEquals(Math.round(expected[100] * 32767f), h.getShort(44 + 200), 1);
        }
    }

    @Test
    void seededNoiseIsTheSameOfflineAndStreamed() throws IOException {
        Path codes = codesFile("case3");
        Path a = dir.resolve("a.f32");
        Path b = dir.resolve("b.f32");
        assertEquals(0, InspectCommandTest.run("decode-codes", "--snac", snac.toString(), "--codes", codes.toString(), "--out",
                dir.resolve("a.wav").toString(), "--raw-f32", a.toString(), "--noise", "seed:5").code());
        assertEquals(0, InspectCommandTest.run("decode-codes", "--snac", snac.toString(), "--codes", codes.toString(), "--out",
                dir.resolve("b.wav").toString(), "--raw-f32", b.toString(), "--noise", "seed:5", "--stream", "3").code());
        float[] fa = f32(a);
        assertEquals(16 * 2048, fa.length);
        assertTrue(maxErr(fa, f32(b)) <= 1e-4f);
        float[] plain = f32(InspectCommandTest.golden("snac/case3_audio.f32"));
        assertTrue(maxErr(fa, plain) > 1e-3f, "seeded noise must change the audio");
    }

    @Test
    void badInputGivesOneErrorLineAndExitCode2() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"codes\": [[[1]], [[2, 3]], [[4, 5, 6, 4096]]]}");
        InspectCommandTest.Run r = InspectCommandTest.run("decode-codes", "--snac", snac.toString(), "--codes", bad.toString(), "--out",
                dir.resolve("x.wav").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("4096") && r.err().contains("index 3"), r.err());
        r = InspectCommandTest.run("decode-codes", "--snac", snac.toString(), "--codes", codesFile("case1").toString(), "--out",
                dir.resolve("x.wav").toString(), "--noise", "loud");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--noise"), r.err());
        r = InspectCommandTest.run("decode-codes", "--snac", dir.toString(), "--codes", codesFile("case1").toString(), "--out",
                dir.resolve("x.wav").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("config.json"), r.err());
    }
}
