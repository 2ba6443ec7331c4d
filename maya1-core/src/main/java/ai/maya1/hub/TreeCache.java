package ai.maya1.hub;

import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * huggingface_hub's on-disk tree listing cache, {@code models--org--name/trees/{commit}.json}
 * ({@code format_version} 1): per file its size, git blob id and, for LFS files, SHA-256 and size. Written
 * byte-for-byte as Python's {@code json.dump(data, f, indent=1)} writes it, sorted by path.
 */
final class TreeCache {
    static final int FORMAT_VERSION = 1;

    /** One file of a commit: size, git blob id, and for LFS files the SHA-256 and size. */
    record Entry(long size, String blobId, String lfsSha256, Long lfsSize) {
        /** The etag the resolve endpoint announces: the LFS SHA-256, else the git blob id. */
        String etag() {
            return lfsSha256 != null ? lfsSha256 : blobId;
        }

        long fileSize() {
            return lfsSize != null ? lfsSize : size;
        }
    }

    private TreeCache() {
    }

    static Path path(Path repoFolder, String commit) {
        return repoFolder.resolve("trees").resolve(commit + ".json");
    }

    /** The cached listing, or null when absent, of another format, or unreadable (as huggingface_hub). */
    static Map<String, Entry> read(Path repoFolder, String commit) {
        Path p = path(repoFolder, commit);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode root = ModelJson.read(p, 64L * 1024 * 1024);
            if (root.path("format_version").asInt(-1) != FORMAT_VERSION || !root.path("files").isObject()) {
                return null;
            }
            Map<String, Entry> out = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : root.get("files").properties()) {
                JsonNode v = e.getValue();
                out.put(HfCache.checkFilename(e.getKey()), new Entry(v.path("size").asLong(), v.path("blob_id").asText(null),
                        v.hasNonNull("lfs_sha256") ? v.get("lfs_sha256").asText() : null, v.hasNonNull("lfs_size") ? v.get("lfs_size").asLong() : null));
            }
            return Collections.unmodifiableMap(out);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void write(Path repoFolder, String commit, Map<String, Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n \"format_version\": ").append(FORMAT_VERSION).append(",\n \"files\": {");
        boolean first = true;
        for (Map.Entry<String, Entry> e : new TreeMap<>(entries).entrySet()) {
            Entry v = e.getValue();
            sb.append(first ? "\n" : ",\n").append("  ").append(pyString(e.getKey())).append(": {\n");
            sb.append("   \"size\": ").append(v.size()).append(",\n");
            sb.append("   \"blob_id\": ").append(pyString(v.blobId()));
            if (v.lfsSha256() != null) {
                sb.append(",\n   \"lfs_sha256\": ").append(pyString(v.lfsSha256()));
                sb.append(",\n   \"lfs_size\": ").append(v.lfsSize());
            }
            sb.append("\n  }");
            first = false;
        }
        sb.append(first ? "}\n}" : "\n }\n}");
        Path p = path(repoFolder, commit);
        Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling(commit + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A JSON string as Python's json module writes it (ensure_ascii). */
    static String pyString(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
