package ai.maya1.hub;

import ai.maya1.Maya1Exception;

/** A Hugging Face Hub request or cache operation failed; {@link #status()} is the HTTP status, or -1. */
public class HubException extends Maya1Exception {
    private final int status;

    public HubException(String message) {
        this(message, -1, null);
    }

    public HubException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
