package ai.maya1.vocoder.snac;

/**
 * Options of a {@link SnacStream}.
 *
 * @param trimWarmup       drop the first {@link SnacDecoder#warmupSamples()} samples of the stream (2048 at
 *                         24 kHz), as the Maya1 reference does; same effect as {@code decode(..., trimWarmup=true)}
 * @param lowLatency       emit audio for every frame as soon as it arrives, decoding the not-yet-final tail as if
 *                         the stream ended there (zero future) and cross-fading to the corrected audio on the next
 *                         push. Not exact: see docs/vocoder.md for the measured error. Costs a provisional flush
 *                         per push.
 * @param crossfadeSamples low-latency only: samples held back after each push and cross-faded into the next
 *                         estimate (1 .. samplesPerFrame-1)
 */
public record SnacStreamOptions(boolean trimWarmup, boolean lowLatency, int crossfadeSamples) {
    /** Default cross-fade: 256 samples (10.7 ms at 24 kHz). */
    public static final int DEFAULT_CROSSFADE = 256;

    public SnacStreamOptions {
        if (lowLatency && crossfadeSamples < 1) {
            throw new IllegalArgumentException("crossfadeSamples must be >= 1 in low-latency mode, got " + crossfadeSamples);
        }
    }

    /** Exact streaming, nothing trimmed. */
    public static SnacStreamOptions exact() {
        return new SnacStreamOptions(false, false, DEFAULT_CROSSFADE);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private boolean trimWarmup;
        private boolean lowLatency;
        private int crossfadeSamples = DEFAULT_CROSSFADE;

        public Builder trimWarmup(boolean v) {
            trimWarmup = v;
            return this;
        }

        public Builder lowLatency(boolean v) {
            lowLatency = v;
            return this;
        }

        public Builder crossfadeSamples(int v) {
            crossfadeSamples = v;
            return this;
        }

        public SnacStreamOptions build() {
            return new SnacStreamOptions(trimWarmup, lowLatency, crossfadeSamples);
        }
    }
}
