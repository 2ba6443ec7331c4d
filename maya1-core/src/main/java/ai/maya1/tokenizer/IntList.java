package ai.maya1.tokenizer;

import java.util.Arrays;

/** A growable int array (no boxing on the hot path). */
final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    void addAll(int[] v) {
        addAll(v, 0, v.length);
    }

    void addAll(int[] v, int from, int count) {
        if (n + count > a.length) {
            a = Arrays.copyOf(a, Math.max(a.length * 2, n + count));
        }
        System.arraycopy(v, from, a, n, count);
        n += count;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    void clear() {
        n = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
