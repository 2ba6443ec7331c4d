package ai.maya1.acoustic;

/**
 * The second layer (text2mel): Maya1's LM turns prompt ids into SNAC codec frames.
 *
 * <p>Implementations are safe to call from several threads; each call has its own KV cache and RNG.
 */
public interface AcousticModel extends AutoCloseable {

    AcousticModelInfo info();

    /**
     * Runs the prompt, then samples until CODE_END, a limit, cancellation or the deadline, delivering each
     * complete frame to {@code sink} as soon as its 7th token is sampled.
     *
     * <p>Errors inside generation are reported in the result (finish reason ERROR) rather than thrown, so frames
     * already delivered stay valid; invalid arguments throw.
     */
    GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink);

    /** Frees memory and stops threads the model owns. Idempotent. */
    @Override
    void close();
}
