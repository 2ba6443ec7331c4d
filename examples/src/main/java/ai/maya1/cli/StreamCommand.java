package ai.maya1.cli;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.engine.TextChunker;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code maya1 stream "text" [--out FILE|-] [--format FMT] [--play]}: writes audio chunks as the engine produces
 * them (WAV gets a streaming header of unknown length), to a file, to stdout ({@code -}, the default when stdout is
 * not a terminal), or to the sound card with {@code --play}. Messages go to stderr.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speak text, writing audio chunks as they are produced.", "",
                "Examples: maya1 stream \"Hello there.\" --format pcm | aplay -f S16_LE -r 24000 -c 1",
                "          maya1 stream \"Hello there.\" --play"})
final class StreamCommand implements Callable<Integer> {
    @Mixin
    SpeechOptions opts;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file, or '-' for stdout (default).")
    String out;

    @Option(names = "--play", description = "Play through the default sound output (javax.sound) instead of writing.")
    boolean play;

    @Override
    public Integer call() throws Exception {
        PrintStream msg = System.err;
        boolean toStdout = !play && (out == null || out.equals("-"));
        if (toStdout && SpeechOptions.terminal() && out == null) {
            throw new IllegalArgumentException("refusing to write binary audio to a terminal: use --out FILE, '--out -' with a pipe, or --play");
        }
        AudioFormat fmt = play ? AudioFormat.PCM_S16LE : opts.format(toStdout ? null : Path.of(out));
        SpeechRequest request = opts.request(fmt);
        SpeechOptions.Choice choice = opts.choose();
        try (Playback playback = play ? Playback.open() : null; // before the model loads: no sound output fails at once
             Maya1Tts tts = Maya1Tts.create(opts.config(choice));
             AudioSink sink = play ? playback : new Writer(toStdout ? System.out : Files.newOutputStream(prepare(Path.of(out))), !toStdout)) {
            opts.announce(msg, tts.info(), choice);
            AudioEncoder enc = AudioEncoders.streaming(fmt);
            sink.write(enc.start());
            int pieces = request.splitLongText() ? TextChunker.split(request.text(), tts.config().maxPieceChars()).size() : 1;
            Progress progress = new Progress(msg, !opts.quiet && SpeechOptions.terminal() && !toStdout, pieces);
            long[] samples = {0};
            SpeechStats stats = tts.stream(request, chunk -> {
                sink.write(enc.encode(chunk.samples()));
                samples[0] += chunk.samples().length;
                progress.update(chunk.piece(), samples[0] / 24_000.0);
                return true;
            });
            sink.write(enc.finish());
            progress.done();
            if (!opts.quiet) {
                msg.printf(Locale.ROOT, "%s%s (%s, %d Hz, %.2f s)%n", play ? "played" : "wrote ", play ? "" : toStdout ? "stdout" : Path.of(out).toAbsolutePath(),
                        fmt.name().toLowerCase(Locale.ROOT), fmt.sampleRate(), stats.audioSeconds());
                msg.printf(Locale.ROOT, "TTFA %d ms, RTF %.3f, %d frames, %d LM tokens (%.1f tok/s), finish %s%n", stats.timeToFirstAudio().toMillis(),
                        stats.realTimeFactor(), stats.frames(), stats.lmTokens(), stats.lmTokensPerSecond(), stats.finishReason());
            }
        }
        return 0;
    }

    private static Path prepare(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return p;
    }

    /** Where encoded bytes go. */
    interface AudioSink extends AutoCloseable {
        void write(byte[] b);

        @Override
        void close() throws IOException;
    }

    private static final class Writer implements AudioSink {
        private final OutputStream out;
        private final boolean close;

        Writer(OutputStream out, boolean close) {
            this.out = new BufferedOutputStream(out, 1 << 14);
            this.close = close;
        }

        @Override
        public void write(byte[] b) {
            try {
                out.write(b);
                out.flush(); // chunks leave as soon as they exist
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write audio: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            out.flush();
            if (close) {
                out.close();
            }
        }
    }
}
