package ai.maya1.onnx.export;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * The checkpoint of a Hugging Face model folder: {@code model.safetensors.index.json} (shards) or
 * {@code model.safetensors}. (The SDK-wide {@code TensorSources.open} covers more formats; the exporter only
 * needs these two.)
 */
public final class ShardedSafetensors implements TensorSource {
    private final Path folder;
    private final List<SafetensorsFile> files = new ArrayList<>();
    private final Map<String, SafetensorsFile> byName = new LinkedHashMap<>();

    private ShardedSafetensors(Path folder) {
        this.folder = folder;
    }

    public static TensorSource open(Path folder) {
        Path index = folder.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            ShardedSafetensors s = new ShardedSafetensors(folder);
            try {
                JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
                if (!map.isObject()) {
                    throw new ModelFormatException(index, "weight_map", -1, "missing or not an object");
                }
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                for (var it = map.properties().iterator(); it.hasNext();) {
                    var e = it.next();
                    String shard = e.getValue().asText();
                    Path p = folder.resolve(shard).normalize();
                    if (!p.startsWith(folder.normalize()) || shard.contains("/") || shard.contains("\\")) {
                        throw new ModelFormatException(index, e.getKey(), -1, "shard name '" + shard + "' leaves the model folder");
                    }
                    SafetensorsFile f = shards.get(shard);
                    if (f == null) {
                        f = SafetensorsFile.open(p);
                        shards.put(shard, f);
                        s.files.add(f);
                    }
                    if (f.find(e.getKey()).isEmpty()) {
                        throw new ModelFormatException(p, e.getKey(), -1, "tensor listed in the index is missing from its shard");
                    }
                    s.byName.put(e.getKey(), f);
                }
                return s;
            } catch (IOException e) {
                s.close();
                throw new ModelFormatException(index, "cannot read index: " + e.getMessage());
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        }
        Path single = folder.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        throw new ModelFormatException(folder, "no model.safetensors.index.json or model.safetensors in the folder");
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(byName.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public Path path() {
        return folder;
    }

    @Override
    public String formatName() {
        return "safetensors (sharded)";
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
