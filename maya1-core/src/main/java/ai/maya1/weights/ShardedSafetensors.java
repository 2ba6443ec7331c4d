package ai.maya1.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * A sharded safetensors checkpoint: {@code model.safetensors.index.json} ({@code weight_map}: tensor name to
 * shard file name) plus its shard files in the same folder. Every shard is opened and validated; the union of
 * the shards' tensors must equal the index exactly (no tensor missing, none unlisted, none in two shards), and
 * shard names must be plain file names in the index's folder (no path traversal).
 */
public final class ShardedSafetensors implements TensorSource {
    /** Index files are small (~30 KB for a 3B model); 16 MB is generous. */
    static final long MAX_INDEX_BYTES = 16L * 1024 * 1024;
    static final int MAX_SHARDS = 4096;

    private final Path index;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> byName;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    private ShardedSafetensors(Path index, List<SafetensorsFile> shards, Map<String, SafetensorsFile> byName, Map<String, String> metadata) {
        this.index = index;
        this.shards = shards;
        this.byName = byName;
        this.metadata = metadata;
    }

    /** Opens the index file and all shards it names. */
    public static ShardedSafetensors open(Path indexFile) {
        JsonNode root = ModelJson.read(indexFile, MAX_INDEX_BYTES);
        if (!root.isObject()) {
            throw new ModelFormatException(indexFile, "safetensors index is not a JSON object");
        }
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new ModelFormatException(indexFile, "weight_map", -1, "safetensors index has no weight_map object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && md.isObject()) {
            md.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        }
        Map<String, String> nameToShard = new LinkedHashMap<>();
        Map<String, Path> shardPaths = new LinkedHashMap<>();
        Path dir = indexFile.toAbsolutePath().getParent();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(indexFile, e.getKey(), -1, "weight_map value is not a file name");
            }
            String shard = e.getValue().asText();
            if (!shardPaths.containsKey(shard)) {
                if (!isPlainFileName(shard)) {
                    throw new ModelFormatException(indexFile, e.getKey(), -1, "shard name '" + shard + "' is not a plain file name in the index's folder");
                }
                if (shardPaths.size() >= MAX_SHARDS) {
                    throw new ModelFormatException(indexFile, "more than " + MAX_SHARDS + " shards");
                }
                Path p = dir.resolve(shard);
                if (!Files.isRegularFile(p)) {
                    throw new ModelFormatException(indexFile, e.getKey(), -1, "shard file " + shard + " does not exist");
                }
                shardPaths.put(shard, p);
            }
            nameToShard.put(e.getKey(), shard);
        }
        if (nameToShard.isEmpty()) {
            throw new ModelFormatException(indexFile, "weight_map", -1, "weight_map is empty");
        }
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> shardFiles = new LinkedHashMap<>();
            for (Map.Entry<String, Path> s : shardPaths.entrySet()) {
                SafetensorsFile f = SafetensorsFile.open(s.getValue());
                opened.add(f);
                shardFiles.put(s.getKey(), f);
            }
            Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : nameToShard.entrySet()) {
                SafetensorsFile f = shardFiles.get(e.getValue());
                if (f.find(e.getKey()).isEmpty()) {
                    throw new ModelFormatException(f.path(), e.getKey(), -1, "tensor listed in " + indexFile.getFileName() + " is missing from its shard");
                }
                byName.put(e.getKey(), f);
            }
            for (Map.Entry<String, SafetensorsFile> s : shardFiles.entrySet()) {
                for (String n : s.getValue().names()) {
                    SafetensorsFile owner = byName.get(n);
                    if (owner == null) {
                        throw new ModelFormatException(s.getValue().path(), n, -1, "tensor is not listed in " + indexFile.getFileName());
                    }
                    if (owner != s.getValue()) {
                        throw new ModelFormatException(s.getValue().path(), n, -1, "tensor is also stored in " + owner.path().getFileName()
                                + " (the index assigns it there)");
                    }
                }
            }
            return new ShardedSafetensors(indexFile, List.copyOf(opened), Collections.unmodifiableMap(byName), Collections.unmodifiableMap(metadata));
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    static boolean isPlainFileName(String s) {
        return !s.isEmpty() && s.length() <= 255 && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('\\') < 0
                && s.indexOf(':') < 0 && s.indexOf('\0') < 0;
    }

    /** The shard files, in index order. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(byName.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        if (closed) {
            throw new IllegalStateException("sharded checkpoint is closed: " + index);
        }
        SafetensorsFile f = byName.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Path path() {
        return index;
    }

    @Override
    public String formatName() {
        return "safetensors (sharded, " + shards.size() + " files)";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shards.forEach(SafetensorsFile::close);
        }
    }
}
