package ai.maya1.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void silenceHasTheStandardCodes() {
        assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals(0, G711.ulawToLinear((byte) 0xFF));
        assertEquals(8, G711.alawToLinear((byte) 0xD5)); // A-law has no exact zero: +-8
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            short u = G711.ulawToLinear(code);
            byte back = G711.linearToUlaw(u);
            // mu-law has two zeros (0x7F and 0xFF): both decode to 0, which encodes as 0xFF
            if (u != 0) {
                assertEquals(code, back, "mu-law code " + c);
            }
            short a = G711.alawToLinear(code);
            assertEquals(code, G711.linearToAlaw(a), "A-law code " + c);
        }
    }

    @Test
    void decodeIsMonotonicAndErrorIsWithinTheSegmentStep() {
        for (int x = -32768; x <= 32767; x += 7) {
            short s = (short) x;
            int u = G711.ulawToLinear(G711.linearToUlaw(s));
            int a = G711.alawToLinear(G711.linearToAlaw(s));
            int mag = Math.abs(x);
            // quantization step doubles per segment: at most ~1/16 of the magnitude (plus the smallest step)
            assertTrue(Math.abs(u - x) <= Math.max(8, mag / 16 + 4) || mag > 32124, "mu-law " + x + " -> " + u);
            assertTrue(Math.abs(a - x) <= Math.max(16, mag / 16 + 8), "A-law " + x + " -> " + a);
        }
        for (int c = 1; c < 128; c++) {
            // within one sign half, larger codes mean smaller magnitude for mu-law (after inversion)
            assertTrue(Math.abs(G711.ulawToLinear((byte) (0x80 | c))) < Math.abs(G711.ulawToLinear((byte) (0x80 | (c - 1)))));
        }
    }

    @Test
    void signIsPreserved() {
        assertTrue(G711.ulawToLinear(G711.linearToUlaw((short) 1000)) > 0);
        assertTrue(G711.ulawToLinear(G711.linearToUlaw((short) -1000)) < 0);
        assertTrue(G711.alawToLinear(G711.linearToAlaw((short) 1000)) > 0);
        assertTrue(G711.alawToLinear(G711.linearToAlaw((short) -1000)) < 0);
    }
}
