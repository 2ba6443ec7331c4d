package ai.maya1.weights;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * A validated, read-only set of named tensors backed by one or more files (safetensors, a sharded index,
 * a PyTorch checkpoint, GGUF). Opening validates the whole layout; tensor bytes stay mapped and are only read
 * when a kernel touches them. Closing unmaps; closing twice is safe; tensors must not be used after close.
 */
public interface TensorSource extends AutoCloseable {

    /** Tensor names in file order. */
    SequencedSet<String> names();

    /** The tensor, or empty. */
    Optional<TensorData> find(String name);

    /** The tensor, or a {@link ModelFormatException} naming the missing tensor and the file. */
    default TensorData get(String name) {
        return find(name).orElseThrow(() -> new ModelFormatException(path(), name, -1, "missing tensor"));
    }

    /** String metadata ({@code __metadata__} of safetensors, GGUF key/values rendered as strings). */
    Map<String, String> metadata();

    /** The file or folder this source was opened from. */
    Path path();

    /** Format name for display, e.g. "safetensors", "gguf v3", "pytorch zip". */
    String formatName();

    @Override
    void close();
}
