package ai.maya1.tts;

import ai.maya1.Maya1Exception;

/**
 * A model source could not be found locally. The message says where the SDK looked and how to fetch the model
 * ({@link #hint()}, e.g. {@code ./maya1 download maya-research/maya1}).
 */
public class ModelNotFoundException extends Maya1Exception {
    private final transient ModelSource source;
    private final String hint;

    public ModelNotFoundException(ModelSource source, String message, String hint) {
        super(message + (hint == null || hint.isBlank() ? "" : "; " + hint));
        this.source = source;
        this.hint = hint;
    }

    public ModelSource source() {
        return source;
    }

    /** What to do about it, for a user. */
    public String hint() {
        return hint;
    }
}
