package ai.maya1.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Strict, bounded JSON reading for model-side files (config.json, tokenizer.json, shard indexes): duplicate keys
 * and trailing content are errors, nesting and string lengths are capped, and the file size is checked before
 * anything is read, so a hostile file cannot exhaust memory.
 */
public final class ModelJson {
    /** Largest JSON file read (tokenizer.json of large vocabularies is ~10-20 MB). */
    public static final long MAX_JSON_BYTES = 256L * 1024 * 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200).maxStringLength(64 * 1024 * 1024).maxNumberLength(400).build());
    }

    private ModelJson() {
    }

    /** The shared strict mapper (do not reconfigure). */
    public static ObjectMapper mapper() {
        return STRICT;
    }

    /** Reads {@code file} as one JSON value, at most {@code maxBytes} long. */
    public static JsonNode read(Path file, long maxBytes) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read file: " + e.getMessage());
        }
        if (size > maxBytes) {
            throw new ModelFormatException(file, null, 0, "JSON file of " + size + " bytes exceeds the limit of " + maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            JsonNode n = STRICT.readTree(in);
            if (n == null || n.isMissingNode()) {
                throw new ModelFormatException(file, null, 0, "empty JSON file");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            long off = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new ModelFormatException(file, null, off, "invalid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read file: " + e.getMessage());
        }
    }

    /** Reads {@code file} with the default cap {@link #MAX_JSON_BYTES}. */
    public static JsonNode read(Path file) {
        return read(file, MAX_JSON_BYTES);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
