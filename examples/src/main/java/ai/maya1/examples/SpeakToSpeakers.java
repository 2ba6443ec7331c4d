package ai.maya1.examples;

import ai.maya1.audio.Pcm;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * Speaks text on the default sound output as it is synthesized (javax.sound): playback starts after the first
 * chunk, not after the whole utterance.
 *
 * <pre>MAYA1_MODEL=hf:maya-research/maya1 java -cp maya1-cli.jar ai.maya1.examples.SpeakToSpeakers "Hello <laugh> world."</pre>
 */
public final class SpeakToSpeakers {
    /** 24 kHz, 16-bit signed little-endian, mono: the engine's output as javax.sound wants it. */
    public static final AudioFormat FORMAT = new AudioFormat(24_000f, 16, 1, true, false);

    /** Where PCM goes: a {@link SourceDataLine} in {@link #main}, anything that takes bytes in tests. */
    @FunctionalInterface
    public interface PcmOut {
        void write(byte[] s16le);
    }

    private SpeakToSpeakers() {
    }

    /** Streams {@code request} to {@code out} as 16-bit PCM chunks. */
    public static SpeechStats speak(Maya1Tts tts, SpeechRequest request, PcmOut out) {
        return tts.stream(request, chunk -> {
            out.write(Pcm.toS16le(chunk.samples()));
            return true;
        });
    }

    public static void main(String[] args) throws LineUnavailableException {
        String text = args.length > 0 ? String.join(" ", args) : "Hello from the JVM <laugh> this is Maya1 speaking.";
        try (Maya1Tts tts = Maya1Tts.create(Examples.config())) {
            SourceDataLine line = AudioSystem.getSourceDataLine(FORMAT);
            line.open(FORMAT, 24_000); // 0.5 s buffer
            line.start();
            SpeechStats stats = speak(tts, SpeechRequest.of(text), b -> line.write(b, 0, b.length));
            line.drain();
            line.close();
            System.out.println(stats.summary());
        }
    }
}
