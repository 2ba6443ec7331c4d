package ai.maya1.acoustic.llama;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.sampling.FrameConstraint;
import ai.maya1.acoustic.sampling.TokenSampler;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.weights.TensorSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure-Java acoustic model: Maya1's Llama LM generating SNAC frames.
 *
 * <p>Constrained decoding (the default of {@link GenerationOptions#maya1Defaults}) computes only the output-head
 * rows the frame grammar allows at each step (one codebook of 4096 ids, plus CODE_END at a frame boundary), about
 * 2.6 % of the 157k-row head, and samples among them, so every frame is valid. Unconstrained decoding computes
 * the full logits and unpacks frames as the reference does ({@code (id − 128266) mod 4096} per slot, non-code
 * tokens skipped).
 *
 * <p>Test-model hook ({@code maya1_test_model} in config.json): once the generated frames reach
 * {@link LlamaConfig.TestModelHook#targetFrames}, CODE_END is forced at the next frame boundary (a logit bias of
 * +infinity on CODE_END, −infinity elsewhere).
 */
public final class JavaAcousticModel implements AcousticModel {
    private static final Logger LOG = LoggerFactory.getLogger(JavaAcousticModel.class);

    private final LlamaModel model;
    private final TensorSource source;
    private final ComputeExecutor executor;
    private final boolean ownsExecutor;
    private final int contextLength;
    private final long kvBudgetBytes;
    private final KvCache.Precision kvPrecision;
    private final AtomicLong kvReserved = new AtomicLong();
    private final String name;
    private volatile boolean closed;

    /**
     * @param source        kept open while the model is (weights are mapped); closed by {@link #close()}
     * @param executor      compute threads, or null to create (and own) one with the default thread count
     * @param contextLength maximum prompt + generated tokens per request
     * @param kvBudgetBytes KV memory of all running requests together; {@code <= 0} for no limit
     */
    public JavaAcousticModel(String name, LlamaModel model, TensorSource source, ComputeExecutor executor, int contextLength,
                             long kvBudgetBytes, KvCache.Precision kvPrecision) {
        if (contextLength <= 1) {
            throw new IllegalArgumentException("context length must be > 1, got " + contextLength);
        }
        this.name = name;
        this.model = model;
        this.source = source;
        this.ownsExecutor = executor == null;
        this.executor = executor == null ? ComputeExecutor.withDefaultThreads("maya1-lm") : executor;
        this.contextLength = contextLength;
        this.kvBudgetBytes = kvBudgetBytes;
        this.kvPrecision = kvPrecision;
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public AcousticModelInfo info() {
        LlamaConfig c = model.config();
        return new AcousticModelInfo(name, "java", model.weightFormatName(), c.vocabSize(), contextLength, c.parameterCount(),
                c.testModel() != null);
    }

    /** Bytes the KV caches of the running requests hold reserved. */
    public long kvReservedBytes() {
        return kvReserved.get();
    }

    @Override
    public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
        return generate(promptIds, options, sink, null);
    }

    /** As {@link #generate(int[], GenerationOptions, FrameSink)}, also reporting every sampled id (CODE_END included). */
    public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink, IntConsumer tokenListener) {
        if (closed) {
            throw new IllegalStateException("acoustic model is closed");
        }
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        LlamaConfig c = model.config();
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("prompt token " + promptIds[i] + " at position " + i + " is outside the vocabulary [0, "
                        + c.vocabSize() + ")");
            }
        }
        if (promptIds.length >= contextLength) {
            throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens leaves no room in a context of " + contextLength);
        }
        if (options.constrained() && c.vocabSize() < FrameConstraint.slotBase(SnacFrame.TOKENS_PER_FRAME)) {
            throw new IllegalArgumentException("constrained decoding needs the Maya1 vocabulary (SNAC codes up to id "
                    + (FrameConstraint.slotBase(SnacFrame.TOKENS_PER_FRAME) - 1) + "), this model has " + c.vocabSize() + " ids");
        }
        int capacity = (int) Math.min(contextLength, (long) promptIds.length + options.maxNewTokens());
        KvCache cache = model.newCache(capacity, kvPrecision);
        long reserve = cache.capacityBytes();
        reserveKv(reserve);
        try {
            return run(promptIds, options, sink, cache, tokenListener);
        } finally {
            kvReserved.addAndGet(-reserve);
        }
    }

    private void reserveKv(long bytes) {
        if (kvBudgetBytes <= 0) {
            kvReserved.addAndGet(bytes);
            return;
        }
        while (true) {
            long cur = kvReserved.get();
            if (cur + bytes > kvBudgetBytes) {
                throw new KvBudgetExceededException(bytes, kvBudgetBytes - cur, kvBudgetBytes);
            }
            if (kvReserved.compareAndSet(cur, cur + bytes)) {
                return;
            }
        }
    }

    private GenerationResult run(int[] prompt, GenerationOptions o, FrameSink sink, KvCache cache, IntConsumer tokenListener) {
        LlamaConfig c = model.config();
        TokenSampler sampler = new TokenSampler(o.sampling(), o.seed());
        sampler.see(prompt);
        int targetFrames = c.testModel() == null ? Integer.MAX_VALUE : c.testModel().targetFrames(prompt.length);
        int generated = 0;
        int frames = 0;
        int slot = 0;
        int[] frameTokens = new int[SnacFrame.TOKENS_PER_FRAME];
        int[] ids = o.constrained() ? new int[FrameConstraint.MAX_CANDIDATES] : identity(c.vocabSize());
        float[] logits = new float[o.constrained() ? FrameConstraint.MAX_CANDIDATES : c.vocabSize()];
        long t0 = System.nanoTime();
        long prefillNanos = 0;
        FinishReason reason = null;
        Throwable error = null;
        try {
            float[] hidden = model.forward(executor, cache, prompt, null);
            int hiddenRow = prompt.length - 1;
            prefillNanos = System.nanoTime() - t0;
            while (true) {
                boolean forceEnd = slot == 0 && frames >= targetFrames && generated >= o.minNewTokens();
                boolean endAllowed = FrameConstraint.endAllowed(slot, generated, o.minNewTokens());
                int token;
                if (forceEnd) {
                    token = FrameConstraint.CODE_END; // the test model's logit bias: +inf on CODE_END, -inf elsewhere
                } else if (o.constrained()) {
                    int base = FrameConstraint.slotBase(slot);
                    int n = SnacFrame.CODEBOOK_SIZE;
                    model.logitRows(executor, hidden, hiddenRow, base, base + n, logits, 0);
                    for (int i = 0; i < n; i++) {
                        ids[i] = base + i;
                    }
                    if (endAllowed) {
                        model.logitRows(executor, hidden, hiddenRow, FrameConstraint.CODE_END, FrameConstraint.CODE_END + 1, logits, n);
                        ids[n++] = FrameConstraint.CODE_END;
                    }
                    token = sampler.sample(ids, logits, n);
                } else {
                    model.logitRows(executor, hidden, hiddenRow, 0, c.vocabSize(), logits, 0);
                    if (!endAllowed && FrameConstraint.CODE_END < logits.length) {
                        logits[FrameConstraint.CODE_END] = Float.NEGATIVE_INFINITY; // HF MinNewTokensLengthLogitsProcessor
                    }
                    token = sampler.sample(ids, logits, logits.length);
                }
                generated++;
                sampler.see(token);
                if (tokenListener != null) {
                    tokenListener.accept(token);
                }
                if (token == FrameConstraint.CODE_END) {
                    reason = FinishReason.END_OF_SPEECH;
                    break;
                }
                if (FrameConstraint.isCode(token)) {
                    frameTokens[slot++] = token;
                    if (slot == SnacFrame.TOKENS_PER_FRAME) {
                        slot = 0;
                        SnacFrame frame = SnacFrame.fromCodeTokens(frameTokens);
                        boolean go = sink.onFrame(frame, frames);
                        frames++;
                        if (!go) {
                            reason = FinishReason.CANCELLED;
                            break;
                        }
                    }
                }
                if (generated >= o.maxNewTokens()) {
                    reason = FinishReason.MAX_TOKENS;
                    break;
                }
                if (cache.length() >= cache.capacity() || cache.length() >= contextLength) {
                    reason = FinishReason.CONTEXT_FULL;
                    break;
                }
                if (System.nanoTime() - o.deadlineNanos() > 0 && o.deadlineNanos() != Long.MAX_VALUE) {
                    reason = FinishReason.DEADLINE;
                    break;
                }
                if (Thread.currentThread().isInterrupted() || closed) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                hidden = model.forward(executor, cache, new int[] {token}, null);
                hiddenRow = 0;
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof OutOfMemoryError oom) {
                LOG.error("acoustic model ran out of memory", oom);
            }
            reason = FinishReason.ERROR;
            error = e;
        }
        long total = System.nanoTime() - t0;
        return new GenerationResult(prompt.length, generated, frames, reason, prefillNanos, total - prefillNanos, error);
    }


    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsExecutor) {
            executor.close();
        }
        if (source != null) {
            source.close();
        }
    }
}
