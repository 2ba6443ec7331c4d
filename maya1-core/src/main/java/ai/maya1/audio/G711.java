package ai.maya1.audio;

/**
 * ITU-T G.711 companding: mu-law (North America, Japan) and A-law (Europe), 8 bits per sample, from and to
 * 16-bit linear PCM, bit-exact with the ITU reference (Sun {@code g711.c}) conventions.
 */
public final class G711 {
    private static final int MU_BIAS = 0x84;
    private static final int MU_CLIP = 32635;
    private static final short[] MU_DECODE = new short[256];
    private static final short[] A_DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            MU_DECODE[i] = decodeUlawSlow((byte) i);
            A_DECODE[i] = decodeAlawSlow((byte) i);
        }
    }

    private G711() {
    }

    /** 16-bit linear to mu-law. */
    public static byte linearToUlaw(short pcm) {
        int s = pcm;
        int sign = (s >> 8) & 0x80;
        if (sign != 0) {
            s = -s;
        }
        if (s > MU_CLIP) {
            s = MU_CLIP;
        }
        s += MU_BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (s >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** mu-law to 16-bit linear. */
    public static short ulawToLinear(byte u) {
        return MU_DECODE[u & 0xff];
    }

    private static short decodeUlawSlow(byte b) {
        int u = ~b & 0xff;
        int t = ((u & 0x0f) << 3) + MU_BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? MU_BIAS - t : t - MU_BIAS);
    }

    /** 16-bit linear to A-law. */
    public static byte linearToAlaw(short pcm) {
        int s = pcm >> 3; // 13-bit magnitude domain
        int mask;
        if (s >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            s = -s - 1;
        }
        int[] segEnd = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
        int seg = 0;
        while (seg < 8 && s > segEnd[seg]) {
            seg++;
        }
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = seg << 4;
        if (seg < 2) {
            aval |= (s >> 1) & 0x0f;
        } else {
            aval |= (s >> seg) & 0x0f;
        }
        return (byte) (aval ^ mask);
    }

    /** A-law to 16-bit linear. */
    public static short alawToLinear(byte a) {
        return A_DECODE[a & 0xff];
    }

    private static short decodeAlawSlow(byte b) {
        int a = (b & 0xff) ^ 0x55;
        int t = (a & 0x0f) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }

    public static byte[] encodeUlaw(float[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = linearToUlaw(Pcm.toS16(samples[i]));
        }
        return out;
    }

    public static byte[] encodeAlaw(float[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = linearToAlaw(Pcm.toS16(samples[i]));
        }
        return out;
    }

    public static float[] decodeUlaw(byte[] data, int offset, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = ulawToLinear(data[offset + i]) / 32768f;
        }
        return out;
    }

    public static float[] decodeAlaw(byte[] data, int offset, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = alawToLinear(data[offset + i]) / 32768f;
        }
        return out;
    }
}
