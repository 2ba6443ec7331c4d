package ai.maya1.spring.ai;

import java.util.Objects;
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
    private final String model;
    private final String voice;
    private final String description;
    private final String format;
    private final Double speed;
    private final Long seed;
    private final Double temperature;
    private final Double topP;
    private final Integer topK;
    private final Double minP;
    private final Double repetitionPenalty;
    private final Integer maxTokens;

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
    public String getModel() {
        return model;
    }

    /** The voice preset name. */
    @Override
    public String getVoice() {
        return voice;
    }

    /** The free-form voice description. */
    public String getDescription() {
        return description;
    }

    @Override
    public String getFormat() {
        return format;
    }

    @Override
    public Double getSpeed() {
        return speed;
    }

    public Long getSeed() {
        return seed;
    }

    public Double getTemperature() {
        return temperature;
    }

    public Double getTopP() {
        return topP;
    }

    public Integer getTopK() {
        return topK;
    }

    public Double getMinP() {
        return minP;
    }

    public Double getRepetitionPenalty() {
        return repetitionPenalty;
    }

    public Integer getMaxTokens() {
        return maxTokens;
    }

    @Override
    public boolean equals(Object o) {
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
        private String model;
        private String voice;
        private String description;
        private String format;
        private Double speed;
        private Long seed;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private Double repetitionPenalty;
        private Integer maxTokens;

        private Builder() {
        }

        @Override
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** A voice preset name; setting it clears a description set earlier on this builder. */
        @Override
        public Builder voice(String voice) {
            this.voice = voice;
            if (voice != null) {
                this.description = null;
            }
            return this;
        }

        /** A free-form voice description; setting it clears a voice preset set earlier on this builder. */
        public Builder description(String description) {
            this.description = description;
            if (description != null) {
                this.voice = null;
            }
            return this;
        }

        @Override
        public Builder format(String format) {
            this.format = format;
            return this;
        }

        @Override
        public Builder speed(Double speed) {
            this.speed = speed;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(Integer topK) {
            this.topK = topK;
            return this;
        }

        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Overrides what {@code from} sets: its portable fields (model, voice, format, speed) whatever its class, and
         * Maya1's own fields when it is a {@link Maya1TextToSpeechOptions}. A voice or description in {@code from}
         * replaces both the voice and the description held so far (who speaks is one choice).
         */
        public Builder merge(TextToSpeechOptions from) {
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
