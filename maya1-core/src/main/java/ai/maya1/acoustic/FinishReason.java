package ai.maya1.acoustic;

/** Why generation stopped. */
public enum FinishReason {
    /** The model emitted CODE_END (128258): the utterance is complete. */
    END_OF_SPEECH,
    /** The max-new-tokens limit was reached before CODE_END. */
    MAX_TOKENS,
    /** The KV cache / context length was exhausted. */
    CONTEXT_FULL,
    /** The caller cancelled (listener, stream close, interrupt). */
    CANCELLED,
    /** The request's deadline passed. */
    DEADLINE,
    /** An error ended generation; the result carries it. */
    ERROR
}
