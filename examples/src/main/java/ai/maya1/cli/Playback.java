package ai.maya1.cli;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * {@code --play} of {@code say} and {@code stream}: the engine's 24 kHz mono audio to the default sound output through
 * {@code javax.sound.sampled}, chunk by chunk as it is produced. Lives in the examples module; maya1-core never
 * touches javax.sound (an ArchUnit rule checks that).
 *
 * <p>{@link #open()} is called before the model loads, so a machine without a sound output (a server, CI) fails at
 * once with one message naming the problem and the way out ({@code --out}). Writes block while the line's buffer is
 * full, i.e. playback paces the caller; {@link #close()} plays what is buffered to the end.
 */
final class Playback implements StreamCommand.AudioSink {
    /** 24 kHz, signed 16-bit little-endian, mono: the engine's rate, the encoding of {@code --format pcm}. */
    static final AudioFormat PCM_24K = new AudioFormat(24_000f, 16, 1, true, false);
    /** Half a second of audio buffered in the line: enough to ride out a slow chunk, short enough to start soon. */
    static final int BUFFER_BYTES = 24_000;

    private final SourceDataLine line;
    private final AudioEncoder s16 = AudioEncoders.streaming(ai.maya1.audio.AudioFormat.PCM_S16LE);
    private boolean closed;

    Playback(SourceDataLine line) {
        this.line = line;
    }

    /** Opens and starts the default output line; IllegalArgumentException naming why when there is none. */
    static Playback open() {
        SourceDataLine line;
        try {
            line = AudioSystem.getSourceDataLine(PCM_24K);
            line.open(PCM_24K, BUFFER_BYTES);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException("no audio output device to play on (" + CliErrors.oneLine(e)
                    + "); write the audio to a file with --out FILE instead", e);
        }
        line.start();
        return new Playback(line);
    }

    /** Plays 24 kHz float samples (blocks while the line's buffer is full). */
    void play(float[] samples24k) {
        write(s16.encode(samples24k));
    }

    /** Plays signed 16-bit little-endian 24 kHz bytes. */
    @Override
    public void write(byte[] s16le) {
        line.write(s16le, 0, s16le.length);
    }

    /** Plays what is buffered to the end, then releases the device. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        line.drain();
        line.close();
    }
}
