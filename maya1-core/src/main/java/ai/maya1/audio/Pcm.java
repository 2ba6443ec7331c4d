package ai.maya1.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float <-> integer PCM conversions (little-endian byte layouts). */
public final class Pcm {
    private Pcm() {
    }

    /** Float in [-1, 1] to a 16-bit sample: scaled by 32767, rounded to nearest, clipped symmetrically (NaN becomes 0). */
    public static short toS16(float x) {
        if (!(x == x)) {
            return 0;
        }
        float s = x * 32767f;
        if (s >= 32767f) {
            return 32767;
        }
        if (s <= -32767f) {
            return -32767; // symmetric range: -1 and 1 map to -32767 and 32767
        }
        return (short) Math.round(s);
    }

    /** 16-bit sample to float (inverse of {@link #toS16} within half a step). */
    public static float fromS16(short s) {
        return s / 32767f;
    }

    /** Clips to [-1, 1] (NaN to 0) for 32-bit float output. */
    public static float clip(float x) {
        if (!(x == x)) {
            return 0f;
        }
        return Math.max(-1f, Math.min(1f, x));
    }

    public static byte[] toS16le(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            short s = toS16(samples[i]);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    public static byte[] toF32le(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : samples) {
            b.putFloat(clip(x));
        }
        return b.array();
    }

    public static float[] fromS16le(byte[] data, int offset, int length) {
        if (length % 2 != 0) {
            throw new IllegalArgumentException("16-bit PCM length " + length + " is odd");
        }
        float[] out = new float[length / 2];
        for (int i = 0; i < out.length; i++) {
            int lo = data[offset + 2 * i] & 0xff;
            int hi = data[offset + 2 * i + 1];
            out[i] = fromS16((short) ((hi << 8) | lo));
        }
        return out;
    }

    public static float[] fromF32le(byte[] data, int offset, int length) {
        if (length % 4 != 0) {
            throw new IllegalArgumentException("32-bit float PCM length " + length + " is not a multiple of 4");
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return out;
    }
}
