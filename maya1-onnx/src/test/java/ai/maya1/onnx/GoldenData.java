package ai.maya1.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The project's golden data ({@code testdata/golden}; system property maya1.golden.dir, set by the build), read in place. */
public final class GoldenData {
    private GoldenData() {
    }

    public static Path golden(String sub) {
        String p = System.getProperty("maya1.golden.dir");
        Path dir = p != null ? Paths.get(p) : Paths.get("..", "testdata", "golden");
        if (!Files.isDirectory(dir)) {
            dir = Paths.get("testdata", "golden");
        }
        return dir.resolve(sub).toAbsolutePath().normalize();
    }

    public static float[] f32(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            float[] out = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** codes.json case as [level][batch][time]. */
    public static int[][][] snacCodes(String caseName) {
        JsonNode c = json(golden("snac/codes.json")).get("cases").get(caseName).get("codes");
        int[][][] out = new int[3][][];
        for (int l = 0; l < 3; l++) {
            JsonNode lv = c.get(l);
            out[l] = new int[lv.size()][];
            for (int b = 0; b < lv.size(); b++) {
                out[l][b] = new int[lv.get(b).size()];
                for (int t = 0; t < out[l][b].length; t++) {
                    out[l][b][t] = lv.get(b).get(t).asInt();
                }
            }
        }
        return out;
    }

    public static float maxAbsDiff(float[] a, float[] b, int bOffset) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[bOffset + i]));
        }
        return m;
    }
}
