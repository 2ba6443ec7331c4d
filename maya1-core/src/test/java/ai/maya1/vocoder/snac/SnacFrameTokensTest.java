package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.vocoder.InvalidCodeException;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Maya1's 7-token frames: L0=[t0], L1=[t1,t4], L2=[t2,t3,t5,t6], code = id - 128266 - slot*4096. */
class SnacFrameTokensTest {

    @Test
    void tokensMapToLevelsInTheMaya1Order() {
        int[] ids = new int[9];
        ids[0] = 1;
        ids[1] = 2;
        int[] codes = {10, 11, 12, 13, 14, 15, 16};
        for (int k = 0; k < 7; k++) {
            ids[2 + k] = 128266 + k * 4096 + codes[k];
        }
        SnacFrame f = SnacFrame.fromTokens(ids, 2);
        assertEquals(new SnacFrame(10, 11, 14, 12, 13, 15, 16), f);
        SnacCodes c = SnacCodes.of(List.of(f, f));
        assertArrayEquals(new int[] {10, 10}, c.level0()[0]);
        assertArrayEquals(new int[] {11, 14, 11, 14}, c.level1()[0]);
        assertArrayEquals(new int[] {12, 13, 15, 16, 12, 13, 15, 16}, c.level2()[0]);
        assertArrayEquals(java.util.Arrays.copyOfRange(ids, 2, 9), f.toTokens());
    }

    @Property(tries = 200)
    void roundTrip(@ForAll @IntRange(max = 4095) int a, @ForAll @IntRange(max = 4095) int b, @ForAll @IntRange(max = 4095) int c) {
        SnacFrame f = new SnacFrame(a, b, c, (a + b) % 4096, (b + c) % 4096, (a + c) % 4096, 4095 - a);
        assertEquals(f, SnacFrame.fromTokens(f.toTokens(), 0));
    }

    @Test
    void outOfRangeIdsAreRejectedWithTheirPosition() {
        int[] ids = new SnacFrame(0, 0, 0, 0, 0, 0, 4095).toTokens();
        ids[3] = 128266 + 2 * 4096 + 5; // a slot-2 code in slot 3
        InvalidCodeException e = assertThrows(InvalidCodeException.class, () -> SnacFrame.fromTokens(ids, 0));
        assertEquals(3, e.position());
        assertTrue(e.getMessage().contains("slot 3"), e.getMessage());
        int[] tooFew = {128266, 128266 + 4096};
        assertEquals(0, assertThrows(InvalidCodeException.class, () -> SnacFrame.fromTokens(tooFew, 0)).position());
        int[] endToken = new SnacFrame(1, 2, 3, 4, 5, 6, 7).toTokens();
        endToken[6] = 128258; // CODE_END inside a frame
        assertEquals(6, assertThrows(InvalidCodeException.class, () -> SnacFrame.fromTokens(endToken, 0)).position());
    }
}
