package ai.maya1.tts;

import ai.maya1.acoustic.SamplingParams;
import ai.maya1.audio.AudioFormat;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One thing to say: text, voice, sampling, seed, limits and output format. Immutable and validated when built;
 * per-engine settings (model, threads, context length) live in {@link Maya1Config} instead.
 *
 * <pre>{@code
 * SpeechRequest r = SpeechRequest.builder()
 *         .text("Hello from the JVM <laugh> this is a test.")
 *         .voice(Voice.description("Realistic male voice in the 30s age with american accent."))
 *         .seed(42)
 *         .build();
 * }</pre>
 *
 * <p>Text may contain Maya1's emotion tags ({@code <laugh>}, {@code <sigh>}, {@code <whisper>} ...). Long text is
 * split at sentence and clause boundaries and spoken piece by piece with the same voice and seed (see
 * {@link Builder#splitLongText(boolean)}).
 */
public final class SpeechRequest {
    /** Maya1 author default temperature. */
    public static final float DEFAULT_TEMPERATURE = 0.4f;
    /** Maya1 author default nucleus mass. */
    public static final float DEFAULT_TOP_P = 0.9f;
    /** Maya1 author default repetition penalty. */
    public static final float DEFAULT_REPETITION_PENALTY = 1.1f;
    /** Default limit of LM tokens per piece of text (2048 tokens = 292 frames, about 25 s of audio). */
    public static final int DEFAULT_MAX_TOKENS = 2048;
    /** Upper bound accepted by the builder; the engine further checks it against its context length. */
    public static final int MAX_TOKENS_LIMIT = 1 << 20;
    /** Longest text accepted in one request (characters). */
    public static final int MAX_TEXT_CHARS = 1_000_000;

    private final String text;
    private final Voice voice;
    private final SamplingParams sampling;
    private final Long seed;
    private final int maxTokens;
    private final AudioFormat format;
    private final Duration timeout;
    private final boolean splitLongText;

    private SpeechRequest(Builder b) {
        this.text = b.text;
        this.voice = b.voice == null ? Voice.defaultVoice() : b.voice;
        this.sampling = b.sampling();
        this.seed = b.seed;
        this.maxTokens = b.maxTokens;
        this.format = b.format;
        this.timeout = b.timeout;
        this.splitLongText = b.splitLongText;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shortcut: default voice, default sampling, no seed. */
    public static SpeechRequest of(String text) {
        return builder().text(text).build();
    }

    /** A builder pre-filled with this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.text = text;
        b.voice = voice;
        b.temperature = sampling.temperature();
        b.topP = sampling.topP();
        b.topK = sampling.topK();
        b.minP = sampling.minP();
        b.repetitionPenalty = sampling.repetitionPenalty();
        b.seed = seed;
        b.maxTokens = maxTokens;
        b.format = format;
        b.timeout = timeout;
        b.splitLongText = splitLongText;
        return b;
    }

    public String text() {
        return text;
    }

    public Voice voice() {
        return voice;
    }

    public SamplingParams sampling() {
        return sampling;
    }

    /** The seed, if one was given. Without one the engine draws a fresh seed per request. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** Limit of LM tokens per piece of text. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The format {@link Speech#bytes()} and the CLI/server use for this request. */
    public AudioFormat format() {
        return format;
    }

    /** Wall-clock limit of the whole request, or null for none (finish reason DEADLINE when it passes). */
    public Duration timeout() {
        return timeout;
    }

    public boolean splitLongText() {
        return splitLongText;
    }

    /**
     * Whether the same request always yields the same audio (a seed was given, or decoding is greedy): only such
     * requests are served from the {@link SpeechCache}.
     */
    public boolean deterministic() {
        return seed != null || sampling.greedy();
    }

    @Override
    public String toString() {
        return "SpeechRequest[text=" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + ", voice=" + voice
                + ", sampling=" + sampling + ", seed=" + seed + ", maxTokens=" + maxTokens + ", format=" + format + "]";
    }

    /** Builder; every setter validates its argument and throws {@link InvalidRequestException} naming the field. */
    public static final class Builder {
        private String text;
        private Voice voice;
        private float temperature = DEFAULT_TEMPERATURE;
        private float topP = DEFAULT_TOP_P;
        private int topK = 0;
        private float minP = 0f;
        private float repetitionPenalty = DEFAULT_REPETITION_PENALTY;
        private Long seed;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private AudioFormat format = AudioFormat.WAV;
        private Duration timeout;
        private boolean splitLongText = true;

        private Builder() {
        }

        /** The text to speak (required, not blank, at most {@link #MAX_TEXT_CHARS} characters). */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        public Builder voice(Voice voice) {
            this.voice = Objects.requireNonNull(voice, "voice");
            return this;
        }

        /** A voice preset by name (see {@link Maya1Tts#voicePresets()}). */
        public Builder voice(String presetName) {
            return voice(Voice.preset(presetName));
        }

        /** A free-form voice description. */
        public Builder description(String description) {
            return voice(Voice.description(description));
        }

        /** Sampling temperature, 0 for greedy (default 0.4). */
        public Builder temperature(float temperature) {
            if (!(temperature >= 0f && temperature <= 10f)) {
                throw new InvalidRequestException("temperature", "temperature must be in [0, 10], got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Nucleus sampling mass in (0, 1] (default 0.9). */
        public Builder topP(float topP) {
            if (!(topP > 0f && topP <= 1f)) {
                throw new InvalidRequestException("topP", "top-p must be in (0, 1], got " + topP);
            }
            this.topP = topP;
            return this;
        }

        /** Top-k, 0 to disable (default 0). */
        public Builder topK(int topK) {
            if (topK < 0) {
                throw new InvalidRequestException("topK", "top-k must be >= 0, got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Min-p in [0, 1), 0 to disable (default 0). */
        public Builder minP(float minP) {
            if (!(minP >= 0f && minP < 1f)) {
                throw new InvalidRequestException("minP", "min-p must be in [0, 1), got " + minP);
            }
            this.minP = minP;
            return this;
        }

        /** Repetition penalty, 1 to disable (default 1.1). */
        public Builder repetitionPenalty(float penalty) {
            if (!(penalty > 0f && penalty <= 10f)) {
                throw new InvalidRequestException("repetitionPenalty", "repetition penalty must be in (0, 10], got " + penalty);
            }
            this.repetitionPenalty = penalty;
            return this;
        }

        /** Seed of the request's RNG; with a seed the same request gives the same audio. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Removes the seed (a fresh one is drawn per request). */
        public Builder noSeed() {
            this.seed = null;
            return this;
        }

        /** Limit of LM tokens per piece of text (7 tokens per 85 ms frame; default 2048). */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
                throw new InvalidRequestException("maxTokens", "max tokens must be in [1, " + MAX_TOKENS_LIMIT + "], got " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder format(AudioFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Wall-clock limit of the request (null for none). */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new InvalidRequestException("timeout", "timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Split long text into sentence/clause pieces (default true); false sends it to the model in one go. */
        public Builder splitLongText(boolean split) {
            this.splitLongText = split;
            return this;
        }

        private SamplingParams sampling() {
            return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty);
        }

        public SpeechRequest build() {
            if (text == null) {
                throw new InvalidRequestException("text", "text is required");
            }
            if (text.isBlank()) {
                throw new InvalidRequestException("text", "text is empty");
            }
            if (text.length() > MAX_TEXT_CHARS) {
                throw new InvalidRequestException("text", "text has " + text.length() + " characters, more than " + MAX_TEXT_CHARS);
            }
            return new SpeechRequest(this);
        }
    }
}
