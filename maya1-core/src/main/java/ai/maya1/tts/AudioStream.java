package ai.maya1.tts;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Pull-style audio of one request: the LM runs ahead on an engine thread while the caller reads chunks.
 * {@link #close()} cancels the request if it is still running (the LM stops within one frame) and is idempotent.
 * Not thread-safe: one reader.
 *
 * <pre>{@code
 * try (AudioStream audio = tts.openStream(request)) {
 *     for (AudioChunk chunk : audio) {
 *         line.write(chunk.samples());
 *     }
 * }
 * }</pre>
 */
public interface AudioStream extends AutoCloseable, Iterable<AudioChunk> {

    /**
     * Blocks until the next chunk is ready.
     *
     * @return the next chunk, or null after the last one
     * @throws ai.maya1.Maya1Exception if synthesis failed
     * @throws IllegalStateException   if the stream was closed
     */
    AudioChunk read();

    /** Like {@link #read()} but gives up after {@code timeout}, returning empty if nothing arrived. */
    Optional<AudioChunk> read(Duration timeout);

    /** The request's stats once the last chunk has been read (or the stream was closed), else empty. */
    Optional<SpeechStats> stats();

    /** Cancels the request if still running and frees its resources. Idempotent. */
    @Override
    void close();

    /** Iterates the remaining chunks (blocking in {@code hasNext}). */
    @Override
    default Iterator<AudioChunk> iterator() {
        return new Iterator<>() {
            private AudioChunk next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = read();
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public AudioChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                AudioChunk c = next;
                next = null;
                return c;
            }
        };
    }
}
