package ai.maya1.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.concurrent.ComputeExecutor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integer dot products of Q8_0 and Q4_0 against Q8_0-quantized activations: every vector width equals the
 * scalar twin bit for bit, on random blocks including extreme and zero scales, all-zero blocks and the extreme
 * int8 / nibble values; the twin computes ggml's x86 kernel arithmetic; the activation quantizer is ggml's.
 */
class Int8KernelsTest {
    static final int[] WIDTHS = {128, 256, 512};
    /** f16 bit patterns of awkward scales: largest finite, smallest normal, a subnormal, zero, negative. */
    static final short[] EXTREME_SCALES = {0x7BFF, 0x0400, 0x0001, 0x0000, (short) 0xFBFF, (short) 0x8001, 0x3C00};

    /** Random Q8_0 / Q4_0 rows: random bytes, scales random or extreme, some blocks all zero. */
    static Q8DotMatrix randomMatrix(String format, int rows, int blocks, Random rnd) {
        int bb = format.equals("Q8_0") ? 34 : 18;
        ByteBuffer buf = ByteBuffer.allocate(rows * blocks * bb).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * blocks; i++) {
            int kind = rnd.nextInt(6);
            short d = kind == 0 ? EXTREME_SCALES[rnd.nextInt(EXTREME_SCALES.length)]
                    : Float.floatToFloat16((float) (rnd.nextGaussian() * 0.01));
            buf.putShort(d);
            for (int j = 2; j < bb; j++) {
                // kind 1: all-zero quants (Q4_0: all nibbles 8, i.e. weight 0); kind 2: the extreme values only
                byte v = switch (kind) {
                    case 1 -> format.equals("Q8_0") ? 0 : (byte) 0x88;
                    case 2 -> format.equals("Q8_0") ? (rnd.nextBoolean() ? (byte) -128 : (byte) 127) : (rnd.nextBoolean() ? 0 : (byte) 0xFF);
                    default -> (byte) rnd.nextInt(256);
                };
                buf.put(v);
            }
        }
        MemorySegment seg = MemorySegment.ofArray(buf.array());
        int cols = blocks * 32;
        return format.equals("Q8_0") ? new Q8_0Matrix("w", rows, cols, seg, ActivationFormat.Q8)
                : new Q4_0Matrix("w", rows, cols, seg, ActivationFormat.Q8);
    }

    /** Activations with a wide dynamic range per block, some blocks zero, some a single spike. */
    static float[] randomActivations(int n, Random rnd) {
        float[] x = new float[n];
        for (int b = 0; b < n / 32; b++) {
            int kind = rnd.nextInt(5);
            float scale = (float) Math.pow(10, rnd.nextInt(13) - 6);
            for (int i = 0; i < 32; i++) {
                x[b * 32 + i] = switch (kind) {
                    case 0 -> 0f;
                    case 1 -> i == 7 ? -scale : 0f;
                    default -> (float) rnd.nextGaussian() * scale;
                };
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void everyVectorWidthEqualsTheScalarTwinBitForBit(String format) {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int blocks = 1 + rnd.nextInt(9);
            int tokens = 1 + rnd.nextInt(3);
            Q8DotMatrix m = randomMatrix(format, 5, blocks, rnd);
            Q8Activations a = new Q8Activations().quantize(randomActivations(tokens * m.cols(), rnd), 0, tokens, m.cols());
            for (int r = 0; r < m.rows(); r++) {
                for (int t = 0; t < tokens; t++) {
                    float twin = m.dotQ8WithBits(0, r, a, t);
                    for (int bits : WIDTHS) {
                        assertEquals(Float.floatToRawIntBits(twin), Float.floatToRawIntBits(m.dotQ8WithBits(bits, r, a, t)),
                                format + " " + bits + "-bit kernel vs twin, trial " + trial + " row " + r + " token " + t);
                    }
                    assertEquals(Float.floatToRawIntBits(twin), Float.floatToRawIntBits(m.dotQ8(r, a, t)), "the production path");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void theTwinComputesGgmlsLanesScalesAndLaneSum(String format) {
        // one row of 2 blocks with power-of-two scales: every product and partial sum is exact, so the expected value
        // can be written from ggml's definition: lane m = Σ_{j=4m}^{4m+3} w_j a_j, fma(d, lane) per block, hsum_float_8
        Random rnd = new Random(7);
        Q8DotMatrix m = randomMatrix(format, 1, 2, rnd);
        MemorySegment s = m.blocks();
        int bb = format.equals("Q8_0") ? 34 : 18;
        s.set(BlockMatrix.I16, 0, Float.floatToFloat16(0.5f));
        s.set(BlockMatrix.I16, bb, Float.floatToFloat16(-0.25f));
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = (i % 5) - 2;
        }
        Q8Activations a = new Q8Activations().quantize(x, 0, 1, 64);
        double[] lanes = new double[8];
        float[] w = new float[64];
        m.dequantizeRow(0, w, 0);
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 32; j++) {
                lanes[j / 4] += (double) w[b * 32 + j] * a.q[b * 32 + j] * a.d[b];
            }
        }
        float expected = (float) (((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7])));
        assertEquals(expected, m.dotQ8WithBits(0, 0, a, 0), Math.ulp(expected) * 4, format + " twin vs ggml's definition");
    }

    @Test
    void activationQuantizerIsGgmlsX86Quantizer() {
        float[] x = new float[32];
        x[0] = 2.54f; // the block maximum: q = 127, d = f16(2.54 / 127)
        x[1] = 0.05f; // 0.05 * 127 / 2.54 = 2.5 exactly in float? then round-half-even gives 2
        x[2] = -1.27f; // -63.5 -> -64 (half to even)
        x[3] = 0.07f; // 3.5 -> 4
        x[4] = -2.54f;
        Q8Activations a = new Q8Activations().quantize(x, 0, 1, 32);
        float id = 127f / 2.54f;
        assertEquals(127, a.q[0]);
        assertEquals((byte) Math.rint(0.05f * id), a.q[1]);
        assertEquals((byte) Math.rint(-1.27f * id), a.q[2]);
        assertEquals((byte) Math.rint(0.07f * id), a.q[3]);
        assertEquals(-127, a.q[4]);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(2.54f / 127f)), a.d[0]);
        Q8Activations zero = new Q8Activations().quantize(new float[32], 0, 1, 32);
        assertEquals(0f, zero.d[0]);
        assertArrayEquals(new byte[32], java.util.Arrays.copyOf(zero.q, 32));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_0"})
    void productsOnInt8ActivationsEqualTheirRowDotsAtEveryTokenCountAndStayCloseToTheFloatPath(String format) throws Exception {
        Random rnd = new Random(3);
        Q8DotMatrix m = randomMatrix(format, 41, 4, rnd);
        try (ComputeExecutor ex = new ComputeExecutor(2, "int8")) {
            for (int tokens = 1; tokens <= 9; tokens += 4) {
                float[] x = new float[tokens * m.cols()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[] out = new float[tokens * m.rows()];
                m.matmul(ex, x, tokens, out);
                float[] exact = new float[tokens * m.rows()];
                m.withActivations(ActivationFormat.F32).matmul(ex, x, tokens, exact);
                float[] w = new float[m.cols()];
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < m.rows(); r++) {
                        assertEquals(Float.floatToRawIntBits(m.dot(r, x, t * m.cols())), Float.floatToRawIntBits(out[t * m.rows() + r]),
                                tokens + " tokens, token " + t + " row " + r);
                        // activation rounding: |x - d q| <= d/2 per element, so |error| <= Σ_j |w_j| d_b / 2
                        m.dequantizeRow(r, w, 0);
                        double bound = 0;
                        for (int j = 0; j < w.length; j++) {
                            double amax = 0;
                            for (int i = j / 32 * 32; i < j / 32 * 32 + 32; i++) {
                                amax = Math.max(amax, Math.abs(x[t * m.cols() + i]));
                            }
                            bound += Math.abs(w[j]) * amax / 127 * 0.51;
                        }
                        float diff = Math.abs(out[t * m.rows() + r] - exact[t * m.rows() + r]);
                        assertTrue(diff <= bound * 1.01 + 1e-6, "row " + r + ": int8 " + out[t * m.rows() + r] + " vs float " + exact[t * m.rows() + r]
                                + ", bound " + bound);
                    }
                }
            }
        }
    }

    @Test
    void scratchIsReusedWithoutGrowingForSmallerProducts() {
        Q8Activations a = Q8Activations.forProduct();
        a.quantize(new float[640], 0, 2, 320);
        byte[] q = a.q;
        a.quantize(new float[64], 0, 1, 64);
        assertTrue(q == a.q, "the scratch array is reused");
    }
}
