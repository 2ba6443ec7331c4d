package ai.maya1.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool of SDK-owned, named worker threads for data-parallel kernels (matrix rows, conv channels).
 *
 * <p>Why not the common ForkJoinPool or parallel streams: the SDK is embedded in other applications and must
 * neither compete with their pool nor be starved by it, and it must stop its threads on {@link #close()}.
 *
 * <p>{@link #parallelFor} splits {@code [0, n)} into contiguous chunks, runs them on the workers and the calling
 * thread, and returns when all are done. The split depends only on {@code n} and {@link #threads()}, never on
 * timing, so every index is always computed by the same code in the same order: results are deterministic.
 * Calls from several threads at once are serialized (one kernel at a time uses all cores anyway).
 */
public final class ComputeExecutor implements AutoCloseable {
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final List<Thread> workers = new ArrayList<>();
    private final Object submitLock = new Object();
    private volatile boolean closed;

    // the current job; a worker that is late reads an old, exhausted job and does nothing with it
    private volatile Job current;
    private volatile int generation;

    /** A body over a half-open index range, so kernels can hoist per-chunk set-up out of the index loop. */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    /**
     * One parallel job with its own chunk and completion counters. Keeping them per job (not per executor) is what
     * makes a late worker harmless: it can only claim chunks of the job it read, never a chunk of the next job
     * with the previous job's body.
     */
    private static final class Job {
        final IntRangeBody body;
        final int size;
        final int chunks;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicInteger pending;
        final Thread waiter;
        volatile Throwable failure;

        Job(IntRangeBody body, int size, int chunks, Thread waiter) {
            this.body = body;
            this.size = size;
            this.chunks = chunks;
            this.pending = new AtomicInteger(chunks);
            this.waiter = waiter;
        }

        void runChunks() {
            int k;
            while ((k = nextChunk.getAndIncrement()) < chunks) {
                int from = (int) ((long) size * k / chunks);
                int to = (int) ((long) size * (k + 1) / chunks);
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(waiter);
                    }
                }
            }
        }
    }

    /**
     * @param threads total parallelism including the calling thread (>= 1)
     * @param name    thread name prefix, e.g. "maya1-lm"
     */
    public ComputeExecutor(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        int poolId = POOL_IDS.incrementAndGet();
        for (int i = 1; i < threads; i++) {
            Thread t = Thread.ofPlatform().daemon(true).name(name + "-" + poolId + "-worker-" + i).unstarted(this::workerLoop);
            workers.add(t);
            t.start();
        }
    }

    /** Default parallelism: {@code Runtime.availableProcessors()}. */
    public static ComputeExecutor withDefaultThreads(String name) {
        return new ComputeExecutor(Runtime.getRuntime().availableProcessors(), name);
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body(i)} for every i in [0, n). */
    public void parallelFor(int n, IntConsumer body) {
        parallelForRange(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    /** Runs {@code body(from, to)} over contiguous chunks covering [0, n). */
    public void parallelForRange(int n, IntRangeBody body) {
        if (closed) {
            throw new IllegalStateException("ComputeExecutor is closed");
        }
        if (n <= 0) {
            return;
        }
        if (threads == 1 || n == 1) {
            body.run(0, n);
            return;
        }
        synchronized (submitLock) {
            // a few chunks per thread balances uneven cores without making the split timing-dependent
            Job job = new Job(body, n, Math.min(n, threads * 4), Thread.currentThread());
            this.current = job;
            this.generation++; // volatile write publishes the job
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            job.runChunks();
            while (job.pending.get() > 0) {
                LockSupport.parkNanos(50_000);
            }
            this.current = null;
            Throwable f = job.failure;
            if (f != null) {
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new RuntimeException(f);
            }
        }
    }

    private void workerLoop() {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g != seen) {
                seen = g;
                Job job = current;
                if (job != null) {
                    job.runChunks();
                }
                continue;
            }
            // spin briefly: decode steps launch many small kernels back to back
            boolean found = false;
            for (int spin = 0; spin < 2000; spin++) {
                if (generation != seen || closed) {
                    found = true;
                    break;
                }
                Thread.onSpinWait();
            }
            if (!found) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** Stops the worker threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (submitLock) {
            closed = true;
        }
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
