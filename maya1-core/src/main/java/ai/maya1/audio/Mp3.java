package ai.maya1.audio;

import ai.maya1.Maya1Exception;

/**
 * MP3 through jump3r (a Java port of LAME, {@code de.sciss:jump3r}, licensed LGPL-2.1-or-later). It is an
 * <b>optional</b> dependency: maya1-core declares it optional so an application opts in (and accepts the LGPL
 * terms for that jar) by adding it to its own dependencies. Without it, MP3 requests fail with a clear
 * {@link Maya1Exception}; every other format works.
 *
 * <p>Output: MPEG-2 Layer III, 24 kHz mono, 64 kbit/s CBR, no ID3 tag. The encoder uses jump3r's low-level LAME
 * classes directly (not its {@code javax.sound}-based wrapper), so core stays free of {@code javax.sound}.
 */
public final class Mp3 {
    private static final String PROBE = "de.sciss.jump3r.mp3.Lame";

    private Mp3() {
    }

    /** Whether jump3r is on the class path. */
    public static boolean available() {
        try {
            Class.forName(PROBE, false, Mp3.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void require() {
        if (!available()) {
            throw new Maya1Exception("MP3 output needs the optional library de.sciss:jump3r:1.0.5 (LGPL-2.1-or-later) on the class path; "
                    + "add it to your dependencies or choose wav, pcm, ulaw or alaw");
        }
    }

    /** A streaming MP3 encoder of mono float PCM at {@code sampleRate} (8, 11.025, 12, 16, 22.05, 24, 32, 44.1 or 48 kHz). */
    public static AudioEncoder encoder(int sampleRate) {
        require();
        return new Jump3rCodec.Encoder(sampleRate, 64);
    }

    /** Decoded MP3: sample rate and mono samples (first channel). */
    public record Decoded(int sampleRate, float[] samples) {
    }

    /** Decodes a whole MP3 stream (for tests and tools). */
    public static Decoded decode(byte[] mp3) {
        require();
        return Jump3rCodec.decode(mp3);
    }
}
