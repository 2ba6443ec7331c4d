package ai.maya1.onnx.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Where graphs exported on the fly from a checkpoint folder are kept: {@code maya1.onnx.cache} or
 * {@code ~/.cache/maya1-java/onnx}, one sub-folder per (folder, file sizes, modification times, exporter
 * version), filled atomically (exported into a temporary sibling, then renamed).
 */
public final class OnnxModelCache {
    public static final String CACHE_PROPERTY = "maya1.onnx.cache";
    /** Bump when the exported graphs change. */
    public static final String EXPORTER_VERSION = "1";

    private OnnxModelCache() {
    }

    public static Path root() {
        String p = System.getProperty(CACHE_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "maya1-java", "onnx");
    }

    /** The cache folder for graphs exported from {@code modelFolder} with {@code variant}. */
    public static Path folderFor(Path modelFolder, String variant) throws IOException {
        StringBuilder key = new StringBuilder(modelFolder.toAbsolutePath().normalize().toString()).append('|').append(variant)
                .append('|').append(EXPORTER_VERSION);
        try (Stream<Path> files = Files.list(modelFolder)) {
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f)) {
                    key.append('|').append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                            .append(Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return root().resolve(variant + "-" + HexFormat.of().formatHex(h, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exporter callback writing into a fresh folder. */
    @FunctionalInterface
    public interface Export {
        void into(Path folder) throws IOException;
    }

    /** Returns {@code target}, exporting into it first when it does not exist yet. */
    public static Path ensure(Path target, Export export) throws IOException {
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp");
        try {
            export.into(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } finally {
            if (Files.exists(tmp)) {
                try (Stream<Path> s = Files.list(tmp)) {
                    for (Path f : s.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(tmp);
            }
        }
        return target;
    }
}
