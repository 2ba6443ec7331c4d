package ai.maya1.vocoder;

import java.util.List;

/**
 * SNAC codes of a batch in level layout: level i is {@code [batch][T * 2^i]} with values in [0, 4095]
 * (the layout of SNAC's own {@code codes} and of the golden {@code codes.json}).
 */
public record SnacCodes(int[][] level0, int[][] level1, int[][] level2) {
    public SnacCodes {
        if (level0.length == 0 || level0.length != level1.length || level0.length != level2.length) {
            throw new InvalidCodeException("levels must have the same non-zero batch size: " + level0.length + ", "
                    + level1.length + ", " + level2.length, 0);
        }
        int t = level0[0].length;
        for (int b = 0; b < level0.length; b++) {
            if (level0[b].length != t || level1[b].length != 2 * t || level2[b].length != 4 * t) {
                throw new InvalidCodeException("batch item " + b + ": level lengths " + level0[b].length + "/" + level1[b].length
                        + "/" + level2[b].length + " are not T/2T/4T with T=" + t, b);
            }
            checkRange(level0[b], 0, b);
            checkRange(level1[b], 1, b);
            checkRange(level2[b], 2, b);
        }
    }

    private static void checkRange(int[] codes, int level, int batch) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= SnacFrame.CODEBOOK_SIZE) {
                throw new InvalidCodeException("code " + codes[i] + " at level " + level + ", batch " + batch + ", index " + i
                        + " is outside [0, 4095]", i);
            }
        }
    }

    public int batch() {
        return level0.length;
    }

    /** Frames (level-0 length). */
    public int frames() {
        return level0[0].length;
    }

    /** Batch of one from frames in order. */
    public static SnacCodes of(List<SnacFrame> frames) {
        int t = frames.size();
        int[] l0 = new int[t];
        int[] l1 = new int[2 * t];
        int[] l2 = new int[4 * t];
        for (int i = 0; i < t; i++) {
            SnacFrame f = frames.get(i);
            l0[i] = f.l0();
            l1[2 * i] = f.l1a();
            l1[2 * i + 1] = f.l1b();
            l2[4 * i] = f.l2a();
            l2[4 * i + 1] = f.l2b();
            l2[4 * i + 2] = f.l2c();
            l2[4 * i + 3] = f.l2d();
        }
        return new SnacCodes(new int[][] {l0}, new int[][] {l1}, new int[][] {l2});
    }

    /** Frame {@code i} of batch item {@code b}. */
    public SnacFrame frame(int b, int i) {
        return new SnacFrame(level0[b][i], level1[b][2 * i], level1[b][2 * i + 1], level2[b][4 * i], level2[b][4 * i + 1],
                level2[b][4 * i + 2], level2[b][4 * i + 3]);
    }
}
