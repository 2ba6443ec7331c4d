package ai.maya1.spring.boot;

import ai.maya1.spring.ai.Maya1TextToSpeechOptions;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.ModelSource;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * {@code spring.ai.maya1.*}: the engine ({@link Maya1Config}) and, under {@code spring.ai.maya1.tts.*}, the default
 * speech options of the {@code TextToSpeechModel} bean. Unset values keep the engine's own defaults.
 *
 * <pre>
 * spring.ai.maya1.model=maya-research/maya1   # hub id (Hugging Face cache), a folder or .gguf file, or 'test'
 * spring.ai.maya1.tts.voice=narrator
 * </pre>
 */
@ConfigurationProperties(Maya1Properties.PREFIX)
public class Maya1Properties {
    public static final String PREFIX = "spring.ai.maya1";

    /**
     * The acoustic model: a Hugging Face repository id looked up in the local Hugging Face cache (never downloaded;
     * fetch it with './maya1 download maya-research/maya1'), a folder or .gguf file, or 'test' for the built-in
     * test model (output is not speech).
     */
    private String model = ModelSource.MAYA1_REPO;

    /** The SNAC vocoder: a hub id or folder. Default: hubertsiuzdak/snac_24khz (the test model's own with the test model). */
    private String snac;

    /** Acoustic model backend: java, onnx or cuda (the module must be on the class path). Default: best available. */
    private String backend;

    /** Vocoder backend: java, onnx or cuda. Default: best available. */
    private String vocoderBackend;

    /** LM weight storage: as-stored, f32, bf16 or q8_0. */
    private String weightFormat;

    /** LM compute threads. Default: available processors. */
    private Integer threads;

    /** Vocoder compute threads. Default: half the LM threads, at least 1. */
    private Integer vocoderThreads;

    /** Context length (tokens) per request. */
    private Integer contextLength;

    /** Size of the cache of finished deterministic utterances (seeded or temperature 0); 0 turns it off. Default: 64MB. */
    private DataSize cacheSize;

    /** Run a tiny request at start so the first real one does not pay JIT compilation. */
    private Boolean warmUp;

    /** Requests synthesizing at once. */
    private Integer maxConcurrentRequests;

    /** Requests waiting for a slot; beyond that requests fail with OverloadedException. */
    private Integer maxQueuedRequests;

    /** Reject unknown <tags> in text instead of speaking them. */
    private Boolean strictTags;

    /** The Hugging Face cache folder. Default: HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub. */
    private Path hubCache;

    /** Default speech options of the TextToSpeechModel bean; a prompt's options override them. */
    @NestedConfigurationProperty
    private final Speech tts = new Speech();

    /** The engine configuration these properties describe (Micrometer and customizers are added by the auto-configuration). */
    public Maya1Config.Builder toConfigBuilder() {
        Maya1Config.Builder b = Maya1Config.builder().model(ModelSource.parse(model));
        if (snac != null && !snac.isBlank()) {
            b.snac(ModelSource.parse(snac));
        }
        b.acousticBackend(backend).vocoderBackend(vocoderBackend);
        if (weightFormat != null) {
            b.weightFormat(weightFormat);
        }
        if (threads != null) {
            b.threads(threads);
        }
        if (vocoderThreads != null) {
            b.vocoderThreads(vocoderThreads);
        }
        if (contextLength != null) {
            b.contextLength(contextLength);
        }
        if (cacheSize != null) {
            b.cacheBytes(cacheSize.toBytes());
        }
        if (warmUp != null) {
            b.warmUpOnStart(warmUp);
        }
        if (maxConcurrentRequests != null) {
            b.maxConcurrentRequests(maxConcurrentRequests);
        }
        if (maxQueuedRequests != null) {
            b.maxQueuedRequests(maxQueuedRequests);
        }
        if (strictTags != null) {
            b.strictTags(strictTags);
        }
        if (hubCache != null) {
            b.hubCache(hubCache);
        }
        return b;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getSnac() {
        return snac;
    }

    public void setSnac(String snac) {
        this.snac = snac;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public String getVocoderBackend() {
        return vocoderBackend;
    }

    public void setVocoderBackend(String vocoderBackend) {
        this.vocoderBackend = vocoderBackend;
    }

    public String getWeightFormat() {
        return weightFormat;
    }

    public void setWeightFormat(String weightFormat) {
        this.weightFormat = weightFormat;
    }

    public Integer getThreads() {
        return threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public Integer getVocoderThreads() {
        return vocoderThreads;
    }

    public void setVocoderThreads(Integer vocoderThreads) {
        this.vocoderThreads = vocoderThreads;
    }

    public Integer getContextLength() {
        return contextLength;
    }

    public void setContextLength(Integer contextLength) {
        this.contextLength = contextLength;
    }

    public DataSize getCacheSize() {
        return cacheSize;
    }

    public void setCacheSize(DataSize cacheSize) {
        this.cacheSize = cacheSize;
    }

    public Boolean getWarmUp() {
        return warmUp;
    }

    public void setWarmUp(Boolean warmUp) {
        this.warmUp = warmUp;
    }

    public Integer getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    public Integer getMaxQueuedRequests() {
        return maxQueuedRequests;
    }

    public void setMaxQueuedRequests(Integer maxQueuedRequests) {
        this.maxQueuedRequests = maxQueuedRequests;
    }

    public Boolean getStrictTags() {
        return strictTags;
    }

    public void setStrictTags(Boolean strictTags) {
        this.strictTags = strictTags;
    }

    public Path getHubCache() {
        return hubCache;
    }

    public void setHubCache(Path hubCache) {
        this.hubCache = hubCache;
    }

    public Speech getTts() {
        return tts;
    }

    /** {@code spring.ai.maya1.tts.*}: the default {@link Maya1TextToSpeechOptions}. */
    public static class Speech {
        /** Voice preset name (narrator, female-narrator, british-female, villain, ...). */
        private String voice;

        /** Free-form Maya1 voice description, instead of a preset. */
        private String description;

        /** Output format: wav, pcm, mp3 (needs jump3r on the class path), ulaw, alaw, wav16k, ... Default: wav. */
        private String format;

        /** Seed: the same seed and text give the same audio (and make the result cacheable). */
        private Long seed;

        /** Sampling temperature, 0 for greedy. Default: 0.4. */
        private Double temperature;

        /** Nucleus sampling mass. Default: 0.9. */
        private Double topP;

        /** Top-k sampling (0: off). */
        private Integer topK;

        /** Min-p sampling (0: off). */
        private Double minP;

        /** Repetition penalty. Default: 1.1. */
        private Double repetitionPenalty;

        /** LM token limit per piece of text (7 tokens per 85 ms frame). Default: 2048. */
        private Integer maxTokens;

        public Maya1TextToSpeechOptions toOptions() {
            Maya1TextToSpeechOptions.Builder b = Maya1TextToSpeechOptions.builder();
            if (voice != null && description != null) {
                throw new IllegalArgumentException(PREFIX + ".tts: set either voice or description, not both");
            }
            return b.voice(voice).description(description).format(format).seed(seed).temperature(temperature).topP(topP).topK(topK)
                    .minP(minP).repetitionPenalty(repetitionPenalty).maxTokens(maxTokens).build();
        }

        public String getVoice() {
            return voice;
        }

        public void setVoice(String voice) {
            this.voice = voice;
        }

        public String getDescription() {
            return description;
        }

        public void setDescription(String description) {
            this.description = description;
        }

        public String getFormat() {
            return format;
        }

        public void setFormat(String format) {
            this.format = format;
        }

        public Long getSeed() {
            return seed;
        }

        public void setSeed(Long seed) {
            this.seed = seed;
        }

        public Double getTemperature() {
            return temperature;
        }

        public void setTemperature(Double temperature) {
            this.temperature = temperature;
        }

        public Double getTopP() {
            return topP;
        }

        public void setTopP(Double topP) {
            this.topP = topP;
        }

        public Integer getTopK() {
            return topK;
        }

        public void setTopK(Integer topK) {
            this.topK = topK;
        }

        public Double getMinP() {
            return minP;
        }

        public void setMinP(Double minP) {
            this.minP = minP;
        }

        public Double getRepetitionPenalty() {
            return repetitionPenalty;
        }

        public void setRepetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
        }

        public Integer getMaxTokens() {
            return maxTokens;
        }

        public void setMaxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
        }
    }
}
