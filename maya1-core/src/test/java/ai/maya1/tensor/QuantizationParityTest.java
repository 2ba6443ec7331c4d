package ai.maya1.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bit-exact parity with the {@code gguf} package (0.19.0): Q8_0 and Q4_0 quantization produce the same bytes as
 * {@code gguf.quants.quantize}, and every format's dequantization equals {@code gguf.quants.dequantize} exactly
 * (K-quants on random blocks). Fixture: tools/fixtures/lm/make_quant_fixtures.py.
 */
class QuantizationParityTest {
    static final int ROWS = 6;
    static final int COLS = 256;
    static QuantFixtures fx;

    @BeforeAll
    static void load() throws IOException {
        fx = QuantFixtures.load();
    }

    @Test
    void q8_0QuantizationIsBitExactWithGguf() {
        F32Matrix src = F32Matrix.of("x", ROWS, COLS, fx.floats.get("q8_0.input"));
        Q8_0Matrix q = Q8_0Matrix.quantize(src);
        assertArrayEquals(fx.bytes.get("q8_0.blocks"), q.blocks().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertDequant(q, fx.floats.get("q8_0.dequant"));
    }

    @Test
    void q4_0QuantizationIsBitExactWithGguf() {
        F32Matrix src = F32Matrix.of("x", ROWS, COLS, fx.floats.get("q4_0.input"));
        Q4_0Matrix q = Q4_0Matrix.quantize(src);
        assertArrayEquals(fx.bytes.get("q4_0.blocks"), q.blocks().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertDequant(q, fx.floats.get("q4_0.dequant"));
    }

    @Test
    void kQuantDequantizationEqualsGguf() {
        // 8 random super-blocks each, read as 2 rows of 1024 weights
        assertDequant(new Q4_KMatrix("q4k", 2, 1024, MemorySegment.ofArray(fx.bytes.get("q4_k.blocks"))), fx.floats.get("q4_k.dequant"));
        assertDequant(new Q5_KMatrix("q5k", 2, 1024, MemorySegment.ofArray(fx.bytes.get("q5_k.blocks"))), fx.floats.get("q5_k.dequant"));
        assertDequant(new Q6_KMatrix("q6k", 2, 1024, MemorySegment.ofArray(fx.bytes.get("q6_k.blocks"))), fx.floats.get("q6_k.dequant"));
    }

    static void assertDequant(FloatMatrix m, float[] expected) {
        float[] got = new float[m.rows() * m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, got, r * m.cols());
        }
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]),
                    m.dtype() + " element " + i + ": expected " + expected[i] + ", got " + got[i]);
        }
    }
}
