package ai.maya1.cuda.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The documented noise formula (the GPU comparison is in CudaSnacParityTest). */
class SnacNoiseTest {
    @Test
    void isStandardNormalAndKeyed() {
        int n = 200_000;
        double sum = 0, sq = 0;
        int beyond3 = 0;
        for (int i = 0; i < n; i++) {
            double x = SnacNoise.noise(42, 1, 0, i);
            sum += x;
            sq += x * x;
            if (Math.abs(x) > 3) {
                beyond3++;
            }
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assertEquals(0, mean, 0.01);
        assertEquals(1, var, 0.02);
        assertEquals(0.0027 * n, beyond3, 0.0027 * n * 0.2, "tails of N(0,1)");
        assertEquals(SnacNoise.noise(7, 2, 1, 12345), SnacNoise.noise(7, 2, 1, 12345));
        assertNotEquals(SnacNoise.noise(7, 2, 1, 12345), SnacNoise.noise(7, 3, 1, 12345));
        assertNotEquals(SnacNoise.noise(7, 2, 1, 12345), SnacNoise.noise(7, 2, 0, 12345));
        assertNotEquals(SnacNoise.noise(7, 2, 1, 12345), SnacNoise.noise(8, 2, 1, 12345));
    }

    @Test
    void mixIsSplitMix64() {
        // SplitMix64 with state 0: first output is mix64(0x9E3779B97F4A7C15) = 0xE220A8397B1DCDAF
        assertEquals(0xE220A8397B1DCDAFL, SnacNoise.mix64(0x9E3779B97F4A7C15L));
        assertTrue(Float.isFinite(SnacNoise.noise(-1, 3, 65535, (1L << 40) - 1)));
    }
}
