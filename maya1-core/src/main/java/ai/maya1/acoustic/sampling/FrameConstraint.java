package ai.maya1.acoustic.sampling;

import ai.maya1.Maya1Tokens;
import ai.maya1.vocoder.SnacFrame;

/**
 * The SNAC frame grammar Maya1's output must follow: a frame is 7 code tokens, slot k drawing from codebook k
 * ({@code 128266 + k·4096 ... +4095}), and CODE_END (128258) may only come at a frame boundary, and only after
 * the minimum number of new tokens. Constrained decoding samples only among these ids, so every frame is valid.
 */
public final class FrameConstraint {
    /** CODE_END: the end of speech. */
    public static final int CODE_END = Maya1Tokens.CODE_END;
    /** Rows the constrained head computes at most: one codebook plus CODE_END. */
    public static final int MAX_CANDIDATES = SnacFrame.CODEBOOK_SIZE + 1;

    private FrameConstraint() {
    }

    /** First id of slot {@code slot}'s codebook. */
    public static int slotBase(int slot) {
        return SnacFrame.CODE_TOKEN_OFFSET + slot * SnacFrame.CODEBOOK_SIZE;
    }

    /** Whether CODE_END is allowed at this point. */
    public static boolean endAllowed(int slot, int generated, int minNewTokens) {
        return slot == 0 && generated >= minNewTokens;
    }

    /** True when {@code id} is a SNAC code token of any slot. */
    public static boolean isCode(int id) {
        return id >= SnacFrame.CODE_TOKEN_OFFSET && id < SnacFrame.CODE_TOKEN_OFFSET + SnacFrame.TOKENS_PER_FRAME * SnacFrame.CODEBOOK_SIZE;
    }
}
