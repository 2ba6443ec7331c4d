package ai.maya1.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar redrawn on stderr, only when stderr belongs to a terminal. */
final class Progress {
    private final PrintStream out;
    private final boolean enabled;
    private final int pieces;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintStream out, boolean enabled, int pieces) {
        this.out = out;
        this.enabled = enabled;
        this.pieces = Math.max(1, pieces);
    }

    void update(int piece, double audioSeconds) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = (int) Math.round(width * (piece + 0.5) / pieces);
        String bar = "#".repeat(Math.min(width, filled)) + "-".repeat(Math.max(0, width - filled));
        out.printf(Locale.ROOT, "\r[%s] piece %d/%d, %.1f s of audio", bar, Math.min(piece + 1, pieces), pieces, audioSeconds);
        out.flush();
        drawn = true;
    }

    void done() {
        if (drawn) {
            out.print("\r" + " ".repeat(72) + "\r");
            out.flush();
        }
    }
}
