package ai.maya1.cli;

import ai.maya1.hub.HfDownloader;
import ai.maya1.hub.HubSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
        HfDownloader.Progress p = quiet ? HfDownloader.Progress.NONE : new ConsoleProgress(System.err, Tty.stderr());
        HfDownloader.Result r = new HfDownloader(s, p).download(repo, revision);
        if (!quiet) {
            System.err.printf(Locale.ROOT, "%s@%s: %d files, %s downloaded, %s already cached%n", r.repoId(), r.commit(), r.files().size(),
                    ConsoleProgress.size(r.bytesDownloaded()), ConsoleProgress.size(r.bytesReused()));
        }
        System.out.println(r.snapshot());
        return 0;
    }

    /**
     * On a terminal: a progress bar per file (bytes, rate, ETA) drawn by a progress-bar library. Otherwise: one line
     * per file start and end, nothing redrawn.
     */
    static final class ConsoleProgress implements HfDownloader.Progress {
        private final PrintStream out;
        private final boolean terminal;
        private final int columns;
        private ProgressBar bar;

        ConsoleProgress(PrintStream out, boolean terminal) {
            this(out, terminal, Tty.columns());
        }

        ConsoleProgress(PrintStream out, boolean terminal, int columns) {
            this.out = out;
            this.terminal = terminal;
            this.columns = columns;
        }

        @Override
        public void repo(String repoId, String commit, int files) {
            out.println(repoId + " @ " + commit + " (" + files + " files)");
        }

        @Override
        public void fileStarted(String file, long size, long resumedFrom) {
            if (!terminal) {
                out.println("downloading " + file + " (" + size(size) + (resumedFrom > 0 ? ", resuming at " + size(resumedFrom) : "") + ")");
                return;
            }
            closeBar();
            bar = new ProgressBarBuilder().setTaskName(shortName(file)).setInitialMax(size > 0 ? size : -1).setUnit(" MiB", 1 << 20)
                    .showSpeed(new DecimalFormat("0.0")).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .startsFrom(Math.max(0, resumedFrom), Duration.ZERO).setConsumer(new ConsoleProgressBarConsumer(out, columns)).build();
        }

        @Override
        public void bytes(long n) {
            if (bar != null) {
                bar.stepBy(n);
            }
        }

        @Override
        public void fileDone(String file, long size, boolean fromCache) {
            if (terminal) {
                if (bar != null) {
                    bar.stepTo(size);
                    closeBar();
                }
                if (fromCache) {
                    out.println(file + " (cached, " + size(size) + ")");
                }
            } else {
                out.println((fromCache ? "cached " : "done ") + file + " (" + size(size) + ")");
            }
        }

        private void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        private static String shortName(String file) {
            return file.length() <= 28 ? file : "..." + file.substring(file.length() - 25);
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
    }
}
