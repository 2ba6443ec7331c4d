package ai.maya1.tokenizer;

import java.util.Arrays;

/**
 * An immutable open-addressing map from strings to ids that can be probed with a slice of a larger string, so the
 * hot path (a pre-token that is a whole vocabulary entry) allocates nothing.
 */
final class StringIdTable {
    private final int mask;
    private final int[] slots; // entry index + 1, 0 = empty
    private final int[] hashes;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] ids;
    private final char[] pool;

    StringIdTable(String[] keys, int[] values, int count) {
        int cap = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        mask = cap - 1;
        slots = new int[cap];
        hashes = new int[count];
        offsets = new int[count];
        lengths = new int[count];
        ids = new int[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += keys[i].length();
        }
        pool = new char[Math.toIntExact(total)];
        int off = 0;
        for (int i = 0; i < count; i++) {
            String k = keys[i];
            k.getChars(0, k.length(), pool, off);
            offsets[i] = off;
            lengths[i] = k.length();
            ids[i] = values[i];
            off += k.length();
            int h = hash(k, 0, k.length());
            hashes[i] = h;
            int s = h & mask;
            while (true) {
                int e = slots[s];
                if (e == 0) {
                    slots[s] = i + 1;
                    break;
                }
                if (hashes[e - 1] == h && equalsAt(e - 1, k, 0, k.length())) {
                    ids[e - 1] = values[i]; // later entry wins, like a map
                    break;
                }
                s = (s + 1) & mask;
            }
        }
    }

    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private boolean equalsAt(int e, String s, int from, int to) {
        int len = to - from;
        if (lengths[e] != len) {
            return false;
        }
        int o = offsets[e];
        for (int i = 0; i < len; i++) {
            if (pool[o + i] != s.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    /** The id of s[from, to), or -1. */
    int get(String s, int from, int to) {
        int h = hash(s, from, to);
        int i = h & mask;
        while (true) {
            int e = slots[i];
            if (e == 0) {
                return -1;
            }
            if (hashes[e - 1] == h && equalsAt(e - 1, s, from, to)) {
                return ids[e - 1];
            }
            i = (i + 1) & mask;
        }
    }

    @Override
    public String toString() {
        return "StringIdTable[" + ids.length + " entries, " + Arrays.stream(lengths).max().orElse(0) + " max chars]";
    }
}
