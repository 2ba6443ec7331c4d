package ai.maya1.tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE of single pre-tokens, merge for merge as Hugging Face's {@code Word::merge_all}: the bytes map to
 * their byte-level symbols, then the pair of lowest merge rank (leftmost on ties) merges until none is left. Short
 * words merge by scanning, long ones with a heap, so a hostile 1 MB word costs O(n log n), not O(n^2). With
 * {@code ignore_merges} a pre-token that is itself a vocabulary entry is emitted whole. A bounded cache keeps the
 * ids of short words. Immutable apart from the cache; thread-safe.
 */
final class ByteLevelBpe {
    private static final int CACHE_MAX_ENTRIES = 1 << 16;
    private static final int CACHE_MAX_WORD_CHARS = 64;
    /** Words at most this long merge with the quadratic scan; longer ones with a heap (no quadratic blow-up). */
    private static final int SMALL_WORD = 48;

    private final int[] byteToId;
    private final MergeTable merges;
    private final StringIdTable wholeWords; // ignore_merges: pre-token text -> vocab id
    private final int unkId;
    private final boolean fuseUnk;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param byteToId the vocab id of each byte's byte-level symbol, -1 where the vocab lacks it
     * @param wholeWords null unless ignore_merges
     * @param unkId -1 without an unk_token (unknown bytes are then dropped, as Hugging Face does)
     */
    ByteLevelBpe(int[] byteToId, MergeTable merges, StringIdTable wholeWords, int unkId, boolean fuseUnk) {
        this.byteToId = byteToId.clone();
        this.merges = merges;
        this.wholeWords = wholeWords;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
    }

    /** Encodes one pre-token s[start, end): whole-word hit, cache hit, or byte-level BPE. */
    void encodePiece(String s, int start, int end, IntList out) {
        if (wholeWords != null) {
            int id = wholeWords.get(s, start, end);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        String key = null;
        if (end - start <= CACHE_MAX_WORD_CHARS) {
            key = s.substring(start, end);
            int[] hit = cache.get(key);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        byte[] bytes = new byte[(end - start) * 3];
        int len = ByteLevel.utf8(s, start, end, bytes);
        int[] ids = bpe(bytes, len);
        if (key != null && cache.size() < CACHE_MAX_ENTRIES) {
            cache.put(key, ids);
        }
        out.addAll(ids);
    }

    /** Byte-level BPE of one pre-token, as Hugging Face's Word::merge_all (lowest rank first, then leftmost). */
    private int[] bpe(byte[] bytes, int len) {
        int[] sym = new int[len];
        int n = 0;
        boolean lastUnk = false;
        for (int i = 0; i < len; i++) {
            int id = byteToId[bytes[i] & 0xFF];
            if (id < 0) {
                if (unkId < 0) {
                    continue;
                }
                if (fuseUnk && lastUnk) {
                    continue;
                }
                id = unkId;
                lastUnk = true;
            } else {
                lastUnk = false;
            }
            sym[n++] = id;
        }
        if (n <= SMALL_WORD) {
            return mergeSmall(sym, n);
        }
        return mergeLarge(sym, n);
    }

    private int[] mergeSmall(int[] sym, int n) {
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int bestPos = -1;
            for (int i = 0; i < n - 1; i++) {
                long m = merges.get(sym[i], sym[i + 1]);
                if (m != MergeTable.NONE && m < best) {
                    best = m;
                    bestPos = i;
                }
            }
            if (bestPos < 0) {
                break;
            }
            sym[bestPos] = (int) best;
            System.arraycopy(sym, bestPos + 2, sym, bestPos + 1, n - bestPos - 2);
            n--;
        }
        return java.util.Arrays.copyOf(sym, n);
    }

    /** O(n log n) merging with a heap of (rank, position) and a linked list of symbols. */
    private int[] mergeLarge(int[] sym, int n) {
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(sym[i], sym[i + 1]);
            if (m != MergeTable.NONE) {
                heap.push((m >>> 32) << 32 | i);
            }
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            long rank = top >>> 32;
            if (dead[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            long m = merges.get(sym[pos], sym[right]);
            if (m == MergeTable.NONE || (m >>> 32) != rank) {
                continue; // stale entry
            }
            sym[pos] = (int) m;
            dead[right] = true;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                long mp = merges.get(sym[prev[pos]], sym[pos]);
                if (mp != MergeTable.NONE) {
                    heap.push((mp >>> 32) << 32 | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                long mn = merges.get(sym[pos], sym[next[pos]]);
                if (mn != MergeTable.NONE) {
                    heap.push((mn >>> 32) << 32 | pos);
                }
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
        return out.toArray();
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int n;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return n == 0;
        }

        void push(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) {
                    break;
                }
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--n];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && a[c + 1] < a[c]) {
                    c++;
                }
                if (a[c] >= v) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }

    // ------------------------------------------------------------------ decoding and lookups
}
