package ai.maya1.tts;

import ai.maya1.Maya1Exception;

/** A {@link SpeechRequest} or {@link Maya1Config} value is not acceptable; {@link #field()} names which one. */
public class InvalidRequestException extends Maya1Exception {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidRequestException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The request or configuration field at fault, e.g. {@code "text"}, {@code "maxTokens"}. */
    public String field() {
        return field;
    }
}
