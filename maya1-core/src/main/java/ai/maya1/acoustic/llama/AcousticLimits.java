package ai.maya1.acoustic.llama;

import ai.maya1.vocoder.SnacFrame;

/**
 * Token budgets derived from the text, so long sentences are not cut at a fixed length: speech runs about
 * 82 SNAC tokens per second of audio (7 tokens per 85.3 ms frame), and read speech about 12-16 characters per
 * second; the estimate assumes a slow 8 characters per second plus two seconds, so a normal reading finishes
 * (with CODE_END) well before the limit.
 */
public final class AcousticLimits {
    /** Tokens per second of audio (7 per 2048-sample frame at 24 kHz). */
    public static final double TOKENS_PER_SECOND = SnacFrame.TOKENS_PER_FRAME * 24000.0 / SnacFrame.SAMPLES_PER_FRAME;
    /** Hard cap of the derived limit: about 3 minutes of audio. */
    public static final int HARD_CAP_TOKENS = 7 * 2100;
    /** The slowest speaking rate assumed, characters per second. */
    public static final double SLOW_CHARS_PER_SECOND = 8.0;

    private AcousticLimits() {
    }

    /**
     * A max-new-tokens limit for {@code textChars} characters of text: a whole number of frames, at least
     * 4 seconds, at most {@link #HARD_CAP_TOKENS} and never more than {@code contextLength - promptTokens}.
     */
    public static int maxNewTokensForText(int textChars, int promptTokens, int contextLength) {
        double seconds = Math.max(4.0, 2.0 + Math.max(0, textChars) / SLOW_CHARS_PER_SECOND);
        long frames = (long) Math.ceil(seconds * TOKENS_PER_SECOND / SnacFrame.TOKENS_PER_FRAME);
        long tokens = Math.min(HARD_CAP_TOKENS, frames * SnacFrame.TOKENS_PER_FRAME + 1); // + CODE_END
        long room = (long) contextLength - promptTokens;
        return (int) Math.max(1, Math.min(tokens, room));
    }
}
