package ai.maya1.vocoder;

/**
 * Incremental, exact SNAC decoding of one stream. Concatenating everything returned by {@link #push} and
 * {@link #flush} equals the offline decode of all pushed frames. State is bounded: memory does not grow with
 * the number of frames. Not thread-safe: one stream per producer.
 */
public interface VocoderStream extends AutoCloseable {

    /** Adds frames; returns the samples that became final (possibly empty, never null). */
    float[] push(SnacFrame... frames);

    /** Ends the stream: returns all remaining samples. Further pushes throw IllegalStateException. */
    float[] flush();

    /** Samples emitted so far. */
    long samplesEmitted();

    @Override
    void close();
}
