package ai.maya1.cuda;

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

    public static float[] f32(String sub) {
        try {
            byte[] b = Files.readAllBytes(golden(sub));
            float[] out = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String sub) {
        try {
            return new ObjectMapper().readTree(Files.readString(golden(sub)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
