package ai.maya1.vocoder;

import ai.maya1.Maya1Exception;

/** A SNAC code or code token is out of range; {@link #position()} says where in the input. */
public class InvalidCodeException extends Maya1Exception {
    private final long position;

    public InvalidCodeException(String message, long position) {
        super(message);
        this.position = position;
    }

    public long position() {
        return position;
    }
}
