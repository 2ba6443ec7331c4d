package ai.maya1;

/**
 * Root of every exception the SDK throws on purpose. Subclasses name what was wrong (a file, a tensor,
 * an offset, a token, a request field) so callers can react without parsing messages.
 */
public class Maya1Exception extends RuntimeException {
    public Maya1Exception(String message) {
        super(message);
    }

    public Maya1Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
