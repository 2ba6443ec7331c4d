package ai.maya1.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of {@code say}/{@code stream} on long text: pieces done, seconds of audio and the real-time factor, drawn
 * on stderr by a progress-bar library, only when enabled (a terminal, not {@code --quiet}) and the text has
 * more than one piece. Otherwise every call is a no-op.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private boolean closed;

    Progress(PrintStream out, boolean enabled, int pieces) {
        this.bar = enabled && pieces > 1 ? new ProgressBarBuilder().setTaskName("speaking").setInitialMax(pieces).setUnit(" pieces", 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).clearDisplayOnFinish()
                .setConsumer(new ConsoleProgressBarConsumer(out, Tty.columns())).build() : null;
    }

    /** Whether a bar is drawn. */
    boolean drawing() {
        return bar != null;
    }

    /** A chunk of piece {@code piece} (0-based) arrived; {@code audioSeconds} have been produced so far. */
    void update(int piece, double audioSeconds) {
        if (bar == null) {
            return;
        }
        bar.stepTo(piece);
        double wall = (System.nanoTime() - startNanos) / 1e9;
        bar.setExtraMessage(String.format(Locale.ROOT, "%.1f s audio, RTF %.2f", audioSeconds, audioSeconds > 0 ? wall / audioSeconds : 0));
    }

    /** All pieces are done: the bar is cleared. */
    void done() {
        if (bar != null && !closed) {
            bar.stepTo(bar.getMax());
        }
        close();
    }

    @Override
    public void close() {
        if (bar != null && !closed) {
            closed = true; // a second close would draw the bar again after it was cleared
            bar.close();
        }
    }
}
