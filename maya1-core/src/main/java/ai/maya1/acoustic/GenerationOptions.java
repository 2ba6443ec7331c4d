package ai.maya1.acoustic;

/**
 * Per-call generation settings.
 *
 * @param sampling      sampling settings
 * @param seed          seed of this request's own RNG
 * @param maxNewTokens  hard limit of generated tokens (> 0)
 * @param minNewTokens  CODE_END is not allowed before this many tokens (Maya1: 28 = 4 frames)
 * @param constrained   frame-constrained decoding: slot k of a frame may only emit codebook-k ids and CODE_END
 *                      only at a frame boundary, so every frame is valid; only the allowed head rows are computed
 * @param deadlineNanos {@code System.nanoTime()} after which generation stops with DEADLINE; {@code Long.MAX_VALUE} for none
 */
public record GenerationOptions(SamplingParams sampling, long seed, int maxNewTokens, int minNewTokens, boolean constrained,
                                long deadlineNanos) {
    public static final int MAYA1_MIN_NEW_TOKENS = 28;

    public GenerationOptions {
        if (sampling == null) {
            throw new IllegalArgumentException("sampling is required");
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        if (minNewTokens < 0) {
            throw new IllegalArgumentException("minNewTokens must be >= 0, got " + minNewTokens);
        }
    }

    public static GenerationOptions maya1Defaults(long seed, int maxNewTokens) {
        return new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, seed, maxNewTokens, MAYA1_MIN_NEW_TOKENS, true, Long.MAX_VALUE);
    }
}
