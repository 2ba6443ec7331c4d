package ai.maya1.tts;

/**
 * The prompt of a request (voice description plus text, or one piece of a split text) takes more tokens than the
 * model's context leaves room for. {@link #field()} is {@code "text"}; {@link #promptTokens()} and
 * {@link #maxPromptTokens()} let a caller (a server) phrase the limit in its own terms.
 */
public class PromptTooLongException extends InvalidRequestException {
    private final int promptTokens;
    private final int maxPromptTokens;

    public PromptTooLongException(int promptTokens, int maxPromptTokens, String message) {
        super("text", message);
        this.promptTokens = promptTokens;
        this.maxPromptTokens = maxPromptTokens;
    }

    /** Tokens the prompt took. */
    public int promptTokens() {
        return promptTokens;
    }

    /** The most prompt tokens that leave room for generation in the context. */
    public int maxPromptTokens() {
        return maxPromptTokens;
    }
}
