package ai.maya1.engine;

import ai.maya1.tts.SpeechCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;

/** The default {@link SpeechCache}: in memory, bounded by total sample bytes, least-recently/frequently used out first. */
public final class CaffeineSpeechCache implements SpeechCache {
    private final Cache<Key, Entry> cache;

    /** @param maxBytes total weight of cached audio (4 bytes per sample plus a small overhead) */
    public CaffeineSpeechCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
        }
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes() + 2L * k.text().length() + 2L * k.voice().length()))
                .executor(Runnable::run) // maintenance on the calling thread: no common pool
                .build();
    }

    @Override
    public Optional<Entry> get(Key key) {
        return Optional.ofNullable(cache.getIfPresent(key));
    }

    @Override
    public void put(Key key, Entry entry) {
        cache.put(key, entry);
    }

    /** Entries currently held (after pending evictions). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
