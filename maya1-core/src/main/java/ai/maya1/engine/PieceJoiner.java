package ai.maya1.engine;

import java.util.Arrays;

/**
 * Joins the audio of consecutive text pieces into one stream, incrementally: drops each piece's leading
 * warm-up samples, crossfades the end of a piece into the start of the next (linear, {@code crossfade} samples)
 * and holds back only the last {@code crossfade} samples of the current piece until it is known whether another
 * piece follows. Output is independent of how the input is chunked. Not thread-safe (one per request).
 */
final class PieceJoiner {
    private final int trim;
    private final int crossfade;

    private int trimLeft;
    /** tail of the current piece not yet emitted (at most crossfade samples once processed) */
    private float[] held = new float[0];
    /** tail of the previous piece being faded out into the current one */
    private float[] fadeOut;
    private int fadePos;
    private boolean inPiece;

    /**
     * @param trim      samples dropped at the start of every piece (the vocoder's warm-up)
     * @param crossfade samples of overlap between pieces (0 for a plain join)
     */
    PieceJoiner(int trim, int crossfade) {
        if (trim < 0 || crossfade < 0) {
            throw new IllegalArgumentException("trim and crossfade must be >= 0");
        }
        this.trim = trim;
        this.crossfade = crossfade;
    }

    void startPiece() {
        if (inPiece) {
            throw new IllegalStateException("previous piece not ended");
        }
        inPiece = true;
        trimLeft = trim;
        held = new float[0];
    }

    /** Adds samples of the current piece; returns those that are final now. */
    float[] accept(float[] samples) {
        if (!inPiece) {
            throw new IllegalStateException("no piece started");
        }
        int skip = Math.min(trimLeft, samples.length);
        trimLeft -= skip;
        int n = samples.length - skip;
        if (n == 0) {
            return new float[0];
        }
        float[] cur = Arrays.copyOfRange(samples, skip, samples.length);
        mixFadeOut(cur);
        // append to the held tail, emit all but the last `crossfade` samples
        float[] all = concat(held, cur);
        int keep = Math.min(crossfade, all.length);
        held = Arrays.copyOfRange(all, all.length - keep, all.length);
        return Arrays.copyOf(all, all.length - keep);
    }

    /**
     * Ends the current piece.
     *
     * @param more whether another piece follows (its start is crossfaded with this piece's held tail)
     * @return samples that are final now
     */
    float[] endPiece(boolean more) {
        if (!inPiece) {
            throw new IllegalStateException("no piece started");
        }
        inPiece = false;
        float[] rest = new float[0];
        if (fadeOut != null) {
            // the piece was shorter than the previous crossfade: what is left of the previous tail fades out after it
            rest = new float[fadeOut.length - fadePos];
            mixFadeOut(rest);
        }
        float[] tail = concat(held, rest);
        held = new float[0];
        if (more && crossfade > 0 && tail.length > 0) {
            fadeOut = tail;
            fadePos = 0;
            return new float[0];
        }
        return tail;
    }

    /** Mixes the fading-out tail of the previous piece into the start of {@code cur} (in place). */
    private void mixFadeOut(float[] cur) {
        if (fadeOut == null) {
            return;
        }
        int len = fadeOut.length;
        int m = Math.min(cur.length, len - fadePos);
        for (int k = 0; k < m; k++) {
            int p = fadePos + k;
            float w = (p + 0.5f) / len; // weight of the new piece rises from ~0 to ~1
            cur[k] = fadeOut[p] * (1f - w) + cur[k] * w;
        }
        fadePos += m;
        if (fadePos >= len) {
            fadeOut = null;
            fadePos = 0;
        }
    }

    private static float[] concat(float[] a, float[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
