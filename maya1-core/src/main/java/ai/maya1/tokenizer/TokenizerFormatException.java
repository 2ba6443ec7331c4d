package ai.maya1.tokenizer;

import ai.maya1.weights.ModelFormatException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A tokenizer.json (or an equivalent tree built from GGUF metadata) is malformed, hostile, or uses a feature this
 * tokenizer does not implement. {@link #item()} names the JSON field, e.g. {@code normalizer.type} or
 * {@code model.merges[17]}.
 */
public class TokenizerFormatException extends ModelFormatException {
    public TokenizerFormatException(String source, String field, String message) {
        super(toPath(source), field, -1, message);
    }

    public TokenizerFormatException(String source, String field, String message, Throwable cause) {
        super(toPath(source), field, -1, message, cause);
    }

    private static Path toPath(String source) {
        if (source == null) {
            return null;
        }
        try {
            return Path.of(source);
        } catch (InvalidPathException e) {
            return Path.of(source.replaceAll("[^\\p{Alnum}._/-]", "_"));
        }
    }
}
