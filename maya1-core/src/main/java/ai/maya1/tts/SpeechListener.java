package ai.maya1.tts;

/**
 * Receives streamed audio on the thread that called {@link Maya1Tts#stream}. Return {@code false} from
 * {@link #onChunk} to cancel: the LM stops within one frame, the request's memory is released, and
 * {@code stream} returns stats with finish reason CANCELLED.
 */
@FunctionalInterface
public interface SpeechListener {

    /**
     * @return true to continue, false to cancel the request
     */
    boolean onChunk(AudioChunk chunk);

    /** Called once after the last chunk (also after a cancellation) with the request's stats. */
    default void onComplete(SpeechStats stats) {
    }
}
