package ai.maya1.acoustic.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of prompt prefixes already computed, reused by later requests that start with the same tokens
 * (Maya1 prompts begin {@code SOH BOS <description="...">}: requests of the same voice share that prefix, whose
 * prefill costs seconds on a CPU). Matching is automatic and needs no tokenizer: a request reuses the longest
 * common prefix with any entry (at most its prompt length − 1: the last token must run to give logits).
 *
 * <p>Policy: a request whose best match is shorter than {@code minShared} tokens inserts its own prompt (minus
 * the last token) after its prefill; a match of at least {@code minShared} tokens that is shorter than the entry
 * trims the entry to the shared part (two requests of one voice differ in their text: what stays is the voice
 * prefix). Entries count against the KV budget and are evicted least recently used first when admission needs
 * room. Only the scheduler thread touches it.
 */
final class PrefixCache {
    static final class Entry {
        int[] tokens;
        float[][] keys;
        float[][] values;
        long bytes;
        long lastUse;

        int length() {
            return tokens.length;
        }
    }

    record Match(Entry entry, int length) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final int layers;
    private final int kvDim;
    private final int minShared;
    private long bytes;
    private long clock;

    PrefixCache(int layers, int kvDim, int minShared) {
        this.layers = layers;
        this.kvDim = kvDim;
        this.minShared = minShared;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    int minShared() {
        return minShared;
    }

    /** The entry sharing the longest prefix with {@code prompt} (usable length at most prompt.length − 1). */
    Match lookup(int[] prompt) {
        Entry best = null;
        int bestLen = 0;
        for (Entry e : entries) {
            int n = Math.min(e.length(), prompt.length - 1);
            int m = Arrays.mismatch(e.tokens, 0, n, prompt, 0, n);
            m = m < 0 ? n : m;
            if (m > bestLen) {
                bestLen = m;
                best = e;
            }
        }
        return best == null ? null : new Match(best, bestLen);
    }

    /** Marks a match used; trims the entry to the shared part when it is a same-voice match. */
    void use(Match m) {
        Entry e = m.entry;
        e.lastUse = ++clock;
        if (m.length >= minShared && m.length < e.length()) {
            int n = m.length;
            e.tokens = Arrays.copyOf(e.tokens, n);
            for (int l = 0; l < layers; l++) {
                e.keys[l] = Arrays.copyOf(e.keys[l], n * kvDim);
                e.values[l] = Arrays.copyOf(e.values[l], n * kvDim);
            }
            long nb = SequenceKv.bytesFor(layers, kvDim, n);
            bytes -= e.bytes - nb;
            e.bytes = nb;
        }
    }

    static long bytesFor(int layers, int kvDim, int positions) {
        return SequenceKv.bytesFor(layers, kvDim, positions);
    }

    void insert(int[] tokens, float[][] keys, float[][] values) {
        Entry e = new Entry();
        e.tokens = tokens;
        e.keys = keys;
        e.values = values;
        e.bytes = SequenceKv.bytesFor(layers, kvDim, tokens.length);
        e.lastUse = ++clock;
        entries.add(e);
        bytes += e.bytes;
    }

    /** Evicts the least recently used entry other than {@code keep}; false when there is none. */
    boolean evictOne(Entry keep) {
        Entry victim = null;
        for (Entry e : entries) {
            if (e != keep && (victim == null || e.lastUse < victim.lastUse)) {
                victim = e;
            }
        }
        if (victim == null) {
            return false;
        }
        entries.remove(victim);
        bytes -= victim.bytes;
        return true;
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }
}
