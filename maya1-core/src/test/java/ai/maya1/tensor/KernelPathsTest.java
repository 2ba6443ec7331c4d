package ai.maya1.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Every format's exact float dot product, on every path (scalar fallback and the 128-, 256- and 512-bit species,
 * forced through {@code dotWithBits}), equals the float32 dot product over its dequantized weights to ~1e-5 relative
 * (relative to {@code Σ|w·x|}, the scale of the rounding error); batched products equal the row dots.
 */
class KernelPathsTest {
    static final String[] FORMATS = {"F32", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"};

    @Provide
    Arbitrary<Integer> bits() {
        return Arbitraries.of(0, 128, 256, 512);
    }

    @Provide
    Arbitrary<String> formats() {
        return Arbitraries.of(FORMATS);
    }

    static FloatMatrix make(String format, int rows, int blocks, Random rnd) throws IOException {
        boolean k = format.endsWith("_K");
        int cols = k ? 256 * blocks : 32 * blocks + (format.equals("F32") || format.equals("BF16") ? rnd.nextInt(7) : 0);
        if (k) {
            // random super-blocks (any bytes are valid except the f16 scales, which we keep finite and small)
            QuantFixtures fx = QuantFixtures.load();
            byte[] proto = fx.bytes.get(format.toLowerCase() + ".blocks");
            int bb = proto.length / 8;
            byte[] b = new byte[rows * blocks * bb];
            for (int i = 0; i < rows * blocks; i++) {
                System.arraycopy(proto, (rnd.nextInt(8)) * bb, b, i * bb, bb);
            }
            MemorySegment seg = MemorySegment.ofArray(b);
            return switch (format) {
                case "Q4_K" -> new Q4_KMatrix(format, rows, cols, seg);
                case "Q5_K" -> new Q5_KMatrix(format, rows, cols, seg);
                default -> new Q6_KMatrix(format, rows, cols, seg);
            };
        }
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        F32Matrix f = F32Matrix.of(format, rows, cols, v);
        return switch (format) {
            case "F32" -> f;
            case "BF16" -> BF16Matrix.roundFrom(f);
            case "Q8_0" -> Q8_0Matrix.quantize(f);
            default -> Q4_0Matrix.quantize(f);
        };
    }

    @Property(tries = 120)
    void everyPathEqualsTheDequantizedF32Dot(@ForAll("formats") String format, @ForAll("bits") int bits,
                                             @ForAll @IntRange(min = 1, max = 5) int blocks, @ForAll long seed) throws IOException {
        Random rnd = new Random(seed);
        // the exact float path (Q8_0 / Q4_0 default to int8 activations: Int8KernelsTest covers those)
        FloatMatrix m = make(format, 3, blocks, rnd).withActivations(ActivationFormat.F32);
        float[] x = new float[m.cols() + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int xOff = rnd.nextInt(4);
        float[] w = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, w, 0);
            double ref = 0;
            double mag = 0;
            for (int i = 0; i < w.length; i++) {
                ref += (double) w[i] * x[xOff + i];
                mag += Math.abs((double) w[i] * x[xOff + i]);
            }
            float got = m.dotWithBits(bits, r, x, xOff);
            double err = Math.abs(got - ref);
            assertTrue(err <= 1e-5 * mag + 1e-30, format + " bits=" + bits + " row " + r + ": " + got + " vs " + ref + " (|w.x| " + mag + ")");
            if (bits == Kernels.BITS || (!Kernels.VECTOR && bits == 0)) {
                // same operations; only the lane-reduction order may differ (unspecified for floats)
                assertEquals(got, m.dot(r, x, xOff), 1e-6 * mag, format + ": the default path is the " + bits + "-bit path");
            }
        }
    }

    @Property(tries = 20)
    void batchedProductsEqualRowDots(@ForAll("formats") String format, @ForAll @IntRange(min = 1, max = 5) int tokens, @ForAll long seed)
            throws IOException {
        Random rnd = new Random(seed);
        FloatMatrix m = make(format, 37, 2, rnd);
        float[] x = new float[tokens * m.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] out = new float[tokens * m.rows()];
        try (ComputeExecutor ex = new ComputeExecutor(2, "kp")) {
            m.matmul(ex, x, tokens, out);
            float[] rows = new float[10];
            m.matvecRows(ex, x, 0, 20, 30, rows, 0);
            for (int r = 20; r < 30; r++) {
                assertEquals(m.dot(r, x, 0), rows[r - 20]);
            }
        }
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < m.rows(); r++) {
                double mag = 0;
                float[] w = new float[m.cols()];
                m.dequantizeRow(r, w, 0);
                for (int i = 0; i < w.length; i++) {
                    mag += Math.abs((double) w[i] * x[t * m.cols() + i]);
                }
                // up to 3 tokens: the format's own dot, bit for bit; from 4 on: the row widened once, then F32 dots
                // (int8-activation products are the format's own dot at every token count)
                assertEquals(m.dot(r, x, t * m.cols()), out[t * m.rows() + r], tokens < 4 ? 0 : 1e-5 * mag, "token " + t + " row " + r);
            }
        }
    }
}
