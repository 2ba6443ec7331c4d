package ai.maya1.tts;

import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A finished utterance: mono float PCM at 24 kHz in [-1, 1] plus the {@link SpeechStats} of the request that made it.
 * Immutable; {@link #samples()} returns a copy.
 */
public final class Speech {
    private final float[] samples;
    private final SpeechStats stats;
    private final AudioFormat format;

    public Speech(float[] samples, SpeechStats stats, AudioFormat format) {
        this.samples = Objects.requireNonNull(samples, "samples").clone();
        this.stats = Objects.requireNonNull(stats, "stats");
        this.format = Objects.requireNonNull(format, "format");
    }

    /** A copy of the samples (24 kHz mono). */
    public float[] samples() {
        return samples.clone();
    }

    public int sampleCount() {
        return samples.length;
    }

    /** 24000. */
    public int sampleRate() {
        return SpeechStats.SAMPLE_RATE;
    }

    public double seconds() {
        return samples.length / (double) SpeechStats.SAMPLE_RATE;
    }

    public SpeechStats stats() {
        return stats;
    }

    /** The format the request asked for. */
    public AudioFormat format() {
        return format;
    }

    /** The audio encoded in the request's format. */
    public byte[] bytes() {
        return encode(format);
    }

    /** The audio encoded in {@code format} (resampled when its rate is not 24 kHz). */
    public byte[] encode(AudioFormat format) {
        return AudioEncoders.encodeAll(samples, format);
    }

    /** Writes the audio in {@code format} to {@code out} (not closed). */
    public void write(OutputStream out, AudioFormat format) throws IOException {
        out.write(encode(format));
    }

    /** Writes the audio in {@code format} to a file, replacing it. */
    public void write(Path file, AudioFormat format) {
        try {
            Files.write(file, encode(format));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the audio in the request's format to a file. */
    public void write(Path file) {
        write(file, format);
    }
}
