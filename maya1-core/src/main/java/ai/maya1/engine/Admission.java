package ai.maya1.engine;

import ai.maya1.tts.DeadlineExceededException;
import ai.maya1.tts.OverloadedException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control: at most {@code maxActive} requests run, at most {@code maxQueued} wait for a slot, and any
 * further request is refused with {@link OverloadedException} at once (never unbounded memory).
 */
final class Admission {
    private final Semaphore slots;
    private final int maxActive;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();

    Admission(int maxActive, int maxQueued) {
        this.slots = new Semaphore(maxActive, true);
        this.maxActive = maxActive;
        this.maxQueued = maxQueued;
    }

    /** Takes a slot, waiting in the bounded queue if needed (without a time limit). */
    void acquire() {
        acquire(Long.MAX_VALUE, null);
    }

    /**
     * Takes a slot, waiting in the bounded queue if needed, but not past {@code deadlineNanos} ({@link System#nanoTime()};
     * {@code Long.MAX_VALUE} for none): a request whose deadline passes in the queue fails with
     * {@link DeadlineExceededException} without ever running.
     */
    void acquire(long deadlineNanos, java.time.Duration timeout) {
        if (slots.tryAcquire()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            throw new OverloadedException("engine overloaded: " + maxActive + " requests running and " + maxQueued + " waiting");
        }
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                slots.acquire();
            } else if (!slots.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new DeadlineExceededException(timeout, "no audio within the request timeout of "
                        + (timeout == null ? "?" : timeout.toMillis()) + " ms: still waiting for a free slot (" + maxActive
                        + " requests running)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ai.maya1.Maya1Exception("interrupted while waiting for a free slot", e);
        } finally {
            queued.decrementAndGet();
        }
    }

    void release() {
        slots.release();
    }

    int active() {
        return maxActive - slots.availablePermits();
    }

    int queued() {
        return queued.get();
    }
}
