package ai.maya1.weights;

import ai.maya1.Maya1Exception;
import java.nio.file.Path;

/**
 * A model file (weights, tokenizer, config) is malformed, hostile, or uses something this SDK does not support.
 * It names the file and, where known, the tensor or field and the byte offset.
 */
public class ModelFormatException extends Maya1Exception {
    private final Path file;
    private final String item;
    private final long offset;

    public ModelFormatException(Path file, String item, long offset, String message) {
        super(format(file, item, offset, message));
        this.file = file;
        this.item = item;
        this.offset = offset;
    }

    public ModelFormatException(Path file, String message) {
        this(file, null, -1, message);
    }

    public ModelFormatException(Path file, String item, long offset, String message, Throwable cause) {
        super(format(file, item, offset, message), cause);
        this.file = file;
        this.item = item;
        this.offset = offset;
    }

    /** The offending file, or null when not file-based. */
    public Path file() {
        return file;
    }

    /** The tensor name or field, or null. */
    public String item() {
        return item;
    }

    /** Byte offset in the file, or -1. */
    public long offset() {
        return offset;
    }

    /** The bare description, without the location suffix. */
    public String reason() {
        String m = getMessage();
        int i = m.lastIndexOf(" (");
        return i > 0 ? m.substring(0, i) : m;
    }

    private static String format(Path file, String item, long offset, String message) {
        StringBuilder sb = new StringBuilder(message).append(" (").append(file == null ? "<memory>" : file.toString());
        if (item != null) {
            sb.append(", ").append(item);
        }
        if (offset >= 0) {
            sb.append(", offset ").append(offset);
        }
        return sb.append(')').toString();
    }
}
