package ai.maya1.tts;

import ai.maya1.Maya1Exception;

/**
 * The engine refused a request because its admission limits (concurrent requests, queue length, KV memory budget)
 * are reached. Nothing was started; the caller may retry later or shed load (a server maps this to HTTP 503/429).
 */
public class OverloadedException extends Maya1Exception {
    public OverloadedException(String message) {
        super(message);
    }
}
