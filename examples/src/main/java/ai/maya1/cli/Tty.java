package ai.maya1.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the CLI's output streams are terminals: progress bars are drawn only on a terminal, and binary audio is
 * never written to one.
 */
final class Tty {
    /** Set by the {@code maya1} launcher: its stderr filter puts a pipe between java and the terminal. */
    static final String STDERR_PROPERTY = "maya1.stderr.tty";
    /** Terminal width, set by the launcher where it can read it. */
    static final String COLUMNS_PROPERTY = "maya1.stderr.columns";

    private Tty() {
    }

    /** Whether stdin and stdout belong to a terminal. */
    static boolean stdout() {
        return System.console() != null && System.console().isTerminal();
    }

    /** Whether stderr (where progress goes) is a terminal. */
    static boolean stderr() {
        String told = System.getProperty(STDERR_PROPERTY);
        if (told != null && !told.isBlank()) {
            return Boolean.parseBoolean(told.trim());
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return stdout(); // no /proc (macOS, Windows): the console's view of stdout is the best guess
        }
    }

    /** Columns a progress line may use (80 when unknown or reported as 0, so that a redrawn line never wraps). */
    static int columns() {
        String c = System.getProperty(COLUMNS_PROPERTY, System.getenv("COLUMNS"));
        try {
            int n = c == null ? 0 : Integer.parseInt(c.trim());
            return n <= 0 ? 80 : Math.max(40, Math.min(n, 200));
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
