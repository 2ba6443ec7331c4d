package ai.maya1.cuda.snac;

/**
 * The counter-based Gaussian noise of the SNAC NoiseBlocks: bit for bit the CPU decoder's generator
 * ({@code ai.maya1.vocoder.snac.NoiseSource.Counter}) and the {@code snac_noise} device function in
 * {@code snac.cu} (tests compare all three), so the java and cuda backends give the same seeded audio:
 *
 * <pre>
 *   key = mix64(mix64(seed ^ 0x9E3779B97F4A7C15 * (block + 1)) + 0xD1B54A32D192ED03 * (item + 1))
 *   h1  = mix64(key + 0x9E3779B97F4A7C15 * (position + 1));   h2 = mix64(h1 ^ 0x632BE59BD9B4E019)
 *   u1  = ((h1 &gt;&gt;&gt; 11) + 1) * 2^-53  in (0, 1];   u2 = (h2 &gt;&gt;&gt; 11) * 2^-53  in [0, 1)
 *   n   = (float) (sqrt(-2 ln u1) * cos(2 pi u2))
 * </pre>
 *
 * block 0..3 = decoder.model.2..5, item = batch item, position = absolute position at the block's output rate;
 * mix64 = SplitMix64's finalizer.
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
        long key = mix64(mix64(seed ^ GAMMA * (block + 1)) + 0xD1B54A32D192ED03L * (item + 1));
        long h1 = mix64(key + GAMMA * (position + 1));
        long h2 = mix64(h1 ^ 0x632BE59BD9B4E019L);
        double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53;
        double u2 = (h2 >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
}
