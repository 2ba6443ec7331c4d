package ai.maya1.spring.ai;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.audio.tts.TextToSpeechOptions;

/**
 * Maya1's speech options for Spring AI: the portable {@link TextToSpeechOptions} (voice, format, speed, model) plus
 * what Maya1 adds: a free-form voice {@code description}, a {@code seed} (same seed and text give the same audio)
 * and the sampling settings. Immutable; every field may be null, meaning "not set here" so that request options
 * override only what they set on top of the model's defaults ({@link Builder#merge}).
 *
 * <ul>
 *   <li>{@code voice}: a Maya1 voice preset name such as {@code narrator} ({@code Maya1Tts#voicePresets()});
 *       {@code description}: a Maya1 voice description ("Realistic male voice in the 30s age with american accent.
 *       Normal pitch, warm timbre, conversational pacing."). One or the other.</li>
 *   <li>{@code format}: {@code wav} (default), {@code pcm} (s16le 24 kHz), {@code mp3}, {@code ulaw}, {@code alaw},
 *       {@code wav16k}, ... as {@code ai.maya1.audio.AudioFormat#parse}.</li>
 *   <li>{@code speed}: Maya1 has no speed control (pace comes from the description); only null or 1.0 are
 *       accepted, anything else is rejected rather than silently ignored.</li>
 *   <li>{@code model}: informational; the engine's model is chosen when it starts.</li>
 * </ul>
 */
public final class Maya1TextToSpeechOptions implements TextToSpeechOptions {
    private final @Nullable String model;
    private final @Nullable String voice;
    private final @Nullable String description;
    private final @Nullable String format;
    private final @Nullable Double speed;
    private final @Nullable Long seed;
    private final @Nullable Double temperature;
    private final @Nullable Double topP;
    private final @Nullable Integer topK;
    private final @Nullable Double minP;
    private final @Nullable Double repetitionPenalty;
    private final @Nullable Integer maxTokens;

    private Maya1TextToSpeechOptions(Builder b) {
        this.model = b.model;
        this.voice = b.voice;
        this.description = b.description;
        this.format = b.format;
        this.speed = b.speed;
        this.seed = b.seed;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.topK = b.topK;
        this.minP = b.minP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.maxTokens = b.maxTokens;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding a copy of these options. */
    public Builder mutate() {
        return new Builder().merge(this);
    }

    @Override
    public @Nullable String getModel() {
        return model;
    }

    /** The voice preset name. */
    @Override
    public @Nullable String getVoice() {
        return voice;
    }

    /** The free-form voice description. */
    public @Nullable String getDescription() {
        return description;
    }

    @Override
    public @Nullable String getFormat() {
        return format;
    }

    @Override
    public @Nullable Double getSpeed() {
        return speed;
    }

    public @Nullable Long getSeed() {
        return seed;
    }

    public @Nullable Double getTemperature() {
        return temperature;
    }

    public @Nullable Double getTopP() {
        return topP;
    }

    public @Nullable Integer getTopK() {
        return topK;
    }

    public @Nullable Double getMinP() {
        return minP;
    }

    public @Nullable Double getRepetitionPenalty() {
        return repetitionPenalty;
    }

    public @Nullable Integer getMaxTokens() {
        return maxTokens;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Maya1TextToSpeechOptions that && Objects.equals(model, that.model) && Objects.equals(voice, that.voice)
                && Objects.equals(description, that.description) && Objects.equals(format, that.format) && Objects.equals(speed, that.speed)
                && Objects.equals(seed, that.seed) && Objects.equals(temperature, that.temperature) && Objects.equals(topP, that.topP)
                && Objects.equals(topK, that.topK) && Objects.equals(minP, that.minP) && Objects.equals(repetitionPenalty, that.repetitionPenalty)
                && Objects.equals(maxTokens, that.maxTokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, voice, description, format, speed, seed, temperature, topP, topK, minP, repetitionPenalty, maxTokens);
    }

    @Override
    public String toString() {
        return "Maya1TextToSpeechOptions{model=" + model + ", voice=" + voice + ", description=" + description + ", format=" + format
                + ", speed=" + speed + ", seed=" + seed + ", temperature=" + temperature + ", topP=" + topP + ", topK=" + topK + ", minP=" + minP
                + ", repetitionPenalty=" + repetitionPenalty + ", maxTokens=" + maxTokens + "}";
    }

    /** Builder; also the portable {@link TextToSpeechOptions.Builder}. */
    public static final class Builder implements TextToSpeechOptions.Builder {
        private @Nullable String model;
        private @Nullable String voice;
        private @Nullable String description;
        private @Nullable String format;
        private @Nullable Double speed;
        private @Nullable Long seed;
        private @Nullable Double temperature;
        private @Nullable Double topP;
        private @Nullable Integer topK;
        private @Nullable Double minP;
        private @Nullable Double repetitionPenalty;
        private @Nullable Integer maxTokens;

        private Builder() {
        }

        @Override
        public Builder model(@Nullable String model) {
            this.model = model;
            return this;
        }

        /** A voice preset name; setting it clears a description set earlier on this builder. */
        @Override
        public Builder voice(@Nullable String voice) {
            this.voice = voice;
            if (voice != null) {
                this.description = null;
            }
            return this;
        }

        /** A free-form voice description; setting it clears a voice preset set earlier on this builder. */
        public Builder description(@Nullable String description) {
            this.description = description;
            if (description != null) {
                this.voice = null;
            }
            return this;
        }

        @Override
        public Builder format(@Nullable String format) {
            this.format = format;
            return this;
        }

        @Override
        public Builder speed(@Nullable Double speed) {
            this.speed = speed;
            return this;
        }

        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder temperature(@Nullable Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(@Nullable Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(@Nullable Integer topK) {
            this.topK = topK;
            return this;
        }

        public Builder minP(@Nullable Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(@Nullable Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder maxTokens(@Nullable Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Overrides what {@code from} sets: its portable fields (model, voice, format, speed) whatever its class, and
         * Maya1's own fields when it is a {@link Maya1TextToSpeechOptions}. A voice or description in {@code from}
         * replaces both the voice and the description held so far (who speaks is one choice).
         */
        public Builder merge(@Nullable TextToSpeechOptions from) {
            if (from == null) {
                return this;
            }
            if (from.getModel() != null) {
                model = from.getModel();
            }
            if (from.getFormat() != null) {
                format = from.getFormat();
            }
            if (from.getSpeed() != null) {
                speed = from.getSpeed();
            }
            if (from instanceof Maya1TextToSpeechOptions m) {
                if (m.voice != null || m.description != null) {
                    voice = m.voice;
                    description = m.description;
                }
                seed = m.seed != null ? m.seed : seed;
                temperature = m.temperature != null ? m.temperature : temperature;
                topP = m.topP != null ? m.topP : topP;
                topK = m.topK != null ? m.topK : topK;
                minP = m.minP != null ? m.minP : minP;
                repetitionPenalty = m.repetitionPenalty != null ? m.repetitionPenalty : repetitionPenalty;
                maxTokens = m.maxTokens != null ? m.maxTokens : maxTokens;
            } else if (from.getVoice() != null) {
                voice(from.getVoice());
            }
            return this;
        }

        @Override
        public Maya1TextToSpeechOptions build() {
            return new Maya1TextToSpeechOptions(this);
        }
    }
}
