package ai.maya1.acoustic.llama;

import java.util.Arrays;

/**
 * One request's key/value cache: per layer, {@code capacity} positions of {@code kvDim} keys (after RoPE) and
 * values, stored as float32 or bfloat16. Memory grows with use (doubling, up to the capacity), so a short request
 * never pays for the whole context; {@link #bytes()} reports what is allocated.
 */
public final class KvCache implements CausalAttention.KeyValues {
    /** Element type of the cache. */
    public enum Precision { F32, BF16 }

    private static final int INITIAL_POSITIONS = 256;

    private final int layers;
    private final int kvDim;
    private final int capacity;
    private final Precision precision;
    private float[][] keysF;
    private float[][] valuesF;
    private short[][] keysB;
    private short[][] valuesB;
    private int allocated;
    private int length;

    public KvCache(int layers, int kvDim, int capacity, Precision precision) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        }
        if ((long) capacity * kvDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + capacity + " positions x " + kvDim + " is too large for one layer array");
        }
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.precision = precision;
        if (precision == Precision.F32) {
            keysF = new float[layers][0];
            valuesF = new float[layers][0];
        } else {
            keysB = new short[layers][0];
            valuesB = new short[layers][0];
        }
    }

    /** Bytes one position takes over all layers (keys and values). */
    public static long bytesPerPosition(LlamaConfig config, Precision precision) {
        return 2L * config.numLayers() * config.kvDim() * (precision == Precision.F32 ? 4 : 2);
    }

    /** Positions filled so far (the next token's position). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public Precision precision() {
        return precision;
    }

    /** Bytes currently allocated. */
    public long bytes() {
        return 2L * layers * allocated * kvDim * (precision == Precision.F32 ? 4 : 2);
    }

    /** Bytes at full capacity. */
    public long capacityBytes() {
        return 2L * layers * capacity * kvDim * (precision == Precision.F32 ? 4 : 2);
    }

    /** Makes room for positions up to {@code newLength} (exclusive). */
    void ensure(int newLength) {
        if (newLength > capacity) {
            throw new IllegalStateException("KV cache full: " + newLength + " positions needed, capacity " + capacity);
        }
        if (newLength <= allocated) {
            return;
        }
        int n = Math.max(newLength, Math.min(capacity, Math.max(INITIAL_POSITIONS, allocated * 2)));
        for (int l = 0; l < layers; l++) {
            if (precision == Precision.F32) {
                keysF[l] = Arrays.copyOf(keysF[l], n * kvDim);
                valuesF[l] = Arrays.copyOf(valuesF[l], n * kvDim);
            } else {
                keysB[l] = Arrays.copyOf(keysB[l], n * kvDim);
                valuesB[l] = Arrays.copyOf(valuesB[l], n * kvDim);
            }
        }
        allocated = n;
    }

    /** Stores position {@code pos}'s keys and values of layer {@code layer}. */
    void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        int o = pos * kvDim;
        if (precision == Precision.F32) {
            System.arraycopy(k, kOff, keysF[layer], o, kvDim);
            System.arraycopy(v, vOff, valuesF[layer], o, kvDim);
        } else {
            short[] kb = keysB[layer];
            short[] vb = valuesB[layer];
            for (int i = 0; i < kvDim; i++) {
                kb[o + i] = ai.maya1.tensor.BF16Matrix.toBf16(k[kOff + i]);
                vb[o + i] = ai.maya1.tensor.BF16Matrix.toBf16(v[vOff + i]);
            }
        }
    }

    /** Marks positions [0, newLength) as filled. */
    void setLength(int newLength) {
        this.length = newLength;
    }

    /** Drops everything after {@code newLength} (reuse of a prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    /** {@code q[qOff..qOff+d) · key(layer, pos, head)}. */
    @Override
    public float dotKey(int layer, int pos, int head, int d, float[] q, int qOff) {
        int o = pos * kvDim + head * d;
        return precision == Precision.F32 ? ai.maya1.tensor.VecMath.dot(q, qOff, keysF[layer], o, d)
                : ai.maya1.tensor.VecMath.dotBf16(q, qOff, keysB[layer], o, d);
    }

    /** {@code out[outOff..+d) += p · value(layer, pos, head)}. */
    @Override
    public void addValue(int layer, int pos, int head, int d, float p, float[] out, int outOff) {
        int o = pos * kvDim + head * d;
        if (precision == Precision.F32) {
            ai.maya1.tensor.VecMath.axpy(p, valuesF[layer], o, out, outOff, d);
        } else {
            ai.maya1.tensor.VecMath.axpyBf16(p, valuesB[layer], o, out, outOff, d);
        }
    }

    /** Copies a layer's keys (after RoPE) or values of positions [0, length) as floats (tests, debugging). */
    public float[] snapshot(int layer, boolean keys) {
        float[] out = new float[length * kvDim];
        for (int i = 0; i < out.length; i++) {
            out[i] = precision == Precision.F32 ? (keys ? keysF : valuesF)[layer][i]
                    : Float.intBitsToFloat(((keys ? keysB : valuesB)[layer][i] & 0xFFFF) << 16);
        }
        return out;
    }
}
