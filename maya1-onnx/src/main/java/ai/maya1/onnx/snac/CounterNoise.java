package ai.maya1.onnx.snac;

/**
 * Counter-based N(0,1) noise for SNAC's NoiseBlocks: the value at (seed, block, batch item, absolute position) is
 * a pure function of those four numbers (SplitMix64 finalizer, then Box-Muller), so offline and streaming decodes
 * of the same codes get the same noise however the frames are chunked.
 */
final class CounterNoise {
    private CounterNoise() {
    }

    static void fill(long seed, int block, int item, long startPos, float[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = gaussian(seed, block, item, startPos + i);
        }
    }

    static float gaussian(long seed, int block, int item, long pos) {
        long key = seed ^ (0x9E3779B97F4A7C15L * (block + 1)) ^ (0xC2B2AE3D27D4EB4FL * (item + 1));
        long h1 = mix(key + pos * 0xD1B54A32D192ED03L);
        long h2 = mix(h1 ^ 0x94D049BB133111EBL);
        double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (h2 >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
