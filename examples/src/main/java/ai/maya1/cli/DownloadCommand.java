package ai.maya1.cli;

import ai.maya1.hub.HfDownloader;
import ai.maya1.hub.HubSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maya1 download REPO [--revision R]}: fetches a model repository into the Hugging Face hub cache
 * (the same cache and layout Python's huggingface_hub uses), resuming partial files and verifying hashes.
 * Prints the snapshot folder on stdout; progress goes to stderr (a bar with rate and ETA on a terminal, plain
 * lines otherwise).
 */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a model repository (e.g. maya-research/maya1, hubertsiuzdak/snac_24khz) into the Hugging Face cache.")
final class DownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO", description = "repository id, org/name")
    String repo;

    @Option(names = "--revision", description = "branch, tag or commit (default: ${DEFAULT-VALUE})", defaultValue = "main")
    String revision;

    @Option(names = "--cache-dir", description = "hub cache folder (default: HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)")
    Path cacheDir;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() {
        HubSettings s = HubSettings.fromEnvironment();
        if (cacheDir != null) {
            s = s.withHubCache(cacheDir);
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        HfDownloader.Progress p = quiet ? HfDownloader.Progress.NONE : new ConsoleProgress(System.err, terminal);
        HfDownloader.Result r = new HfDownloader(s, p).download(repo, revision);
        if (!quiet) {
            System.err.printf(Locale.ROOT, "%s@%s: %d files, %s downloaded, %s already cached%n", r.repoId(), r.commit(), r.files().size(),
                    ConsoleProgress.size(r.bytesDownloaded()), ConsoleProgress.size(r.bytesReused()));
        }
        System.out.println(r.snapshot());
        return 0;
    }

    /** Terminal: one redrawn line with a bar, rate and ETA. Otherwise: a line per file start and end. */
    static final class ConsoleProgress implements HfDownloader.Progress {
        private final PrintStream out;
        private final boolean terminal;
        private String file;
        private long size;
        private long done;
        private long startNanos;
        private long lastDraw;
        private long resumedFrom;

        ConsoleProgress(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void repo(String repoId, String commit, int files) {
            out.println(repoId + " @ " + commit + " (" + files + " files)");
        }

        @Override
        public void fileStarted(String file, long size, long resumedFrom) {
            this.file = file;
            this.size = size;
            this.done = resumedFrom;
            this.resumedFrom = resumedFrom;
            this.startNanos = System.nanoTime();
            this.lastDraw = 0;
            if (!terminal) {
                out.println("downloading " + file + " (" + size(size) + (resumedFrom > 0 ? ", resuming at " + size(resumedFrom) : "") + ")");
            }
        }

        @Override
        public void bytes(long n) {
            done += n;
            long now = System.nanoTime();
            if (terminal && now - lastDraw > 100_000_000L) {
                lastDraw = now;
                draw(now);
            }
        }

        private void draw(long now) {
            double secs = Math.max(1e-3, (now - startNanos) / 1e9);
            double rate = (done - resumedFrom) / secs;
            String eta = size > 0 && rate > 0 ? duration((size - done) / rate) : "?";
            int width = 30;
            int filled = size > 0 ? (int) Math.min(width, width * done / size) : 0;
            String pct = size > 0 ? String.format(Locale.ROOT, "%3d%%", 100 * done / size) : "  ?%";
            out.printf(Locale.ROOT, "\r%-32.32s %s [%s%s] %s/%s %s/s ETA %s\u001b[K", file, pct, "#".repeat(filled), " ".repeat(width - filled),
                    size(done), size(size), size((long) rate), eta);
            out.flush();
        }

        @Override
        public void fileDone(String file, long size, boolean fromCache) {
            if (terminal) {
                if (!fromCache) {
                    draw(System.nanoTime());
                    out.println();
                } else {
                    out.println(file + " (cached, " + size(size) + ")");
                }
            } else {
                out.println((fromCache ? "cached " : "done ") + file + " (" + size(size) + ")");
            }
        }

        static String size(long b) {
            if (b < 0) {
                return "?";
            }
            if (b < 1024) {
                return b + " B";
            }
            String[] u = {"KiB", "MiB", "GiB", "TiB"};
            double v = b;
            int i = -1;
            while (v >= 1024 && i < u.length - 1) {
                v /= 1024;
                i++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
        }

        static String duration(double s) {
            long t = (long) Math.ceil(s);
            return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        }
    }
}
