package ai.maya1.tts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable, validated engine configuration: which model, which backends, how many threads, how much memory.
 * Per-request settings (text, voice, sampling, seed) live in {@link SpeechRequest}.
 *
 * <pre>{@code
 * Maya1Config config = Maya1Config.builder()
 *         .model(ModelSource.hub("maya-research/maya1"))   // or ModelSource.path(...), ModelSource.testModel()
 *         .threads(8)
 *         .build();
 * }</pre>
 *
 * <p>Backend choice per layer: an explicit {@link Builder#acousticBackend(String)} / {@link Builder#vocoderBackend(String)}
 * wins, then the system properties {@code maya1.backend.acoustic} / {@code maya1.backend.vocoder}, then the available
 * backend with the highest priority; the choice and the reasons are logged (SLF4J, logger {@code ai.maya1.spi.Backends}).
 */
public final class Maya1Config {
    /** Default context length per request (prompt + generated tokens); Maya1's 131072 would waste KV memory. */
    public static final int DEFAULT_CONTEXT_LENGTH = 4096;
    /** Default total KV-cache budget. */
    public static final long DEFAULT_KV_BUDGET_BYTES = 2L << 30;
    /** Default in-memory speech cache size. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    /** Default longest piece of text sent to the LM in one go (characters). */
    public static final int DEFAULT_MAX_PIECE_CHARS = 220;
    /** Default crossfade between pieces. */
    public static final Duration DEFAULT_CROSSFADE = Duration.ofMillis(25);

    private final ModelSource model;
    private final ModelSource snac;
    private final String acousticBackend;
    private final String vocoderBackend;
    private final String weightFormat;
    private final int threads;
    private final int vocoderThreads;
    private final boolean batchedVocoder;
    private final boolean batching;
    private final int contextLength;
    private final long kvBudgetBytes;
    private final boolean kvBf16;
    private final boolean warmUpOnStart;
    private final SpeechCache cache;
    private final long cacheBytes;
    private final boolean strictTags;
    private final int maxPieceChars;
    private final Duration crossfade;
    private final int maxConcurrentRequests;
    private final int maxQueuedRequests;
    private final Path hubCache;
    private final Object meterRegistry;

    private Maya1Config(Builder b) {
        this.model = b.model;
        this.snac = b.snac != null ? b.snac : (b.model instanceof ModelSource.TestModel ? b.model : ModelSource.hub(ModelSource.SNAC_REPO));
        this.acousticBackend = b.acousticBackend;
        this.vocoderBackend = b.vocoderBackend;
        this.weightFormat = b.weightFormat;
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        this.vocoderThreads = b.vocoderThreads > 0 ? b.vocoderThreads : Math.max(1, this.threads / 2);
        this.batchedVocoder = b.batchedVocoder;
        this.batching = b.batching;
        this.contextLength = b.contextLength;
        this.kvBudgetBytes = b.kvBudgetBytes;
        this.kvBf16 = b.kvBf16;
        this.warmUpOnStart = b.warmUpOnStart;
        this.cache = b.cache;
        this.cacheBytes = b.cacheBytes;
        this.strictTags = b.strictTags;
        this.maxPieceChars = b.maxPieceChars;
        this.crossfade = b.crossfade;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.maxQueuedRequests = b.maxQueuedRequests;
        this.hubCache = b.hubCache;
        this.meterRegistry = b.meterRegistry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of the built-in test model (output is not speech) with defaults otherwise. */
    public static Maya1Config testModel() {
        return builder().model(ModelSource.testModel()).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.snac = snac;
        b.acousticBackend = acousticBackend;
        b.vocoderBackend = vocoderBackend;
        b.weightFormat = weightFormat;
        b.threads = threads;
        b.vocoderThreads = vocoderThreads;
        b.batchedVocoder = batchedVocoder;
        b.batching = batching;
        b.contextLength = contextLength;
        b.kvBudgetBytes = kvBudgetBytes;
        b.kvBf16 = kvBf16;
        b.warmUpOnStart = warmUpOnStart;
        b.cache = cache;
        b.cacheBytes = cacheBytes;
        b.strictTags = strictTags;
        b.maxPieceChars = maxPieceChars;
        b.crossfade = crossfade;
        b.maxConcurrentRequests = maxConcurrentRequests;
        b.maxQueuedRequests = maxQueuedRequests;
        b.hubCache = hubCache;
        b.meterRegistry = meterRegistry;
        return b;
    }

    /** The acoustic model (LM + tokenizer). */
    public ModelSource model() {
        return model;
    }

    /** The SNAC vocoder; the test model's own reduced SNAC when {@link #model()} is the test model. */
    public ModelSource snac() {
        return snac;
    }

    /** Explicit LM backend name, or null to choose automatically. */
    public String acousticBackend() {
        return acousticBackend;
    }

    /** Explicit vocoder backend name, or null to choose automatically. */
    public String vocoderBackend() {
        return vocoderBackend;
    }

    /** "as-stored", "f32", "bf16" or "q8_0". */
    public String weightFormat() {
        return weightFormat;
    }

    /** Compute threads of the LM. */
    public int threads() {
        return threads;
    }

    /** Compute threads of the vocoder (runs concurrently with the LM). */
    public int vocoderThreads() {
        return vocoderThreads;
    }

    /** Whether the exact Java vocoder streams of all requests are decoded together on one shared pump thread. */
    public boolean batchedVocoder() {
        return batchedVocoder;
    }

    /**
     * Whether the engine serves concurrent requests with continuous batching: the pure-Java LM runs as
     * {@code java-batched} and the Java vocoder streams share one pump ({@link Builder#batching}).
     */
    public boolean batching() {
        return batching;
    }

    public int contextLength() {
        return contextLength;
    }

    public long kvBudgetBytes() {
        return kvBudgetBytes;
    }

    public boolean kvBf16() {
        return kvBf16;
    }

    /** Whether {@link Maya1Tts#create} runs {@link Maya1Tts#warmUp()} before returning. */
    public boolean warmUpOnStart() {
        return warmUpOnStart;
    }

    /** A custom speech cache, or null for the default in-memory one of {@link #cacheBytes()}. */
    public SpeechCache cache() {
        return cache;
    }

    /** Size of the default in-memory speech cache; 0 disables caching. */
    public long cacheBytes() {
        return cacheBytes;
    }

    /** Reject unknown {@code <tags>} in text with an exception instead of speaking them as text. */
    public boolean strictTags() {
        return strictTags;
    }

    public int maxPieceChars() {
        return maxPieceChars;
    }

    public Duration crossfade() {
        return crossfade;
    }

    /** Requests synthesizing at once; further ones wait in a queue. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** Requests allowed to wait; beyond this {@link OverloadedException} is thrown. */
    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    /** Hugging Face hub cache folder, or null for {@code $HF_HUB_CACHE}, {@code $HF_HOME/hub}, {@code ~/.cache/huggingface/hub}. */
    public Path hubCache() {
        return hubCache;
    }

    /** A Micrometer {@code MeterRegistry}, or null (then the global registry is used when Micrometer is on the class path). */
    public Object meterRegistry() {
        return meterRegistry;
    }

    @Override
    public String toString() {
        return "Maya1Config[model=" + model.describe() + ", snac=" + snac.describe() + ", acousticBackend=" + acousticBackend
                + ", vocoderBackend=" + vocoderBackend + ", weightFormat=" + weightFormat + ", threads=" + threads + ", vocoderThreads="
                + vocoderThreads + ", batchedVocoder=" + batchedVocoder + ", batching=" + batching + ", contextLength=" + contextLength + ", kvBudgetBytes=" + kvBudgetBytes + ", kvBf16=" + kvBf16
                + ", warmUpOnStart=" + warmUpOnStart + ", cacheBytes=" + cacheBytes + ", strictTags=" + strictTags + ", maxPieceChars="
                + maxPieceChars + ", crossfade=" + crossfade + ", maxConcurrentRequests=" + maxConcurrentRequests + ", maxQueuedRequests="
                + maxQueuedRequests + "]";
    }

    /** Builder; setters validate and throw {@link InvalidRequestException} naming the field. */
    public static final class Builder {
        private ModelSource model = ModelSource.hub(ModelSource.MAYA1_REPO);
        private ModelSource snac;
        private String acousticBackend;
        private String vocoderBackend;
        private String weightFormat = "as-stored";
        private int threads;
        private int vocoderThreads;
        private boolean batchedVocoder;
        private boolean batching;
        private int contextLength = DEFAULT_CONTEXT_LENGTH;
        private long kvBudgetBytes = DEFAULT_KV_BUDGET_BYTES;
        private boolean kvBf16;
        private boolean warmUpOnStart = true;
        private SpeechCache cache;
        private long cacheBytes = DEFAULT_CACHE_BYTES;
        private boolean strictTags;
        private int maxPieceChars = DEFAULT_MAX_PIECE_CHARS;
        private Duration crossfade = DEFAULT_CROSSFADE;
        private int maxConcurrentRequests = 16;
        private int maxQueuedRequests = 256;
        private Path hubCache;
        private Object meterRegistry;

        private Builder() {
        }

        /** The acoustic model (default {@code hf:maya-research/maya1}). */
        public Builder model(ModelSource model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The SNAC vocoder (default {@code hf:hubertsiuzdak/snac_24khz}, or the test model's with the test model). */
        public Builder snac(ModelSource snac) {
            this.snac = snac;
            return this;
        }

        public Builder acousticBackend(String name) {
            this.acousticBackend = name == null || name.isBlank() ? null : name.trim();
            return this;
        }

        public Builder vocoderBackend(String name) {
            this.vocoderBackend = name == null || name.isBlank() ? null : name.trim();
            return this;
        }

        /** LM weight storage: "as-stored" (default), "f32", "bf16" or "q8_0". */
        public Builder weightFormat(String format) {
            String f = Objects.requireNonNull(format, "weightFormat").trim().toLowerCase(java.util.Locale.ROOT);
            if (!f.equals("as-stored") && !f.equals("f32") && !f.equals("bf16") && !f.equals("q8_0")) {
                throw new InvalidRequestException("weightFormat", "weight format must be as-stored, f32, bf16 or q8_0, got '" + format + "'");
            }
            this.weightFormat = f;
            return this;
        }

        /** LM compute threads (default: available processors). */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 4096) {
                throw new InvalidRequestException("threads", "threads must be in [1, 4096], got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Vocoder compute threads (default: half the LM threads, at least 1). */
        public Builder vocoderThreads(int threads) {
            if (threads < 1 || threads > 4096) {
                throw new InvalidRequestException("vocoderThreads", "vocoder threads must be in [1, 4096], got " + threads);
            }
            this.vocoderThreads = threads;
            return this;
        }

        /**
         * Decodes the vocoder streams of all concurrent requests together (default false): every request hands its
         * frames to one engine-owned pump thread ({@code ai.maya1.vocoder.snac.VocoderPump}) that runs each SNAC layer
         * once for all waiting streams, concurrently with the LM. Audio is bit-identical either way; only the Java
         * vocoder's exact streams are batched (other vocoder backends are unaffected).
         */
        public Builder batchedVocoder(boolean on) {
            this.batchedVocoder = on;
            return this;
        }

        /**
         * Serving many concurrent requests (default false; {@code maya1 serve} and {@code maya1 worker} turn it on):
         * where the pure-Java LM is chosen ({@code java}, named or by priority), it runs as {@code java-batched}
         * (continuous batching: one weight pass per step for all running requests, chunked prefill, a prefix cache
         * per voice description), and the Java vocoder streams are batched as with {@link #batchedVocoder}. Outputs
         * are bit-identical to running each request alone; other backends (ONNX, CUDA) are unaffected. One request
         * at a time is faster on the simple path, which stays the default.
         */
        public Builder batching(boolean on) {
            this.batching = on;
            return this;
        }

        /** Tokens per request, prompt + generated (default 4096). */
        public Builder contextLength(int tokens) {
            if (tokens < 64 || tokens > 131_072) {
                throw new InvalidRequestException("contextLength", "context length must be in [64, 131072], got " + tokens);
            }
            this.contextLength = tokens;
            return this;
        }

        /** Total KV-cache memory of all concurrent requests (default 2 GiB). */
        public Builder kvBudgetBytes(long bytes) {
            if (bytes < (1L << 20)) {
                throw new InvalidRequestException("kvBudgetBytes", "KV budget must be at least 1 MiB, got " + bytes);
            }
            this.kvBudgetBytes = bytes;
            return this;
        }

        /** Store the KV cache as BF16 (half the memory, slightly different numerics). */
        public Builder kvBf16(boolean bf16) {
            this.kvBf16 = bf16;
            return this;
        }

        /** Run {@link Maya1Tts#warmUp()} while building the engine (default true). */
        public Builder warmUpOnStart(boolean warmUp) {
            this.warmUpOnStart = warmUp;
            return this;
        }

        /** A custom speech cache (e.g. Redis); replaces the default in-memory one. */
        public Builder cache(SpeechCache cache) {
            this.cache = cache;
            return this;
        }

        /** Size of the default in-memory cache in bytes; 0 disables caching (default 64 MiB). */
        public Builder cacheBytes(long bytes) {
            if (bytes < 0) {
                throw new InvalidRequestException("cacheBytes", "cache size must be >= 0, got " + bytes);
            }
            this.cacheBytes = bytes;
            return this;
        }

        /** Reject unknown {@code <tags>} instead of speaking them as text (default false). */
        public Builder strictTags(boolean strict) {
            this.strictTags = strict;
            return this;
        }

        /** Longest piece of text per LM run when splitting long text (default 220 characters). */
        public Builder maxPieceChars(int chars) {
            if (chars < 16 || chars > 100_000) {
                throw new InvalidRequestException("maxPieceChars", "max piece length must be in [16, 100000], got " + chars);
            }
            this.maxPieceChars = chars;
            return this;
        }

        /** Crossfade between pieces of long text (default 25 ms, 0 for a plain join). */
        public Builder crossfade(Duration crossfade) {
            Objects.requireNonNull(crossfade, "crossfade");
            if (crossfade.isNegative() || crossfade.toMillis() > 500) {
                throw new InvalidRequestException("crossfade", "crossfade must be in [0, 500] ms, got " + crossfade);
            }
            this.crossfade = crossfade;
            return this;
        }

        /** Requests synthesizing at once (default 16). */
        public Builder maxConcurrentRequests(int n) {
            if (n < 1) {
                throw new InvalidRequestException("maxConcurrentRequests", "max concurrent requests must be >= 1, got " + n);
            }
            this.maxConcurrentRequests = n;
            return this;
        }

        /** Requests allowed to wait for a slot (default 256); 0 rejects at once when all slots are busy. */
        public Builder maxQueuedRequests(int n) {
            if (n < 0) {
                throw new InvalidRequestException("maxQueuedRequests", "max queued requests must be >= 0, got " + n);
            }
            this.maxQueuedRequests = n;
            return this;
        }

        /** Hugging Face hub cache folder. */
        public Builder hubCache(Path folder) {
            this.hubCache = folder;
            return this;
        }

        /**
         * A Micrometer {@code io.micrometer.core.instrument.MeterRegistry} to publish metrics to. Typed as Object so
         * that Micrometer stays an optional dependency.
         */
        public Builder meterRegistry(Object registry) {
            if (registry != null && !isMeterRegistry(registry)) {
                throw new InvalidRequestException("meterRegistry", "not a Micrometer MeterRegistry: " + registry.getClass().getName());
            }
            this.meterRegistry = registry;
            return this;
        }

        private static boolean isMeterRegistry(Object o) {
            for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals("io.micrometer.core.instrument.MeterRegistry")) {
                    return true;
                }
            }
            return false;
        }

        public Maya1Config build() {
            return new Maya1Config(this);
        }
    }
}
