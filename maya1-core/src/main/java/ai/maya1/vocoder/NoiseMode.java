package ai.maya1.vocoder;

/**
 * How SNAC's NoiseBlocks draw their noise. The reference adds fresh Gaussian noise on every call; here it comes
 * from a counter-based generator keyed by (seed, block, batch item, absolute latent position), so the audio does
 * not depend on how frames are chunked or batched.
 */
public sealed interface NoiseMode {
    /** No noise: NoiseBlocks are an exact identity (deterministic tests, golden comparison). */
    record Zero() implements NoiseMode {
    }

    /** Counter-based Gaussian noise from {@code seed}. */
    record Seeded(long seed) implements NoiseMode {
    }

    /**
     * Caller-supplied noise, e.g. the tensors a reference run drew: {@code perBlock[k][b][t]} is the value the
     * NoiseBlock of decoder block {@code k} (0 = the first up-sampling block) uses for batch item {@code b} at
     * position {@code t} of that block's output (shared by all channels, as in the reference). Decoding more
     * positions than supplied fails with an {@link IllegalArgumentException}. The arrays are not copied.
     */
    record Given(float[][][] perBlock) implements NoiseMode {
    }

    static NoiseMode zero() {
        return new Zero();
    }

    static NoiseMode seeded(long seed) {
        return new Seeded(seed);
    }

    static NoiseMode given(float[][][] perBlock) {
        return new Given(perBlock);
    }
}
