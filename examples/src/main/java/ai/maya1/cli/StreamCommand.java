package ai.maya1.cli;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.Wav;
import ai.maya1.engine.TextChunker;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code maya1 stream "text" [--out FILE|-] [--format FMT] [--play]}: writes audio chunks as the engine produces
 * them, to a file (a WAV file gets its exact sizes when the stream ends), to stdout ({@code -}, the default when
 * stdout is not a terminal; a WAV there has a streaming header of unknown length), or to the sound card with
 * {@code --play}. Messages go to stderr.
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
        opts.configureLogging();
        boolean toStdout = !play && (out == null || out.equals("-"));
        if (toStdout && SpeechOptions.terminal() && out == null) {
            throw new IllegalArgumentException("refusing to write binary audio to a terminal: use --out FILE, '--out -' with a pipe, or --play");
        }
        AudioFormat fmt = play ? AudioFormat.PCM_S16LE : opts.format(toStdout ? null : Path.of(out));
        SpeechRequest request = opts.request(fmt);
        // the file is opened before any work: an unwritable path fails now, not after the synthesis
        try (Playback playback = play ? Playback.open() : null; // before the model loads: no sound output fails at once
             AudioSink sink = play ? playback : toStdout ? new Writer(System.out) : new FileWriter(Path.of(out), fmt)) {
            SpeechOptions.Choice choice = opts.choose();
            try (Maya1Tts tts = Maya1Tts.create(opts.config(choice))) {
                opts.announce(msg, tts.info(), choice);
                AudioEncoder enc = AudioEncoders.streaming(fmt);
                sink.write(enc.start());
                int pieces = request.splitLongText() ? TextChunker.split(request.text(), tts.config().maxPieceChars()).size() : 1;
                long[] samples = {0};
                SpeechStats stats;
                try (Progress progress = new Progress(msg, !opts.quiet && Tty.stderr(), pieces)) {
                    stats = tts.stream(request, chunk -> {
                        sink.write(enc.encode(chunk.samples()));
                        samples[0] += chunk.samples().length;
                        progress.update(chunk.piece(), samples[0] / 24_000.0);
                        return true;
                    });
                    sink.write(enc.finish());
                    progress.done();
                }
                if (!opts.quiet) {
                    msg.printf(Locale.ROOT, "%s%s (%s, %d Hz, %.2f s)%n", play ? "played" : "wrote ", play ? "" : toStdout ? "stdout" : Path.of(out).toAbsolutePath(),
                            fmt.name().toLowerCase(Locale.ROOT), fmt.sampleRate(), stats.audioSeconds());
                    msg.printf(Locale.ROOT, "TTFA %d ms, RTF %.3f, %d frames, %d LM tokens (%.1f tok/s), finish %s%n", stats.timeToFirstAudio().toMillis(),
                            stats.realTimeFactor(), stats.frames(), stats.lmTokens(), stats.lmTokensPerSecond(), stats.finishReason());
                }
            }
        }
        return 0;
    }

    /** Where encoded bytes go. */
    interface AudioSink extends AutoCloseable {
        void write(byte[] b);

        @Override
        void close() throws IOException;
    }

    /** A pipe (stdout): chunks leave as soon as they exist; a WAV keeps its streaming header of unknown length. */
    private static final class Writer implements AudioSink {
        private final OutputStream out;

        Writer(OutputStream out) {
            this.out = new BufferedOutputStream(out, 1 << 14);
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
        }
    }

    /**
     * A file: written as the chunks come (readable while it grows), and a WAV gets its exact RIFF, fact and data
     * sizes at close in place of the streaming header's 0xFFFFFFFF.
     */
    static final class FileWriter implements AudioSink {
        private final Path file;
        private final AudioFormat format;
        private final FileChannel channel;
        private final OutputStream out;

        FileWriter(Path file, AudioFormat format) {
            this.file = file;
            this.format = format;
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + CliErrors.reason(e), e);
            }
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 14);
        }

        @Override
        public void write(byte[] b) {
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + CliErrors.reason(e), e);
            }
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                out.flush();
                if (format.container() == AudioFormat.Container.WAV) {
                    finishWav();
                }
            }
        }

        private void finishWav() throws IOException {
            int headerBytes = Wav.header(format.encoding(), format.sampleRate(), -1).length;
            long dataBytes = channel.size() - headerBytes;
            if (dataBytes < 0) {
                return; // nothing but a partial header was written (synthesis failed first)
            }
            if ((dataBytes & 1) == 1) {
                channel.write(ByteBuffer.wrap(new byte[1]), channel.size()); // RIFF chunks are padded to even sizes
            }
            byte[] exact = Wav.header(format.encoding(), format.sampleRate(), dataBytes);
            if (exact.length == headerBytes) { // a length beyond 4 GiB keeps the streaming header
                channel.write(ByteBuffer.wrap(exact), 0);
            }
        }
    }
}
