package ai.maya1.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on reading a request. Helidon reads on one virtual thread per connection with blocking socket reads
 * and no read timeout of its own once a request has begun; interrupting a virtual thread blocked in a socket read
 * closes that socket, so a stalled header block or body ends within the limit (plus one tick) instead of holding the
 * connection open. The header watch is armed as soon as the request line is read and disarmed when the headers are
 * complete (a receive listener of the HTTP/1 protocol); the body watch is armed by the route around its read.
 */
final class ReadDeadlines implements AutoCloseable {
    private static final Duration TICK = Duration.ofMillis(250);

    /** One armed limit on one thread. */
    static final class Watch {
        private final Thread thread;
        private final long deadlineNanos;
        private boolean done;
        private boolean fired;

        private Watch(Thread thread, long deadlineNanos) {
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Duration limit;
    private final Map<Thread, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    ReadDeadlines(Duration limit) {
        this.limit = limit;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).name("maya1-server-read-timeout").factory());
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    Duration limit() {
        return limit;
    }

    /** Arms the limit for the calling thread (replacing any earlier watch of it). */
    Watch arm() {
        Watch w = new Watch(Thread.currentThread(), System.nanoTime() + limit.toNanos());
        watches.put(w.thread, w);
        return w;
    }

    /**
     * Disarms {@code w} (on its own thread). Returns whether it had fired; then the interrupt it caused is cleared
     * here, so nothing after the read sees it.
     */
    boolean disarm(Watch w) {
        boolean fired;
        synchronized (w) {
            w.done = true;
            fired = w.fired;
        }
        watches.remove(w.thread, w);
        if (fired) {
            Thread.interrupted();
        }
        return fired;
    }

    private void tick() {
        long now = System.nanoTime();
        for (Watch w : watches.values()) {
            if (now - w.deadlineNanos > 0) {
                watches.remove(w.thread, w);
                synchronized (w) {
                    if (!w.done) {
                        w.fired = true;
                        w.thread.interrupt();
                    }
                }
            }
        }
    }

    /** Limits the time from a request line to the end of its headers. */
    Http1ConnectionListener headerListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                arm();
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Watch w = watches.get(Thread.currentThread());
                if (w != null) {
                    disarm(w);
                }
            }
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
