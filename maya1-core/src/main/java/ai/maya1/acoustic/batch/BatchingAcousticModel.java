package ai.maya1.acoustic.batch;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.llama.JavaAcousticModel;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.acoustic.sampling.TokenSampler;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.BatchGemm;
import ai.maya1.tts.OverloadedException;
import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching over the pure-Java Llama: concurrent {@link #generate} calls from many threads run as rows of
 * one forward pass per step (matrix-matrix products: the weights are read once per step for the whole batch).
 *
 * <p>A named scheduler thread owns all model state. Between steps it retires finished, cancelled and expired
 * requests (returning their KV memory at once), admits queued ones in arrival order while the batch limit and the
 * KV budget allow (reusing cached prompt prefixes), then runs one step: one decode row per decoding request plus
 * prefill chunks of the requests still reading their prompts, oldest first, up to {@code maxStepTokens} rows, so a
 * long prompt never stalls the others and no request starves (admission is FIFO with head-of-line blocking, so a
 * large request is not overtaken forever by small ones). The head computes only each request's allowed rows
 * (constrained decoding), grouped by frame slot; each request samples with its own seeded RNG.
 *
 * <p>Results are batch-invariant: a request's tokens are bit-identical alone or in any batch and with any prefill
 * chunking or prefix reuse ({@link BatchGemm}, per-row attention and norms).
 *
 * <p>Frames are handed to the calling thread, which runs the {@link FrameSink}: a slow sink delays only its own
 * request. Cancellation (the sink returning false, interrupting the calling thread, the deadline, {@link #close})
 * removes the request before the next step and frees its memory before {@code generate} returns. A full queue or
 * a request larger than the whole KV budget is refused with {@link OverloadedException}.
 */
public final class BatchingAcousticModel implements AcousticModel {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingAcousticModel.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final LlamaModel model;
    private final LlamaConfig c;
    private final AcousticModelInfo info;
    private final ComputeExecutor exec;
    private final boolean ownsExec;
    private final AutoCloseable owned;
    private final BatchConfig cfg;
    private final BatchForward forward;
    private final PrefixCache prefix;
    private final int[] allIds;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>(); // guarded by lock
    private final List<Request> active = new ArrayList<>(); // scheduler thread only
    private final Thread scheduler;
    private volatile boolean closed;

    private final AtomicLong kvReserved = new AtomicLong();
    private final AtomicLong prefixBytes = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong prefixHits = new AtomicLong();
    private final AtomicLong prefixMisses = new AtomicLong();
    private final AtomicLong prefixTokens = new AtomicLong();
    private final AtomicInteger activeCount = new AtomicInteger();

    /**
     * @param info  what {@link #info()} reports
     * @param exec  compute threads, or null to create (and own) one with the default thread count
     * @param owned closed by {@link #close()} (e.g. the wrapped model holding the mapped weights), or null
     */
    public BatchingAcousticModel(LlamaModel model, AcousticModelInfo info, ComputeExecutor exec, BatchConfig config, AutoCloseable owned) {
        this.model = model;
        this.c = model.config();
        this.info = info;
        this.ownsExec = exec == null;
        this.exec = exec == null ? ComputeExecutor.withDefaultThreads("maya1-batch") : exec;
        this.owned = owned;
        this.cfg = config;
        this.forward = new BatchForward(model);
        this.prefix = new PrefixCache(c.numLayers(), c.kvDim(), config.prefixMinShared());
        this.allIds = new int[c.vocabSize()];
        for (int i = 0; i < allIds.length; i++) {
            allIds[i] = i;
        }
        this.scheduler = Thread.ofPlatform().daemon(true).name("maya1-batch-scheduler-" + IDS.incrementAndGet()).unstarted(this::loop);
        scheduler.start();
    }

    /**
     * Batches a loaded {@link JavaAcousticModel}; {@link #close()} closes it (and its weights). The context length is
     * the smaller of the model's and the config's.
     */
    public static BatchingAcousticModel wrap(JavaAcousticModel m, ComputeExecutor exec, BatchConfig config) {
        AcousticModelInfo i = m.info();
        int ctx = Math.min(i.contextLength(), config.contextLength());
        BatchConfig cfg = new BatchConfig(config.maxBatch(), config.maxQueue(), config.kvBudgetBytes(), config.maxStepTokens(),
                config.prefillChunk(), ctx, config.prefixCache(), config.prefixMinShared());
        AcousticModelInfo bi = new AcousticModelInfo(i.name(), "java-batched", i.weightFormat(), i.vocabSize(), ctx, i.parameters(), i.testModel());
        return new BatchingAcousticModel(m.model(), bi, exec, cfg, m);
    }

    @Override
    public AcousticModelInfo info() {
        return info;
    }

    public BatchConfig config() {
        return cfg;
    }

    public BatchStats stats() {
        int q;
        lock.lock();
        try {
            q = queue.size();
        } finally {
            lock.unlock();
        }
        return new BatchStats(steps.get(), rows.get(), completed.get(), rejected.get(), prefixHits.get(), prefixMisses.get(),
                prefixTokens.get(), activeCount.get(), q, kvReserved.get(), prefixBytes.get());
    }

    /** The scheduler thread's name (tests check it stops). */
    public String schedulerThreadName() {
        return scheduler.getName();
    }

    /** Bytes one request of this prompt and options reserves while it runs. */
    public long kvBytesFor(int promptTokens, int maxNewTokens) {
        return SequenceKv.bytesFor(c.numLayers(), c.kvDim(), capacity(promptTokens, maxNewTokens));
    }

    private int capacity(int promptTokens, int maxNewTokens) {
        return (int) Math.min(cfg.contextLength(), (long) promptTokens + maxNewTokens);
    }

    @Override
    public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
        if (closed) {
            throw new IllegalStateException("acoustic model is closed");
        }
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("prompt token " + promptIds[i] + " at position " + i + " is outside the vocabulary [0, "
                        + c.vocabSize() + ")");
            }
        }
        if (promptIds.length >= cfg.contextLength()) {
            throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens leaves no room in a context of " + cfg.contextLength());
        }
        if (options.constrained() && c.vocabSize() < FrameConstraint.slotBase(SnacFrame.TOKENS_PER_FRAME)) {
            throw new IllegalArgumentException("constrained decoding needs the Maya1 vocabulary (SNAC codes up to id "
                    + (FrameConstraint.slotBase(SnacFrame.TOKENS_PER_FRAME) - 1) + "), this model has " + c.vocabSize() + " ids");
        }
        Request r = new Request(promptIds.clone(), options);
        if (r.reserveBytes > cfg.kvBudgetBytes()) {
            rejected.incrementAndGet();
            throw new OverloadedException("request needs " + r.reserveBytes + " bytes of KV cache (" + r.capacity
                    + " positions), more than the whole budget of " + cfg.kvBudgetBytes() + " bytes");
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("acoustic model is closed");
            }
            if (queue.size() >= cfg.maxQueue() && !(queue.isEmpty() && activeCount.get() < cfg.maxBatch())) {
                rejected.incrementAndGet();
                throw new OverloadedException("acoustic model overloaded: " + activeCount.get() + " requests running (max " + cfg.maxBatch()
                        + "), " + queue.size() + " waiting (max " + cfg.maxQueue() + ")");
            }
            queue.add(r);
            work.signal();
        } finally {
            lock.unlock();
        }
        return await(r, sink);
    }

    /** Runs on the calling thread: delivers frames to the sink until the request is done. */
    private GenerationResult await(Request r, FrameSink sink) {
        int delivered = 0;
        boolean interrupted = false;
        Throwable sinkError = null;
        while (true) {
            Object ev;
            try {
                ev = r.events.take();
            } catch (InterruptedException e) {
                interrupted = true;
                r.cancelledByCaller = true;
                continue;
            }
            if (ev instanceof SnacFrame f) {
                if (r.cancelledByCaller) {
                    continue; // cancelled: nothing more reaches the sink
                }
                try {
                    if (!sink.onFrame(f, delivered++)) {
                        r.cancelledByCaller = true;
                    }
                } catch (RuntimeException | Error e) {
                    sinkError = e;
                    r.cancelledByCaller = true;
                }
                continue;
            }
            Done d = (Done) ev;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            FinishReason reason = sinkError != null ? FinishReason.ERROR : r.cancelledByCaller ? FinishReason.CANCELLED : d.reason;
            Throwable error = sinkError != null ? sinkError : d.error;
            return new GenerationResult(r.prompt.length, d.generated, delivered, reason, d.prefillNanos, d.decodeNanos, error);
        }
    }

    private record Done(FinishReason reason, int generated, long prefillNanos, long decodeNanos, Throwable error) {
    }

    private enum State { QUEUED, PREFILL, DECODE, DONE }

    /** One request's state; fields other than the volatile flag and the event queue belong to the scheduler thread. */
    private final class Request {
        final int[] prompt;
        final GenerationOptions o;
        final int capacity;
        final long reserveBytes;
        final long submitNanos = System.nanoTime();
        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final int targetFrames;
        volatile boolean cancelledByCaller;
        TokenSampler sampler;
        State state = State.QUEUED;
        SequenceKv kv;
        long reserved;
        int position;
        int prefixReused;
        int nextToken;
        int generated;
        int frames;
        int slot;
        final int[] frameTokens = new int[SnacFrame.TOKENS_PER_FRAME];
        long prefillEndNanos;
        // per step
        int logitRow = -1;
        float[] logits;
        int[] ids;
        int nCand;
        int sampled;

        Request(int[] prompt, GenerationOptions o) {
            this.prompt = prompt;
            this.o = o;
            this.capacity = capacity(prompt.length, o.maxNewTokens());
            this.reserveBytes = SequenceKv.bytesFor(c.numLayers(), c.kvDim(), capacity);
            this.targetFrames = c.testModel() == null ? Integer.MAX_VALUE : c.testModel().targetFrames(prompt.length);
        }

        boolean expired(long now) {
            return o.deadlineNanos() != Long.MAX_VALUE && now - o.deadlineNanos() > 0;
        }
    }

    // ---------------------------------------------------------------- scheduler thread

    private void loop() {
        Throwable fatal = null;
        try {
            while (true) {
                lock.lock();
                try {
                    while (!closed && queue.isEmpty() && active.isEmpty()) {
                        work.await();
                    }
                    if (closed) {
                        break;
                    }
                    long now = System.nanoTime();
                    for (Iterator<Request> it = queue.iterator(); it.hasNext(); ) {
                        Request r = it.next();
                        if (r.cancelledByCaller || r.expired(now)) {
                            it.remove();
                            finish(r, r.cancelledByCaller ? FinishReason.CANCELLED : FinishReason.DEADLINE, null);
                        }
                    }
                    retireCancelled(now);
                    admit(now);
                    if (active.isEmpty()) {
                        if (!queue.isEmpty()) {
                            work.await(1, TimeUnit.MILLISECONDS); // waits for budget (cannot last: nothing holds it)
                        }
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                step();
            }
        } catch (InterruptedException e) {
            fatal = null; // interrupted by close
        } catch (Throwable t) {
            LOG.error("batch scheduler failed", t);
            fatal = t;
        } finally {
            FinishReason why = fatal == null ? FinishReason.CANCELLED : FinishReason.ERROR;
            lock.lock();
            try {
                closed = closed || fatal != null;
                for (Request r : active) {
                    finish(r, why, fatal);
                }
                active.clear();
                for (Request r : queue) {
                    finish(r, why, fatal);
                }
                queue.clear();
                prefix.clear();
                prefixBytes.set(0);
            } finally {
                lock.unlock();
            }
        }
    }

    private void retireCancelled(long now) {
        for (Iterator<Request> it = active.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.cancelledByCaller || r.expired(now)) {
                it.remove();
                finish(r, r.cancelledByCaller ? FinishReason.CANCELLED : FinishReason.DEADLINE, null);
            }
        }
    }

    private long used() {
        return kvReserved.get() + prefix.bytes();
    }

    /** Admits queued requests in arrival order while the batch limit and the KV budget allow. */
    private void admit(long now) {
        long budget = cfg.kvBudgetBytes();
        while (active.size() < cfg.maxBatch() && !queue.isEmpty()) {
            Request r = queue.peek();
            PrefixCache.Match m = cfg.prefixCache() ? prefix.lookup(r.prompt) : null;
            while (used() + r.reserveBytes > budget && prefix.evictOne(m == null ? null : m.entry())) {
                // least recently used prefixes give way to running requests
            }
            if (used() + r.reserveBytes > budget && m != null) {
                m = null;
                while (used() + r.reserveBytes > budget && prefix.evictOne(null)) {
                    // even the matching prefix
                }
            }
            prefixBytes.set(prefix.bytes());
            if (used() + r.reserveBytes > budget) {
                break; // head of line waits for memory; later requests do not overtake it
            }
            queue.poll();
            kvReserved.addAndGet(r.reserveBytes);
            r.reserved = r.reserveBytes;
            r.kv = new SequenceKv(c.numLayers(), c.kvDim(), r.capacity);
            r.sampler = new TokenSampler(r.o.sampling(), r.o.seed());
            r.sampler.see(r.prompt);
            if (m != null && m.length() > 0) {
                prefix.use(m);
                r.kv.copyPrefix(m.entry(), m.length());
                r.position = m.length();
                r.prefixReused = m.length();
                prefixBytes.set(prefix.bytes());
            }
            if (cfg.prefixCache()) {
                if (r.prefixReused >= prefix.minShared()) {
                    prefixHits.incrementAndGet();
                    prefixTokens.addAndGet(r.prefixReused);
                } else {
                    prefixMisses.incrementAndGet();
                }
            }
            r.state = State.PREFILL;
            active.add(r);
            activeCount.incrementAndGet();
        }
    }

    /** Ends a request: frees its memory and wakes its caller. Idempotent. */
    private void finish(Request r, FinishReason reason, Throwable error) {
        if (r.state == State.DONE) {
            return;
        }
        if (r.state != State.QUEUED) {
            activeCount.decrementAndGet(); // before the caller wakes: stats never show a finished request as active
        }
        r.state = State.DONE;
        if (r.reserved > 0) {
            kvReserved.addAndGet(-r.reserved);
            r.reserved = 0;
        }
        r.kv = null;
        long now = System.nanoTime();
        long prefillNanos = (r.prefillEndNanos == 0 ? now : r.prefillEndNanos) - r.submitNanos;
        long decodeNanos = r.prefillEndNanos == 0 ? 0 : now - r.prefillEndNanos;
        completed.incrementAndGet();
        r.events.add(new Done(reason, r.generated, prefillNanos, decodeNanos, error));
    }

    private void step() {
        int decodes = 0;
        for (Request r : active) {
            if (r.state == State.DECODE) {
                decodes++;
            }
        }
        // rows: all decodes, then prefill chunks oldest first within the step budget (at least one chunk)
        int prefillBudget = Math.max(cfg.maxStepTokens() - decodes, decodes == 0 ? 1 : Math.min(cfg.prefillChunk(), 16));
        int n = decodes;
        List<Request> prefilling = new ArrayList<>();
        int[] chunk = new int[active.size()];
        for (Request r : active) {
            if (r.state == State.PREFILL && prefillBudget > 0) {
                int take = Math.min(Math.min(cfg.prefillChunk(), prefillBudget), r.prompt.length - r.position);
                chunk[prefilling.size()] = take;
                prefilling.add(r);
                prefillBudget -= take;
                n += take;
            }
        }
        SequenceKv[] kv = new SequenceKv[n];
        int[] tokens = new int[n];
        int[] pos = new int[n];
        int i = 0;
        List<Request> sampling = new ArrayList<>();
        for (Request r : active) {
            r.logitRow = -1;
            if (r.state == State.DECODE) {
                kv[i] = r.kv;
                tokens[i] = r.nextToken;
                pos[i] = r.position++;
                r.logitRow = i++;
                sampling.add(r);
            }
        }
        for (int p = 0; p < prefilling.size(); p++) {
            Request r = prefilling.get(p);
            for (int j = 0; j < chunk[p]; j++) {
                kv[i] = r.kv;
                tokens[i] = r.prompt[r.position];
                pos[i] = r.position++;
                i++;
            }
            if (r.position == r.prompt.length) {
                r.logitRow = i - 1;
                sampling.add(r);
            }
        }
        float[] hidden;
        try {
            hidden = forward.forward(exec, kv, tokens, pos, n);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("batched forward step failed; failing its {} requests", active.size(), e);
            for (Request r : active) {
                finish(r, FinishReason.ERROR, e);
            }
            active.clear();
            return;
        }
        steps.incrementAndGet();
        rows.addAndGet(n);
        long now = System.nanoTime();
        for (Request r : prefilling) {
            if (r.position == r.prompt.length) {
                r.prefillEndNanos = now;
                r.state = State.DECODE;
                maybeInsertPrefix(r);
            }
        }
        sample(sampling, hidden);
        for (Request r : sampling) {
            apply(r, r.sampled);
        }
        active.removeIf(r -> r.state == State.DONE);
    }

    private void maybeInsertPrefix(Request r) {
        if (!cfg.prefixCache() || r.prefixReused >= prefix.minShared() || r.prompt.length - 1 < prefix.minShared()) {
            return;
        }
        PrefixCache.Match m = prefix.lookup(r.prompt);
        if (m != null && m.length() >= prefix.minShared()) {
            return; // another request of this voice got there first
        }
        int len = r.prompt.length - 1;
        long need = PrefixCache.bytesFor(c.numLayers(), c.kvDim(), len);
        while (used() + need > cfg.kvBudgetBytes() && prefix.evictOne(null)) {
            // older voices give way
        }
        if (used() + need <= cfg.kvBudgetBytes()) {
            prefix.insert(java.util.Arrays.copyOf(r.prompt, len), r.kv.copyOut(true, len), r.kv.copyOut(false, len));
        }
        prefixBytes.set(prefix.bytes());
    }

    /** Computes the allowed logits of every sampling request (head rows grouped by frame slot) and samples. */
    private void sample(List<Request> reqs, float[] hidden) {
        int D = c.hiddenSize();
        List<List<Request>> groups = new ArrayList<>();
        for (int s = 0; s <= SnacFrame.TOKENS_PER_FRAME; s++) {
            groups.add(new ArrayList<>());
        }
        for (Request r : reqs) {
            boolean forceEnd = r.slot == 0 && r.frames >= r.targetFrames && r.generated >= r.o.minNewTokens();
            if (forceEnd) {
                r.sampled = FrameConstraint.CODE_END; // the test model's logit bias: +inf on CODE_END, -inf elsewhere
                r.nCand = 0;
            } else {
                groups.get(r.o.constrained() ? r.slot : SnacFrame.TOKENS_PER_FRAME).add(r);
            }
        }
        List<Request> toSample = new ArrayList<>();
        for (int s = 0; s <= SnacFrame.TOKENS_PER_FRAME; s++) {
            List<Request> g = groups.get(s);
            if (g.isEmpty()) {
                continue;
            }
            int m = g.size();
            float[] xg = new float[m * D];
            for (int j = 0; j < m; j++) {
                System.arraycopy(hidden, g.get(j).logitRow * D, xg, j * D, D);
            }
            if (s < SnacFrame.TOKENS_PER_FRAME) {
                int base = FrameConstraint.slotBase(s);
                int stride = FrameConstraint.MAX_CANDIDATES;
                float[] out = new float[m * stride];
                BatchGemm.gemm(exec, model.outputHead(), base, base + SnacFrame.CODEBOOK_SIZE, xg, m, out, stride, 0);
                if (s == 0) {
                    BatchGemm.gemm(exec, model.outputHead(), FrameConstraint.CODE_END, FrameConstraint.CODE_END + 1, xg, m, out, stride,
                            SnacFrame.CODEBOOK_SIZE);
                }
                for (int j = 0; j < m; j++) {
                    Request r = g.get(j);
                    boolean endAllowed = FrameConstraint.endAllowed(r.slot, r.generated, r.o.minNewTokens());
                    int nc = SnacFrame.CODEBOOK_SIZE + (endAllowed ? 1 : 0);
                    if (r.logits == null || r.logits.length < stride) {
                        r.logits = new float[stride];
                        r.ids = new int[stride];
                    }
                    System.arraycopy(out, j * stride, r.logits, 0, nc);
                    for (int k = 0; k < SnacFrame.CODEBOOK_SIZE; k++) {
                        r.ids[k] = base + k;
                    }
                    r.ids[SnacFrame.CODEBOOK_SIZE] = FrameConstraint.CODE_END;
                    r.nCand = nc;
                    toSample.add(r);
                }
            } else {
                int V = c.vocabSize();
                float[] out = new float[m * V];
                BatchGemm.gemm(exec, model.outputHead(), 0, V, xg, m, out, V, 0);
                for (int j = 0; j < m; j++) {
                    Request r = g.get(j);
                    r.logits = java.util.Arrays.copyOfRange(out, j * V, (j + 1) * V);
                    r.ids = allIds;
                    if (!FrameConstraint.endAllowed(r.slot, r.generated, r.o.minNewTokens()) && FrameConstraint.CODE_END < V) {
                        r.logits[FrameConstraint.CODE_END] = Float.NEGATIVE_INFINITY; // HF MinNewTokensLengthLogitsProcessor
                    }
                    r.nCand = V;
                    toSample.add(r);
                }
            }
        }
        exec.parallelFor(toSample.size(), j -> {
            Request r = toSample.get(j);
            r.sampled = r.sampler.sample(r.ids, r.logits, r.nCand);
        });
    }

    private void apply(Request r, int token) {
        r.generated++;
        r.sampler.see(token);
        if (token == FrameConstraint.CODE_END) {
            finish(r, FinishReason.END_OF_SPEECH, null);
            return;
        }
        if (FrameConstraint.isCode(token)) {
            r.frameTokens[r.slot++] = token;
            if (r.slot == SnacFrame.TOKENS_PER_FRAME) {
                r.slot = 0;
                r.frames++;
                r.events.add(SnacFrame.fromCodeTokens(r.frameTokens));
            }
        }
        if (r.generated >= r.o.maxNewTokens()) {
            finish(r, FinishReason.MAX_TOKENS, null);
        } else if (r.position >= r.capacity || r.position >= cfg.contextLength()) {
            finish(r, FinishReason.CONTEXT_FULL, null);
        } else {
            r.nextToken = token;
        }
    }


    /** Cancels everything running or waiting (their callers get CANCELLED), stops the scheduler thread. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed && !scheduler.isAlive()) {
                return;
            }
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != scheduler) {
            try {
                scheduler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsExec) {
            exec.close();
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("closing the wrapped model failed", e);
            }
        }
    }
}
