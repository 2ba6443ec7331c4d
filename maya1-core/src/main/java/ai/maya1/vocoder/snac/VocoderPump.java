package ai.maya1.vocoder.snac;

import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shared vocoder thread: streams submit frames from any thread, the pump decodes the pending work of all
 * streams together with a {@link SnacStreamBatch} (weights read once per layer for the whole batch) on one
 * SDK-owned named thread, so the vocoder runs concurrently with the LM thread instead of on it, and requests that
 * arrive while a batch runs join the next one (continuous batching).
 *
 * <p>Per stream, submissions are decoded in submission order and each future completes with exactly what
 * {@link SnacStream#push} / {@link SnacStream#flush} would have returned for it (bit-identical). A stream handed
 * to the pump must not be pushed directly at the same time. {@link #close()} stops the thread; pending futures
 * complete with a {@link CancellationException}. Closing twice is safe.
 */
public final class VocoderPump implements AutoCloseable {
    private record Job(SnacStream stream, SnacFrame[] frames, boolean flush, CompletableFuture<float[]> result) {
    }

    private static final Job STOP = new Job(null, null, false, null);

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final SnacStreamBatch batch = new SnacStreamBatch();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong jobs = new AtomicLong();
    private volatile int maxBatch;
    private volatile boolean closed;

    /** Starts the pump thread, named {@code name} (a daemon: a forgotten pump cannot keep the JVM alive). */
    public VocoderPump(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code frames} for {@code stream}; the future gets the samples {@code stream.push(frames)} would return. */
    public CompletableFuture<float[]> push(SnacStream stream, SnacFrame... frames) {
        return submit(stream, frames.clone(), false);
    }

    /** Queues the end of {@code stream}; the future gets what {@code stream.flush()} would return. */
    public CompletableFuture<float[]> flush(SnacStream stream) {
        return submit(stream, new SnacFrame[0], true);
    }

    private CompletableFuture<float[]> submit(SnacStream stream, SnacFrame[] frames, boolean flush) {
        if (stream == null) {
            throw new NullPointerException("stream");
        }
        CompletableFuture<float[]> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("vocoder pump is closed"));
            return f;
        }
        queue.add(new Job(stream, frames, flush, f));
        if (closed) { // raced with close(): make sure the job is not left pending
            drainCancelled(new ArrayDeque<>());
        }
        return f;
    }

    private void loop() {
        // per stream, its jobs in submission order; LinkedHashMap keeps the streams in arrival order
        Map<SnacStream, ArrayDeque<Job>> pending = new LinkedHashMap<>();
        ArrayList<Job> drained = new ArrayList<>();
        try {
            while (true) {
                if (pending.isEmpty()) {
                    Job j = queue.take();
                    if (j == STOP) {
                        break;
                    }
                    pending.computeIfAbsent(j.stream(), s -> new ArrayDeque<>()).add(j);
                }
                drained.clear();
                queue.drainTo(drained);
                boolean stop = false;
                for (Job j : drained) {
                    if (j == STOP) {
                        stop = true;
                    } else {
                        pending.computeIfAbsent(j.stream(), s -> new ArrayDeque<>()).add(j);
                    }
                }
                if (stop) {
                    break;
                }
                runOneRound(pending);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ArrayDeque<Job> left = new ArrayDeque<>();
            pending.values().forEach(left::addAll);
            drainCancelled(left);
        }
    }

    /** Takes the oldest job of every stream and decodes them as one batch step. */
    private void runOneRound(Map<SnacStream, ArrayDeque<Job>> pending) {
        List<Job> round = new ArrayList<>(pending.size());
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            round.add(e.getValue().poll());
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        int n = round.size();
        SnacStream[] streams = new SnacStream[n];
        SnacFrame[][] frames = new SnacFrame[n][];
        boolean[] flush = new boolean[n];
        for (int i = 0; i < n; i++) {
            streams[i] = round.get(i).stream();
            frames[i] = round.get(i).frames();
            flush[i] = round.get(i).flush();
        }
        float[][] out;
        try {
            out = batch.step(streams, frames, flush);
        } catch (RuntimeException | Error batchFailure) {
            // a bad request (closed stream, ...) fails the step before any stream is touched: retry one by one
            // so that only the offending request fails
            for (int i = 0; i < n; i++) {
                Job j = round.get(i);
                try {
                    j.result().complete(batch.step(new SnacStream[] {streams[i]}, new SnacFrame[][] {frames[i]},
                            new boolean[] {flush[i]})[0]);
                } catch (RuntimeException | Error e) {
                    j.result().completeExceptionally(e);
                }
            }
            batches.incrementAndGet();
            jobs.addAndGet(n);
            return;
        }
        batches.incrementAndGet();
        jobs.addAndGet(n);
        maxBatch = Math.max(maxBatch, n);
        for (int i = 0; i < n; i++) {
            round.get(i).result().complete(out[i]);
        }
    }

    private void drainCancelled(ArrayDeque<Job> left) {
        ArrayList<Job> rest = new ArrayList<>();
        queue.drainTo(rest);
        left.addAll(rest);
        for (Job j : left) {
            if (j != STOP) {
                j.result().completeExceptionally(new CancellationException("vocoder pump closed"));
            }
        }
    }

    /** Batch steps run so far. */
    public long batches() {
        return batches.get();
    }

    /** Requests decoded so far; {@code jobs() / batches()} is the mean batch size. */
    public long jobs() {
        return jobs.get();
    }

    /** Largest batch seen. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Stops the thread after the step in progress; pending requests fail with {@link CancellationException}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drainCancelled(new ArrayDeque<>());
    }
}
