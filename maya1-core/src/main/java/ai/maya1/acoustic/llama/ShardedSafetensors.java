package ai.maya1.acoustic.llama;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * A {@code model.safetensors.index.json} and its shards as one {@link TensorSource}. Shard names must be plain
 * file names in the index's folder; each listed tensor must be in the shard the index names.
 */
final class ShardedSafetensors implements TensorSource {
    private final Path index;
    private final Map<String, SafetensorsFile> shards;
    private final Map<String, TensorData> tensors = new LinkedHashMap<>();

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> shards) {
        this.index = index;
        this.shards = shards;
    }

    static ShardedSafetensors open(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(index));
        } catch (IOException e) {
            throw new ModelFormatException(index, null, -1, "cannot read index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index, "weight_map", -1, "index has no weight_map object");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        ShardedSafetensors s = new ShardedSafetensors(index, shards);
        try {
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String file = e.getValue().asText("");
                if (!e.getValue().isTextual() || file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new ModelFormatException(index, e.getKey(), -1, "shard name '" + file + "' must be a plain file name");
                }
                SafetensorsFile shard = shards.get(file);
                if (shard == null) {
                    shard = SafetensorsFile.open(index.resolveSibling(file));
                    shards.put(file, shard);
                }
                Optional<TensorData> td = shard.find(e.getKey());
                if (td.isEmpty()) {
                    throw new ModelFormatException(shard.path(), e.getKey(), -1, "tensor listed in the index is not in this shard");
                }
                s.tensors.put(e.getKey(), td.get());
            }
            return s;
        } catch (RuntimeException ex) {
            s.close();
            throw ex;
        }
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(tensors.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public Path path() {
        return index;
    }

    @Override
    public String formatName() {
        return "safetensors index (" + shards.size() + " shards)";
    }

    @Override
    public void close() {
        for (SafetensorsFile f : shards.values()) {
            f.close();
        }
    }
}
