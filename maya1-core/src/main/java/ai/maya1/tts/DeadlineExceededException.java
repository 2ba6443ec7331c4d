package ai.maya1.tts;

import ai.maya1.Maya1Exception;
import java.time.Duration;

/**
 * A request's {@link SpeechRequest#timeout() timeout} passed before any audio was produced (while it waited for an
 * engine slot or before its first samples). Nothing was delivered to the caller, so there is no partial result: a
 * server maps this to HTTP 504. A deadline that passes after audio started ends the stream instead, with finish
 * reason {@code DEADLINE}.
 */
public class DeadlineExceededException extends Maya1Exception {
    private final Duration timeout;

    public DeadlineExceededException(Duration timeout, String message) {
        super(message);
        this.timeout = timeout;
    }

    /** The request's timeout that passed. */
    public Duration timeout() {
        return timeout;
    }
}
