package ai.maya1.tokenizer;

/** BPE merges as an open-addressing map from the id pair (left, right) to (rank, merged id), packed in longs. */
final class MergeTable {
    static final long NONE = -1L;
    private final int mask;
    private final long[] keys;
    private final long[] values;

    MergeTable(int count) {
        int cap = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        mask = cap - 1;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, -1L);
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** Later puts of the same pair win (as Hugging Face's HashMap collect does). */
    void put(int left, int right, int rank, int merged) {
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int i = slot(key) & mask;
        while (keys[i] != -1L && keys[i] != key) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    /** (rank << 32 | merged id) for the pair, or {@link #NONE}. */
    long get(int left, int right) {
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int i = slot(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == -1L) {
                return NONE;
            }
            i = (i + 1) & mask;
        }
    }
}
