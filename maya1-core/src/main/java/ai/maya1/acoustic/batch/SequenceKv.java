package ai.maya1.acoustic.batch;

import ai.maya1.tensor.VecMath;
import java.util.Arrays;

/**
 * One request's key/value cache in the batching scheduler: per layer, float32 keys (after RoPE) and values of up to
 * {@code capacity} positions. Its full capacity is reserved against the model's KV budget when the request is
 * admitted (so a running request can never run out of memory); the arrays grow by doubling as positions fill.
 */
public final class SequenceKv implements ai.maya1.acoustic.llama.CausalAttention.KeyValues {
    private static final int INITIAL_POSITIONS = 64;
    private final int layers;
    private final int kvDim;
    private final int capacity;
    private final float[][] keys;
    private final float[][] values;
    private int allocated;

    public SequenceKv(int layers, int kvDim, int capacity) {
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    static long bytesFor(int layers, int kvDim, int positions) {
        return 2L * layers * kvDim * positions * Float.BYTES;
    }

    int capacity() {
        return capacity;
    }

    long capacityBytes() {
        return bytesFor(layers, kvDim, capacity);
    }

    void ensure(int positions) {
        if (positions > capacity) {
            throw new IllegalStateException("KV cache full: " + positions + " positions needed, capacity " + capacity);
        }
        if (positions <= allocated) {
            return;
        }
        int n = Math.max(positions, Math.min(capacity, Math.max(INITIAL_POSITIONS, allocated * 2)));
        for (int l = 0; l < layers; l++) {
            keys[l] = Arrays.copyOf(keys[l], n * kvDim);
            values[l] = Arrays.copyOf(values[l], n * kvDim);
        }
        allocated = n;
    }

    void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        System.arraycopy(k, kOff, keys[layer], pos * kvDim, kvDim);
        System.arraycopy(v, vOff, values[layer], pos * kvDim, kvDim);
    }

    @Override
    public float dotKey(int layer, int pos, int head, int hd, float[] q, int qOff) {
        return VecMath.dot(q, qOff, keys[layer], pos * kvDim + head * hd, hd);
    }

    @Override
    public void addValue(int layer, int pos, int head, int hd, float p, float[] out, int outOff) {
        VecMath.axpy(p, values[layer], pos * kvDim + head * hd, out, outOff, hd);
    }

    /** Copies positions [0, n) of a cached prefix in. */
    void copyPrefix(PrefixCache.Entry e, int n) {
        ensure(n);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(e.keys[l], 0, keys[l], 0, n * kvDim);
            System.arraycopy(e.values[l], 0, values[l], 0, n * kvDim);
        }
    }

    /** Copies positions [0, n) out (for the prefix cache). */
    float[][] copyOut(boolean k, int n) {
        float[][] src = k ? keys : values;
        float[][] out = new float[layers][];
        for (int l = 0; l < layers; l++) {
            out[l] = Arrays.copyOf(src[l], n * kvDim);
        }
        return out;
    }
}
