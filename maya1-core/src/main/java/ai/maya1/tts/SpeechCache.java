package ai.maya1.tts;

import ai.maya1.acoustic.FinishReason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * SPI of the cache of finished utterances. The engine consults it only for deterministic requests (a seed was
 * given, or greedy decoding): identical model, text, voice, seed, sampling and limits give identical audio. The
 * default is a bounded in-memory Caffeine cache; a shared one (Redis, memcached) can key on {@link Key#digest()}.
 *
 * <p>Implementations must be thread-safe and must never throw from {@link #get}: a failing cache should behave as a
 * miss (the engine logs and ignores exceptions from both methods).
 */
public interface SpeechCache {

    /**
     * Everything that decides the audio of a deterministic request.
     *
     * @param model  identity of the acoustic model and vocoder (source and weight format)
     * @param text   text as given
     * @param voice  resolved voice description
     */
    record Key(String model, String text, String voice, long seed, float temperature, float topP, int topK, float minP,
               float repetitionPenalty, int maxTokens, boolean splitLongText) {
        public Key {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(voice, "voice");
        }

        /** A stable SHA-256 hex digest of every field, for external stores. */
        public String digest() {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                String canonical = String.join("\u0000", "maya1-speech-v1", model, text, voice, Long.toString(seed),
                        Float.toString(temperature), Float.toString(topP), Integer.toString(topK), Float.toString(minP),
                        Float.toString(repetitionPenalty), Integer.toString(maxTokens), Boolean.toString(splitLongText));
                return HexFormat.of().formatHex(md.digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A cached utterance.
     *
     * @param samples      24 kHz mono PCM (treat as read-only)
     * @param frames       SNAC frames it was decoded from
     * @param pieces       text pieces
     * @param finishReason how generation ended
     */
    record Entry(float[] samples, int frames, int pieces, FinishReason finishReason) {
        public Entry {
            Objects.requireNonNull(samples, "samples");
            Objects.requireNonNull(finishReason, "finishReason");
        }

        /** Approximate memory footprint, for weighing. */
        public long bytes() {
            return 64L + 4L * samples.length;
        }
    }

    Optional<Entry> get(Key key);

    void put(Key key, Entry entry);

    /** A cache that stores nothing. */
    static SpeechCache none() {
        return NoSpeechCache.INSTANCE;
    }

    /** The no-op cache. */
    final class NoSpeechCache implements SpeechCache {
        static final NoSpeechCache INSTANCE = new NoSpeechCache();

        private NoSpeechCache() {
        }

        @Override
        public Optional<Entry> get(Key key) {
            return Optional.empty();
        }

        @Override
        public void put(Key key, Entry entry) {
        }
    }
}
