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

    static NoiseMode zero() {
        return new Zero();
    }

    static NoiseMode seeded(long seed) {
        return new Seeded(seed);
    }
}
