package ai.maya1.acoustic;

/**
 * Sampling settings, applied in Hugging Face generate's order: repetition penalty (over prompt and generated
 * ids), temperature, top-k, top-p, min-p. Temperature 0 means greedy.
 *
 * @param temperature       0 for greedy, else > 0
 * @param topP              nucleus mass in (0, 1]; 1 disables
 * @param topK              0 disables
 * @param minP              0 disables
 * @param repetitionPenalty 1 disables; HF semantics (divide positive logits, multiply negative ones)
 */
public record SamplingParams(float temperature, float topP, int topK, float minP, float repetitionPenalty) {
    /** Maya1 author defaults: temperature 0.4, top-p 0.9, repetition penalty 1.1. */
    public static final SamplingParams MAYA1_DEFAULTS = new SamplingParams(0.4f, 0.9f, 0, 0f, 1.1f);
    /** Greedy decoding, no penalty. */
    public static final SamplingParams GREEDY = new SamplingParams(0f, 1f, 0, 0f, 1f);

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 and finite, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1), got " + minP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0 and finite, got " + repetitionPenalty);
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
