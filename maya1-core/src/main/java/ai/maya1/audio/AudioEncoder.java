package ai.maya1.audio;

/**
 * Streaming encoder from the engine's 24 kHz float PCM to one {@link AudioFormat}: {@link #start()} once, then
 * {@link #encode} per chunk, then {@link #finish()}. Concatenating the returned bytes gives a complete stream
 * (WAV with a streaming header of unknown length). Not thread-safe.
 */
public interface AudioEncoder {

    AudioFormat format();

    /** Bytes before any audio (the WAV header), possibly empty. */
    byte[] start();

    /** Encodes 24 kHz samples; may return fewer bytes than samples warrant (resampler/MP3 delay). */
    byte[] encode(float[] samples24k);

    /** Flushes everything held back. */
    byte[] finish();
}
