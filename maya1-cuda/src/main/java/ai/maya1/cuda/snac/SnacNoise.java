package ai.maya1.cuda.snac;

/**
 * The counter-based Gaussian noise of the SNAC NoiseBlocks, bit for bit the formula of the {@code snac_noise}
 * device function in {@code snac.cu} (a GPU test compares them):
 *
 * <pre>
 *   c  = (block &lt;&lt; 56) ^ (item &lt;&lt; 40) ^ position          block 0..3 = decoder.model.2..5; position at the block's rate
 *   h1 = mix64(seed + 0x9E3779B97F4A7C15 * (2c + 1))
 *   h2 = mix64(seed + 0x9E3779B97F4A7C15 * (2c + 2))       mix64 = SplitMix64's finalizer
 *   u1 = ((h1 &gt;&gt;&gt; 11) + 1) * 2^-53   in (0, 1]
 *   u2 = (h2 &gt;&gt;&gt; 11) * 2^-53         in [0, 1)
 *   n  = (float) (sqrt(-2 ln u1) * cos(2 pi u2))            Box-Muller in double
 * </pre>
 *
 * Keyed by absolute position, so the audio does not depend on how frames are chunked or batched.
 */
public final class SnacNoise {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SnacNoise() {
    }

    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static float noise(long seed, int block, int item, long position) {
        long c = ((long) block << 56) ^ ((long) item << 40) ^ position;
        long h1 = mix64(seed + GAMMA * (2 * c + 1));
        long h2 = mix64(seed + GAMMA * (2 * c + 2));
        double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53;
        double u2 = (h2 >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(6.283185307179586 * u2));
    }
}
