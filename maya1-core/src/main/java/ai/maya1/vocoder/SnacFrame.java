package ai.maya1.vocoder;

import ai.maya1.Maya1Tokens;

/**
 * One SNAC audio frame as Maya1 emits it: 7 LM tokens carrying 1 level-0 code, 2 level-1 codes and 4 level-2
 * codes, each in [0, 4095]. Decodes to 2048 samples at 24 kHz (85.3 ms).
 *
 * <p>Token k of a frame is {@code 128266 + k*4096 + code}; levels are L0=[t0], L1=[t1,t4], L2=[t2,t3,t5,t6].
 */
public record SnacFrame(int l0, int l1a, int l1b, int l2a, int l2b, int l2c, int l2d) {
    /** First SNAC code token id. */
    public static final int CODE_TOKEN_OFFSET = Maya1Tokens.CODE_OFFSET;
    /** Codebook size of every level. */
    public static final int CODEBOOK_SIZE = 4096;
    /** Tokens per frame. */
    public static final int TOKENS_PER_FRAME = 7;
    /** Samples per frame at 24 kHz. */
    public static final int SAMPLES_PER_FRAME = 2048;

    public SnacFrame {
        check(l0, 0);
        check(l1a, 1);
        check(l1b, 4);
        check(l2a, 2);
        check(l2b, 3);
        check(l2c, 5);
        check(l2d, 6);
    }

    private static void check(int code, int slot) {
        if (code < 0 || code >= CODEBOOK_SIZE) {
            throw new IllegalArgumentException("SNAC code " + code + " at frame slot " + slot + " is outside [0, 4095]");
        }
    }

    /** Token id of slot k for code c. */
    public static int tokenId(int slot, int code) {
        return CODE_TOKEN_OFFSET + slot * CODEBOOK_SIZE + code;
    }

    /**
     * Unpacks 7 Maya1 tokens starting at {@code offset}. Each id must lie in its slot's range
     * {@code 128266 + k*4096 .. +4095}; an id outside it is rejected with its position.
     */
    public static SnacFrame fromTokens(int[] ids, int offset) {
        if (offset < 0 || offset + TOKENS_PER_FRAME > ids.length) {
            throw new InvalidCodeException("need 7 tokens at position " + offset + ", have " + Math.max(0, ids.length - offset), offset);
        }
        int[] c = new int[TOKENS_PER_FRAME];
        for (int k = 0; k < TOKENS_PER_FRAME; k++) {
            int id = ids[offset + k];
            int lo = CODE_TOKEN_OFFSET + k * CODEBOOK_SIZE;
            if (id < lo || id >= lo + CODEBOOK_SIZE) {
                throw new InvalidCodeException("token " + id + " at position " + (offset + k) + " is not a code of frame slot " + k
                        + " (expected " + lo + ".." + (lo + CODEBOOK_SIZE - 1) + ")", offset + k);
            }
            c[k] = id - lo;
        }
        return new SnacFrame(c[0], c[1], c[4], c[2], c[3], c[5], c[6]);
    }

    /**
     * Unpacks 7 code tokens as the Maya1 reference does, for every acoustic backend: slot k's code is
     * {@code (id - 128266) mod 4096}. Under frame-constrained decoding each id lies in its slot's codebook and this is
     * exact; unconstrained decoding may put a code of another codebook in a slot, which the reference accepts too.
     */
    public static SnacFrame fromCodeTokens(int[] ids) {
        int[] c = new int[TOKENS_PER_FRAME];
        for (int k = 0; k < TOKENS_PER_FRAME; k++) {
            c[k] = Math.floorMod(ids[k] - CODE_TOKEN_OFFSET, CODEBOOK_SIZE);
        }
        return new SnacFrame(c[0], c[1], c[4], c[2], c[3], c[5], c[6]);
    }

    /** The 7 token ids of this frame, in emission order. */
    public int[] toTokens() {
        return new int[] {tokenId(0, l0), tokenId(1, l1a), tokenId(2, l2a), tokenId(3, l2b), tokenId(4, l1b), tokenId(5, l2c), tokenId(6, l2d)};
    }
}
