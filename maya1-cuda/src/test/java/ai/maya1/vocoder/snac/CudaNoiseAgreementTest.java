package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.maya1.cuda.snac.SnacNoise;
import ai.maya1.vocoder.NoiseMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend's noise formula ({@link SnacNoise}, the twin of snac.cu's snac_noise) is the CPU decoder's:
 * seeded audio is the same on both backends. (In this package to reach the package-private NoiseSource.)
 */
class CudaNoiseAgreementTest {
    @Test
    void cudaNoiseEqualsCpuDecoderNoiseBitForBit() {
        Random r = new Random(5);
        float[] cpu = new float[257];
        for (int trial = 0; trial < 200; trial++) {
            long seed = trial < 3 ? new long[] {0, -1, Long.MIN_VALUE}[trial] : r.nextLong();
            int block = r.nextInt(4), item = r.nextInt(8);
            long pos = trial % 2 == 0 ? r.nextInt(100_000) : (r.nextLong() >>> 24);
            NoiseSource.of(NoiseMode.seeded(seed)).fill(block, item, pos, cpu, cpu.length);
            for (int i = 0; i < cpu.length; i++) {
                assertEquals(Float.floatToRawIntBits(cpu[i]), Float.floatToRawIntBits(SnacNoise.noise(seed, block, item, pos + i)),
                        "seed " + seed + " block " + block + " item " + item + " position " + (pos + i));
            }
        }
    }
}
