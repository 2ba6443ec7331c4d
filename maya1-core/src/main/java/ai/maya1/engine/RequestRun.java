package ai.maya1.engine;

import ai.maya1.Maya1Exception;
import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.AudioStream;
import ai.maya1.tts.DeadlineExceededException;
import ai.maya1.tts.SpeechStats;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request in flight. The LM side ({@link #runLm()}) runs on an engine thread and puts frames into a bounded
 * channel; the consumer side ({@link #read()}) runs on the caller's thread, feeds frames to the vocoder as they
 * come (all frames that are already waiting go in one push, so a vocoder that falls behind catches up in larger
 * batches), joins the pieces and hands out chunks. LM and vocoder therefore overlap.
 *
 * <p>Cancellation ({@link #cancel()}, {@link #close()}, engine close, deadline) is checked by the LM at every
 * frame, so at most one more frame is generated after it.
 *
 * <p>A run that produced no samples hands out no chunk at all (an empty chunk is never the first one): it ends with
 * {@code null}, or throws {@link DeadlineExceededException} when its deadline passed before any audio.
 */
final class RequestRun implements AudioStream {
    /** Frames the LM may run ahead of the vocoder (about 5.5 s of audio); bounds memory of slow readers. */
    static final int CHANNEL_FRAMES = 64;

    private sealed interface Event {
    }

    private record FrameEvent(int piece, SnacFrame frame) implements Event {
    }

    private record PieceEnd(int piece, GenerationResult result) implements Event {
    }

    private record Done() implements Event {
    }

    private record Failed(Throwable error) implements Event {
    }

    /**
     * A piece ready for the LM.
     *
     * @param maxNewTokens the request's limit, clamped to the context left after the prompt
     * @param clamped      whether the context (not the request) set the limit: hitting it is CONTEXT_FULL
     */
    record Piece(String text, int[] promptIds, int maxNewTokens, boolean clamped) {
    }

    private final Engine engine;
    private final AcousticModel lm;
    private final Vocoder vocoder;
    private final List<Piece> pieces;
    private final GenerationOptions options;
    private final NoiseMode noise;
    private final long startNanos;
    private final boolean testModel;
    private final Runnable onLmExit;

    private final BlockingQueue<Event> channel = new ArrayBlockingQueue<>(CHANNEL_FRAMES + 4);
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch lmExited = new CountDownLatch(1);
    private final AtomicInteger lmFrames = new AtomicInteger();
    private volatile int lmFramesAtCancel = -1;
    private final AtomicLong tokensInFlight = new AtomicLong();

    // LM-side totals (written by the LM thread before Done, read after)
    private volatile int promptTokens;
    private volatile int lmTokens;
    private volatile long lmNanos;

    // consumer state
    private final PieceJoiner joiner;
    private final ArrayDeque<AudioChunk> ready = new ArrayDeque<>();
    private VocoderStream vstream;
    private int currentPiece = -1;
    private int sequence;
    private long offset;
    private long firstAudioNanos;
    private long vocoderNanos;
    private int framesDecoded;
    private FinishReason finish = FinishReason.END_OF_SPEECH;
    private boolean finished;
    private Throwable failure;
    private SpeechStats stats;
    private final List<float[]> collected; // non-null when the whole utterance is kept (cache fill)

    RequestRun(Engine engine, AcousticModel lm, Vocoder vocoder, List<Piece> pieces, GenerationOptions options, NoiseMode noise,
               long startNanos, int trimSamples, int crossfadeSamples, boolean testModel, boolean collect, Runnable onLmExit) {
        this.engine = engine;
        this.lm = lm;
        this.vocoder = vocoder;
        this.pieces = List.copyOf(pieces);
        this.options = options;
        this.noise = noise;
        this.startNanos = startNanos;
        this.testModel = testModel;
        this.onLmExit = onLmExit;
        this.joiner = new PieceJoiner(trimSamples, crossfadeSamples);
        this.collected = collect ? new ArrayList<>() : null;
    }

    // ---------------------------------------------------------------- LM side

    /** Runs every piece through the LM; called once on an engine thread. */
    void runLm() {
        try {
            int prompt = 0;
            int generated = 0;
            long nanos = 0;
            for (int p = 0; p < pieces.size() && !cancelled.get(); p++) {
                Piece piece = pieces.get(p);
                final int pieceIndex = p;
                tokensInFlight.set(piece.promptIds().length);
                engine.kvTokensDelta(piece.promptIds().length);
                GenerationResult r;
                try {
                    GenerationOptions o = new GenerationOptions(options.sampling(), options.seed(), piece.maxNewTokens(),
                            options.minNewTokens(), options.constrained(), options.deadlineNanos());
                    r = lm.generate(piece.promptIds(), o, (frame, index) -> {
                        lmFrames.incrementAndGet();
                        tokensInFlight.addAndGet(SnacFrame.TOKENS_PER_FRAME);
                        engine.kvTokensDelta(SnacFrame.TOKENS_PER_FRAME);
                        if (cancelled.get()) {
                            return false;
                        }
                        return put(new FrameEvent(pieceIndex, frame)) && !cancelled.get();
                    });
                } finally {
                    engine.kvTokensDelta(-tokensInFlight.getAndSet(0));
                }
                prompt += r.promptTokens();
                generated += r.generatedTokens();
                nanos += r.prefillNanos() + r.decodeNanos();
                promptTokens = prompt;
                lmTokens = generated;
                lmNanos = nanos;
                if (piece.clamped() && r.finishReason() == FinishReason.MAX_TOKENS) {
                    r = new GenerationResult(r.promptTokens(), r.generatedTokens(), r.frames(), FinishReason.CONTEXT_FULL, r.prefillNanos(),
                            r.decodeNanos(), r.error());
                }
                put(new PieceEnd(pieceIndex, r));
                FinishReason fr = r.finishReason();
                if (fr == FinishReason.CANCELLED || fr == FinishReason.DEADLINE || fr == FinishReason.ERROR) {
                    break;
                }
            }
            put(new Done());
        } catch (Throwable t) {
            put(new Failed(t));
        } finally {
            onLmExit.run(); // release the slot before waking close(): after close() the request is gone
            lmExited.countDown();
        }
    }

    /** Blocking put that gives up when the consumer has gone. */
    private boolean put(Event e) {
        try {
            while (!closed.get()) {
                if (channel.offer(e, 20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException ie) {
            cancelled.set(true);
            Thread.currentThread().interrupt();
        }
        return false;
    }

    // ---------------------------------------------------------------- control

    /** Asks the LM to stop at the next frame; the stream then ends with CANCELLED. */
    void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            lmFramesAtCancel = lmFrames.get();
        }
    }

    boolean isCancelled() {
        return cancelled.get();
    }

    /** Frames the LM produced in total (for tests of cancellation latency). */
    int lmFrames() {
        return lmFrames.get();
    }

    /** Frames the LM had produced when cancel was requested, or -1. */
    int lmFramesAtCancel() {
        return lmFramesAtCancel;
    }

    /**
     * Waits until the LM thread has let go of the request (its KV cache is freed). Not cut short by an interrupt
     * of the caller (the wait is bounded by one frame once cancelled); the interrupt status is kept.
     */
    boolean awaitLmExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return lmExited.getCount() == 0;
                }
                try {
                    return lmExited.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- consumer side

    @Override
    public AudioChunk read() {
        return next(Long.MAX_VALUE);
    }

    @Override
    public Optional<AudioChunk> read(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return Optional.ofNullable(next(deadline));
    }

    private AudioChunk next(long deadlineNanos) {
        if (closed.get()) {
            throw new IllegalStateException("audio stream is closed");
        }
        while (true) {
            AudioChunk c = ready.poll();
            if (c != null) {
                if (firstAudioNanos == 0 && c.samples().length > 0) {
                    firstAudioNanos = System.nanoTime();
                }
                if (c.last()) {
                    completeStats();
                }
                return c;
            }
            if (failure != null) {
                throw failure instanceof Maya1Exception me ? me
                        : new Maya1Exception("synthesis failed: " + failure, failure);
            }
            if (finished) {
                completeStats();
                return null;
            }
            Event e;
            try {
                if (deadlineNanos == Long.MAX_VALUE) {
                    e = channel.take();
                } else {
                    long wait = deadlineNanos - System.nanoTime();
                    e = wait <= 0 ? channel.poll() : channel.poll(wait, TimeUnit.NANOSECONDS);
                    if (e == null) {
                        return null;
                    }
                }
            } catch (InterruptedException ie) {
                cancel();
                Thread.currentThread().interrupt();
                throw new Maya1Exception("interrupted while waiting for audio", ie);
            }
            process(e);
        }
    }

    private void process(Event e) {
        switch (e) {
            case FrameEvent f -> {
                List<SnacFrame> batch = new ArrayList<>();
                batch.add(f.frame());
                // everything already waiting for the same piece goes in one push
                Event peek;
                while ((peek = channel.peek()) instanceof FrameEvent g && g.piece() == f.piece()) {
                    channel.poll();
                    batch.add(g.frame());
                }
                ensurePiece(f.piece());
                long t0 = System.nanoTime();
                float[] pcm = vocode(batch.toArray(new SnacFrame[0]), false);
                vocoderNanos += System.nanoTime() - t0;
                framesDecoded += batch.size();
                emit(joiner.accept(pcm), f.piece(), false);
            }
            case PieceEnd pe -> {
                ensurePiece(pe.piece());
                long t0 = System.nanoTime();
                float[] pcm = vocode(null, true);
                vocoderNanos += System.nanoTime() - t0;
                vstream.close();
                vstream = null;
                emit(joiner.accept(pcm), pe.piece(), false);
                FinishReason fr = pe.result().finishReason();
                if (fr == FinishReason.ERROR) {
                    Throwable err = pe.result().error();
                    failure = err != null ? err : new Maya1Exception("generation failed");
                }
                if (finish == FinishReason.END_OF_SPEECH && fr != FinishReason.END_OF_SPEECH) {
                    finish = fr;
                }
                boolean more = pe.piece() + 1 < pieces.size() && !stops(fr);
                emit(joiner.endPiece(more), pe.piece(), false);
            }
            case Done d -> {
                if (cancelled.get() && finish == FinishReason.END_OF_SPEECH) {
                    finish = FinishReason.CANCELLED;
                }
                finished = true;
                if (offset == 0) {
                    // nothing audible was produced: an empty chunk must never be a stream's first chunk (a caller
                    // would commit to a successful response on it); a passed deadline is an error, anything else
                    // simply ends the stream
                    if (finish == FinishReason.DEADLINE) {
                        failure = deadlineExceeded();
                    }
                    return;
                }
                emit(new float[0], Math.max(currentPiece, 0), true);
            }
            case Failed fl -> {
                failure = fl.error();
                finished = true;
            }
        }
    }

    private DeadlineExceededException deadlineExceeded() {
        Duration timeout = Duration.ofNanos(Math.max(0, options.deadlineNanos() - startNanos));
        return new DeadlineExceededException(timeout, "no audio within the request timeout of " + timeout.toMillis() + " ms");
    }

    private static boolean stops(FinishReason fr) {
        return fr == FinishReason.CANCELLED || fr == FinishReason.DEADLINE || fr == FinishReason.ERROR;
    }

    /**
     * Pushes (or flushes) the current piece's vocoder stream: through the engine's shared pump when batching is on
     * and the stream is an exact Java SNAC stream (bit-identical samples, decoded together with the other
     * requests' streams), directly otherwise.
     */
    private float[] vocode(SnacFrame[] frames, boolean flush) {
        ai.maya1.vocoder.snac.VocoderPump pump = engine.vocoderPump();
        if (pump != null && vstream instanceof ai.maya1.vocoder.snac.SnacStream s) {
            java.util.concurrent.CompletableFuture<float[]> f = flush ? pump.flush(s) : pump.push(s, frames);
            try {
                return f.get();
            } catch (InterruptedException ie) {
                cancel();
                Thread.currentThread().interrupt();
                throw new Maya1Exception("interrupted while waiting for the vocoder", ie);
            } catch (java.util.concurrent.ExecutionException ee) {
                Throwable c = ee.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error er) {
                    throw er;
                }
                throw new Maya1Exception("vocoder failed", c);
            }
        }
        return flush ? vstream.flush() : vstream.push(frames);
    }

    private void ensurePiece(int piece) {
        if (piece != currentPiece) {
            if (vstream != null) {
                throw new IllegalStateException("piece " + currentPiece + " did not end before piece " + piece);
            }
            currentPiece = piece;
        }
        if (vstream == null) {
            vstream = vocoder.openStream(noise);
            joiner.startPiece();
        }
    }

    private void emit(float[] samples, int piece, boolean last) {
        if (samples.length == 0 && !last) {
            return;
        }
        if (collected != null && samples.length > 0) {
            collected.add(samples);
        }
        ready.add(new AudioChunk(samples, vocoder.sampleRate(), offset, sequence++, piece, last));
        offset += samples.length;
    }

    private void completeStats() {
        if (stats != null) {
            return;
        }
        long now = System.nanoTime();
        long ttfa = firstAudioNanos == 0 ? now - startNanos : firstAudioNanos - startNanos;
        stats = new SpeechStats(Duration.ofNanos(ttfa), Duration.ofNanos(now - startNanos), promptTokens, lmTokens, lmNanos, vocoderNanos,
                framesDecoded, offset, pieces.size(), finish, false, testModel);
    }

    /** The whole utterance when collecting, after the last chunk. */
    float[] collectedSamples() {
        if (collected == null) {
            throw new IllegalStateException("not collecting");
        }
        int n = 0;
        for (float[] a : collected) {
            n += a.length;
        }
        float[] out = new float[n];
        int p = 0;
        for (float[] a : collected) {
            System.arraycopy(a, 0, out, p, a.length);
            p += a.length;
        }
        return out;
    }

    FinishReason finishReason() {
        return finish;
    }

    @Override
    public Optional<SpeechStats> stats() {
        return Optional.ofNullable(stats);
    }

    /** Cancels if running, waits for the LM to let go (within one frame) and frees the vocoder state. Idempotent. */
    @Override
    public void close() {
        if (!finished) {
            cancel();
        }
        if (closed.compareAndSet(false, true)) {
            channel.clear();
            awaitLmExit(Duration.ofSeconds(30));
            channel.clear();
            if (vstream != null) {
                vstream.close();
                vstream = null;
            }
            if (stats == null) {
                if (finish == FinishReason.END_OF_SPEECH && !finished) {
                    finish = FinishReason.CANCELLED;
                }
                completeStats();
            }
        }
    }
}
