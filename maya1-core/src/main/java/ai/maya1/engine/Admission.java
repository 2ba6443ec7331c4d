package ai.maya1.engine;

import ai.maya1.tts.OverloadedException;
import java.util.concurrent.Semaphore;
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

    /** Takes a slot, waiting in the bounded queue if needed. */
    void acquire() {
        if (slots.tryAcquire()) {
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            throw new OverloadedException("engine overloaded: " + maxActive + " requests running and " + maxQueued + " waiting");
        }
        try {
            slots.acquire();
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
