package ai.maya1.acoustic;

/**
 * What a generation did.
 *
 * @param promptTokens    prompt length
 * @param generatedTokens tokens sampled (including CODE_END if emitted)
 * @param frames          complete frames delivered
 * @param finishReason    why it stopped
 * @param prefillNanos    wall time of the prompt pass
 * @param decodeNanos     wall time of the token-by-token steps
 * @param error           the error when finishReason is ERROR, else null
 */
public record GenerationResult(int promptTokens, int generatedTokens, int frames, FinishReason finishReason, long prefillNanos,
                               long decodeNanos, Throwable error) {
    /** Decode throughput in tokens per second (0 when nothing was decoded). */
    public double decodeTokensPerSecond() {
        return decodeNanos <= 0 ? 0 : generatedTokens * 1e9 / decodeNanos;
    }
}
