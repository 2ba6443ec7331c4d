package ai.maya1.weights;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * Tensors built in memory rather than read from a file (generated weights, tests, benchmarks), in insertion order.
 * Subclasses that own off-heap memory free it in {@link #close()}.
 */
public class InMemoryTensorSource implements TensorSource {
    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final String label;

    /** @param label shown as the format name and, in angle brackets, as the path (e.g. "random" -> {@code <random>}) */
    public InMemoryTensorSource(String label) {
        this.label = label;
    }

    /** Adds (or replaces) a tensor under its own name. */
    public InMemoryTensorSource add(TensorData tensor) {
        tensors.put(tensor.name(), tensor);
        return this;
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
        return Path.of("<" + label + ">");
    }

    @Override
    public String formatName() {
        return label;
    }

    /** Nothing to free for heap-backed tensors. Idempotent. */
    @Override
    public void close() {
    }
}
