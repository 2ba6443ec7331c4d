package ai.maya1.vocoder.snac;

import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import java.util.Arrays;

/**
 * Incremental SNAC decoding of one stream (noise keyed as batch item 0 unless opened for another item).
 *
 * <p><b>Exact mode</b> (default): each push returns exactly the samples that no later frame can change. After
 * {@code n} frames every sample below {@code samplesPerFrame*n - lookahead} has been returned
 * ({@link SnacConfig#lookaheadSamples()}: 4757 samples, 198 ms for 24 kHz); {@link #flush()} returns the rest.
 * The concatenation equals the offline decode bit for bit, for any chunking. State is bounded: each layer keeps
 * only its left context.
 *
 * <p><b>Low-latency mode</b>: each push also decodes the pending tail as if the stream ended there and returns
 * audio up to {@code samplesPerFrame*n - crossfade}; the next push cross-fades from that provisional audio to the
 * new estimate. Audio starts after the first frame, at the price of an error near each seam and of one
 * provisional flush per push.
 */
public final class SnacStream implements VocoderStream {
    private final SnacDecoder decoder;
    private final SnacStreamOptions options;
    private final DecoderState state;
    private final int spf;
    private float[] outBuf = new float[0];
    private long produced;       // samples of the untrimmed timeline handed out (exact mode) or delivered (low-latency)
    private long emitted;        // samples returned to the caller (after the warm-up trim)
    private boolean finished;
    private boolean closed;
    // low-latency mode
    private float[] exactAhead = new float[0]; // exact samples [produced, state.samplesOut())
    private int exactAheadLen;
    private float[] held = new float[0];        // provisional samples [produced, produced + heldLen)
    private int heldLen;

    SnacStream(SnacDecoder decoder, NoiseSource noise, SnacStreamOptions options, int noiseItem) {
        this.decoder = decoder;
        this.options = options;
        this.state = decoder.newState(noise, noiseItem);
        this.spf = decoder.samplesPerFrame();
        if (options.lowLatency() && options.crossfadeSamples() >= spf) {
            throw new IllegalArgumentException("crossfadeSamples must be below " + spf + ", got " + options.crossfadeSamples());
        }
    }

    @Override
    public float[] push(SnacFrame... frames) {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        if (finished) {
            throw new IllegalStateException("stream was flushed");
        }
        if (frames.length == 0) {
            return new float[0];
        }
        float[] exact = run(frames, false);
        if (!options.lowLatency()) {
            produced += exact.length;
            return trim(exact, exact.length, produced - exact.length);
        }
        return lowLatencyPush(exact);
    }

    /** Ends the stream and returns every remaining sample. Idempotent: a second flush returns nothing. */
    @Override
    public float[] flush() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        if (finished) {
            return new float[0];
        }
        finished = true;
        float[] exact = run(new SnacFrame[0], true);
        if (!options.lowLatency()) {
            produced += exact.length;
            return trim(exact, exact.length, produced - exact.length);
        }
        // the tail is exact now; cross-fade from the held provisional samples into it
        long exactStart = state.samplesOut() - exact.length;
        float[] cur = joinExact(exact, exactStart);
        int n = cur.length;
        crossfade(cur, n);
        long start = produced;
        produced += n;
        heldLen = 0;
        return trim(cur, n, start);
    }

    /** Runs frames (in chunks of at most {@link SnacDecoder#OFFLINE_CHUNK_FRAMES}) and returns the new exact samples. */
    private float[] run(SnacFrame[] frames, boolean end) {
        int total = 0;
        float[] acc = new float[0];
        int f = 0;
        do {
            int n = Math.min(SnacDecoder.OFFLINE_CHUNK_FRAMES, frames.length - f);
            int[][] codes = packCodes(frames, f, n);
            boolean last = f + n == frames.length;
            int max = state.maxSamples(n);
            if (outBuf.length < max) {
                outBuf = new float[max];
            }
            int got = state.process(decoder.executor(), codes, new int[] {0, 0, 0}, n, end && last, outBuf, 0);
            if (acc.length < total + got) {
                acc = Arrays.copyOf(acc, Math.max(total + got, acc.length * 2));
            }
            System.arraycopy(outBuf, 0, acc, total, got);
            total += got;
            f += n;
        } while (f < frames.length);
        return acc.length == total ? acc : Arrays.copyOf(acc, total);
    }

    /** Codes of {@code frames[from .. from+n)} as {@code [level][frame * 2^level + j]}. */
    static int[][] packCodes(SnacFrame[] frames, int from, int n) {
        int[][] codes = {new int[n], new int[2 * n], new int[4 * n]};
        for (int i = 0; i < n; i++) {
            SnacFrame fr = frames[from + i];
            codes[0][i] = fr.l0();
            codes[1][2 * i] = fr.l1a();
            codes[1][2 * i + 1] = fr.l1b();
            codes[2][4 * i] = fr.l2a();
            codes[2][4 * i + 1] = fr.l2b();
            codes[2][4 * i + 2] = fr.l2c();
            codes[2][4 * i + 3] = fr.l2d();
        }
        return codes;
    }

    // --- hooks for SnacStreamBatch (exact mode only) ---

    SnacDecoder decoder() {
        return decoder;
    }

    DecoderState state() {
        return state;
    }

    boolean lowLatency() {
        return options.lowLatency();
    }

    /** Throws as {@link #push} would on a closed or flushed stream. */
    void checkPushable() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        if (finished) {
            throw new IllegalStateException("stream was flushed");
        }
    }

    void checkClosed() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
    }

    /** Marks the stream flushed; false if it already was (flush is idempotent). Throws if closed. */
    boolean beginFlush() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }

    float[] outBuffer(int size) {
        if (outBuf.length < size) {
            outBuf = new float[size];
        }
        return outBuf;
    }

    /** Hands out exact samples produced by a batched step (exact mode), applying the warm-up trim. */
    float[] deliverExact(float[] exact) {
        produced += exact.length;
        return trim(exact, exact.length, produced - exact.length);
    }

    private float[] lowLatencyPush(float[] exact) {
        long exactEnd = state.samplesOut();
        float[] exactPart = joinExact(exact, exactEnd - exact.length); // exact samples [produced, exactEnd) (maybe none)
        // provisional: the rest decoded as if the stream ended now
        DecoderState probe = state.copy();
        float[] prov = new float[probe.maxSamples(0)];
        int provLen = probe.process(decoder.executor(), new int[][] {new int[0], new int[0], new int[0]}, new int[] {0, 0, 0}, 0,
                true, prov, 0);
        long total = state.framesIn() * spf;
        int n = (int) (total - produced);
        float[] cur = new float[n];
        System.arraycopy(exactPart, 0, cur, 0, exactPart.length);
        // provisional samples cover [exactEnd, total); keep those at or after `produced`
        int skip = (int) Math.max(0, produced - exactEnd);
        System.arraycopy(prov, skip, cur, exactPart.length, provLen - skip);
        crossfade(cur, n);
        int x = options.crossfadeSamples();
        int deliver = n - x;
        if (held.length < x) {
            held = new float[x];
        }
        System.arraycopy(cur, deliver, held, 0, x);
        heldLen = x;
        long start = produced;
        produced += deliver;
        // keep exact samples beyond what was delivered
        int keepFrom = deliver;
        int keep = Math.max(0, exactPart.length - keepFrom);
        exactAhead = keep == 0 ? new float[0] : Arrays.copyOfRange(exactPart, keepFrom, exactPart.length);
        exactAheadLen = keep;
        return trim(cur, deliver, start);
    }

    /** Exact samples from {@code produced} on: the kept ones plus the new ones (those before {@code produced} are dropped). */
    private float[] joinExact(float[] fresh, long freshStart) {
        int skip = (int) Math.min(fresh.length, Math.max(0, produced + exactAheadLen - freshStart));
        int add = fresh.length - skip;
        float[] out = Arrays.copyOf(exactAhead, exactAheadLen + add);
        System.arraycopy(fresh, skip, out, exactAheadLen, add);
        exactAhead = new float[0];
        exactAheadLen = 0;
        return out;
    }

    /** Linear cross-fade from the held provisional samples into {@code cur} (both start at {@code produced}). */
    private void crossfade(float[] cur, int n) {
        int x = Math.min(heldLen, n);
        for (int i = 0; i < x; i++) {
            float wNew = (i + 1f) / (x + 1f);
            cur[i] = held[i] * (1 - wNew) + cur[i] * wNew;
        }
    }

    /** Drops what falls inside the warm-up trim; {@code start} is the timeline position of {@code a[0]}. */
    private float[] trim(float[] a, int n, long start) {
        int from = 0;
        if (options.trimWarmup()) {
            from = (int) Math.min(n, Math.max(0, decoder.warmupSamples() - start));
        }
        float[] out = (from == 0 && n == a.length) ? a : Arrays.copyOfRange(a, from, n);
        emitted += out.length;
        return out;
    }

    @Override
    public long samplesEmitted() {
        return emitted;
    }

    /** Frames pushed so far. */
    public long framesPushed() {
        return state.framesIn();
    }

    /** Bytes held by this stream's buffers: constant once frames arrive in chunks of a steady size. */
    public long stateBytes() {
        return state.bytes() + 4L * (outBuf.length + exactAhead.length + held.length);
    }

    /** Look-ahead of the exact mode in samples. */
    public int lookaheadSamples() {
        return decoder.lookaheadSamples();
    }

    @Override
    public void close() {
        closed = true;
    }
}
