package ai.maya1.tokenizer;

import ai.maya1.Maya1Exception;

/**
 * A description or text given to the Maya1 prompt builder is not acceptable: empty, too long, holds a control
 * character, a lone surrogate, a char that would break out of {@code <description="...">}, or (in strict mode) an
 * unknown {@code <tag>}. {@link #field()} says which input and {@link #position()} the UTF-16 index of the problem.
 */
public class InvalidTextException extends Maya1Exception {
    private final String field;
    private final int position;
    private final String reason;

    public InvalidTextException(String field, int position, String message) {
        super(field + " at position " + position + ": " + message);
        this.field = field;
        this.position = position;
        this.reason = message;
    }

    /** What is wrong, without the field and position (for callers that name the input in their own terms). */
    public String reason() {
        return reason;
    }

    /** "description" or "text". */
    public String field() {
        return field;
    }

    /** UTF-16 index of the offending char in the input (the limit for a too-long input, 0 for an empty one). */
    public int position() {
        return position;
    }
}
