package ai.maya1.engine;

import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.AudioStream;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A cold {@link Flow.Publisher} over {@link AudioStream}s: every subscription opens its own stream and a delivery
 * task on an engine thread reads a chunk only when the subscriber has outstanding demand, so the LM is held back by
 * the bounded frame channel when the subscriber is slow. Follows the Reactive Streams rules: onSubscribe first,
 * at most {@code request}ed onNext calls, serial signals, one terminal signal, {@code request(n <= 0)} fails the
 * subscription with IllegalArgumentException (§3.9), cancel stops the request.
 */
final class ChunkPublisher implements Flow.Publisher<AudioChunk> {
    private final Supplier<AudioStream> opener;
    private final Executor executor;

    ChunkPublisher(Supplier<AudioStream> opener, Executor executor) {
        this.opener = opener;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super AudioChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Subscription s = new Subscription(subscriber);
        subscriber.onSubscribe(s);
        try {
            executor.execute(s::deliver);
        } catch (RuntimeException e) {
            s.fail(e);
        }
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super AudioChunk> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean terminated = new AtomicBoolean();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private volatile Throwable badRequest;

        Subscription(Flow.Subscriber<? super AudioChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)");
            } else {
                demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            }
            signal();
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            signal();
        }

        private void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits for demand; false when cancelled or failed. */
        private boolean awaitDemand() throws InterruptedException {
            lock.lock();
            try {
                while (demand.get() == 0 && !cancelled.get() && badRequest == null) {
                    changed.await();
                }
            } finally {
                lock.unlock();
            }
            return !cancelled.get() && badRequest == null;
        }

        void deliver() {
            AudioStream stream = null;
            try {
                if (!awaitDemand()) {
                    finishEarly();
                    return;
                }
                stream = opener.get();
                while (true) {
                    if (!awaitDemand()) {
                        finishEarly();
                        return;
                    }
                    AudioChunk c = stream.read();
                    if (c == null) {
                        complete();
                        return;
                    }
                    if (cancelled.get()) {
                        return;
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(c);
                    if (c.last()) {
                        complete();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            } catch (Throwable t) {
                fail(t);
            } finally {
                if (stream != null) {
                    stream.close();
                }
            }
        }

        private void finishEarly() {
            Throwable b = badRequest;
            if (b != null) {
                fail(b);
            }
        }

        private void complete() {
            if (!cancelled.get() && terminated.compareAndSet(false, true)) {
                subscriber.onComplete();
            }
        }

        void fail(Throwable t) {
            if (!cancelled.get() && terminated.compareAndSet(false, true)) {
                subscriber.onError(t);
            }
        }
    }
}
