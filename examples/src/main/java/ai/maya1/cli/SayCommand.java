package ai.maya1.cli;

import ai.maya1.audio.AudioFormat;
import ai.maya1.engine.TextChunker;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code maya1 say "Hello from the JVM <laugh> this is a test." --out hello.wav}: synthesizes the text and writes
 * one audio file; prints TTFA, RTF and where the file went. Without Maya1 weights in the Hugging Face cache it uses
 * the built-in test model and says so ("test model: output is not speech") with the download commands.
 */
@Command(name = "say", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speak text into an audio file.", "",
                "Example: maya1 say \"Hello from the JVM <laugh> this is a test.\" --out hello.wav"})
final class SayCommand implements Callable<Integer> {
    @Mixin
    SpeechOptions opts;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file (default: speech.<format extension>).")
    Path out;

    @Option(names = "--list-voices", description = "Print the voice presets and exit.")
    boolean listVoices;

    @Option(names = "--play", description = "Also play through the default sound output (javax.sound) as chunks arrive.")
    boolean play;

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = System.out;
        if (listVoices) {
            ai.maya1.tokenizer.VoicePresets.names().forEach(n -> stdout.println(n + ": " + ai.maya1.tokenizer.VoicePresets.description(n).orElse("")));
            return 0;
        }
        opts.configureLogging();
        AudioFormat fmt = opts.format(out);
        Path target = out != null ? out : Path.of("speech." + fmt.extension());
        SpeechRequest request = opts.request(fmt);
        // before any work: an unwritable path fails now, not after the synthesis
        try (OutputFile file = OutputFile.open(target)) {
            SpeechOptions.Choice choice = opts.choose();
            speak(request, fmt, target, file, choice, stdout);
        }
        return 0;
    }

    private void speak(SpeechRequest request, AudioFormat fmt, Path target, OutputFile file, SpeechOptions.Choice choice, PrintStream stdout)
            throws IOException {
        try (Playback playback = play ? Playback.open() : null; // before the model loads: no sound output fails at once
             Maya1Tts tts = Maya1Tts.create(opts.config(choice))) {
            opts.announce(stdout, tts.info(), choice);
            int pieces = request.splitLongText() ? TextChunker.split(request.text(), tts.config().maxPieceChars()).size() : 1;
            java.util.List<float[]> parts = new java.util.ArrayList<>();
            long[] samples = {0};
            SpeechStats stats;
            try (Progress progress = new Progress(System.err, !opts.quiet && Tty.stderr(), pieces)) {
                stats = tts.stream(request, chunk -> {
                    parts.add(chunk.samples());
                    if (playback != null) {
                        playback.play(chunk.samples());
                    }
                    samples[0] += chunk.samples().length;
                    progress.update(chunk.piece(), samples[0] / 24_000.0);
                    return true;
                });
                progress.done();
            }
            float[] pcm = new float[(int) samples[0]];
            int p = 0;
            for (float[] a : parts) {
                System.arraycopy(a, 0, pcm, p, a.length);
                p += a.length;
            }
            Speech speech = new Speech(pcm, stats, fmt);
            speech.write(file.path(), fmt);
            file.done();
            if (!opts.quiet) {
                stdout.printf(Locale.ROOT, "wrote %s (%s, %d Hz, %.2f s)%n", target.toAbsolutePath(), fmt.name().toLowerCase(Locale.ROOT),
                        fmt.sampleRate(), speech.seconds());
                stdout.printf(Locale.ROOT, "TTFA %d ms, RTF %.3f, %d frames, %d LM tokens (%.1f tok/s), finish %s%s%n",
                        stats.timeToFirstAudio().toMillis(), stats.realTimeFactor(), stats.frames(), stats.lmTokens(), stats.lmTokensPerSecond(),
                        stats.finishReason(), stats.pieces() > 1 ? ", " + stats.pieces() + " pieces" : "");
                if (!stats.complete()) {
                    stdout.println("note: generation ended by " + stats.finishReason() + " before the text was complete"
                            + (stats.finishReason().name().equals("MAX_TOKENS") ? " (raise --max-tokens)" : ""));
                }
            }
        }
    }
}
