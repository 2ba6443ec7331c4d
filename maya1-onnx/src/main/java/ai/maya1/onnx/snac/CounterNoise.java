package ai.maya1.onnx.snac;

/**
 * Counter-based N(0,1) noise for SNAC's NoiseBlocks: the value at (seed, block, batch item, absolute position) is
 * a pure function of those four numbers (two SplitMix64 finalizer rounds over the key, then Box-Muller), so
 * offline and streaming decodes of the same codes get the same noise however the frames are chunked. The formula
 * is the pure-Java vocoder's ({@code ai.maya1.vocoder.snac.NoiseSource}), so {@code NoiseMode.seeded(s)} gives
 * the same noise on both backends.
 */
final class CounterNoise {
    private CounterNoise() {
    }

    static void fill(long seed, int block, int item, long startPos, float[] dst, int off, int len) {
        long key = mix(mix(seed ^ 0x9E3779B97F4A7C15L * (block + 1)) + 0xD1B54A32D192ED03L * (item + 1));
        for (int i = 0; i < len; i++) {
            dst[off + i] = (float) gaussian(key, startPos + i);
        }
    }

    static double gaussian(long key, long position) {
        long h1 = mix(key + 0x9E3779B97F4A7C15L * (position + 1));
        long h2 = mix(h1 ^ 0x632BE59BD9B4E019L);
        double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (h2 >>> 11) * 0x1.0p-53;       // [0, 1)
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
