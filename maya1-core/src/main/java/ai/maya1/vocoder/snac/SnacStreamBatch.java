package ai.maya1.vocoder.snac;

import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the pending frames of many exact {@link SnacStream}s in one pass: each dense layer runs once for all
 * streams (the rows of every stream stacked into one gemm, so the weights are read once per layer and step for
 * the whole batch), while each stream keeps its own per-layer left context. Every stream receives exactly the
 * samples, bit for bit, that its own {@link SnacStream#push} / {@link SnacStream#flush} would have returned, for
 * any mix of stream ages, chunk sizes and noise modes.
 *
 * <p>Streams may come from different {@link SnacDecoder}s (they are grouped by decoder). Low-latency streams are
 * decoded one by one (their provisional flush is per stream). Not thread-safe: one instance per driving thread
 * (for example the {@link VocoderPump}'s); the streams of one call must not be used concurrently elsewhere.
 */
public final class SnacStreamBatch {
    private final BatchedDecoderStep step = new BatchedDecoderStep();
    private long steps;
    private long streamSteps;

    /**
     * Pushes {@code frames.get(i)} to {@code streams.get(i)} for every i, batched; returns what each
     * {@code push} would have returned.
     */
    public List<float[]> push(List<SnacStream> streams, List<SnacFrame[]> frames) {
        if (streams.size() != frames.size()) {
            throw new IllegalArgumentException(streams.size() + " streams but " + frames.size() + " frame arrays");
        }
        boolean[] flush = new boolean[streams.size()];
        return Arrays.asList(step(streams.toArray(SnacStream[]::new), frames.toArray(SnacFrame[][]::new), flush));
    }

    /** Flushes every stream, batched; returns what each {@code flush} would have returned. */
    public List<float[]> flush(List<SnacStream> streams) {
        SnacFrame[][] none = new SnacFrame[streams.size()][0];
        boolean[] flush = new boolean[streams.size()];
        Arrays.fill(flush, true);
        return Arrays.asList(step(streams.toArray(SnacStream[]::new), none, flush));
    }

    /**
     * The general step: stream i gets {@code frames[i]} and, if {@code flush[i]}, is then flushed; the result is
     * {@code push(frames[i])} followed by {@code flush()} (the flush part only if requested). A stream may appear
     * only once. Every request is checked before any stream is touched.
     */
    public float[][] step(SnacStream[] streams, SnacFrame[][] frames, boolean[] flush) {
        int b = streams.length;
        if (frames.length != b || flush.length != b) {
            throw new IllegalArgumentException("streams, frames and flush must have the same length");
        }
        Map<SnacStream, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < b; i++) {
            if (streams[i] == null || frames[i] == null) {
                throw new NullPointerException("stream or frames " + i + " is null");
            }
            for (SnacFrame f : frames[i]) {
                if (f == null) {
                    throw new NullPointerException("null frame for stream " + i);
                }
            }
            if (seen.put(streams[i], Boolean.TRUE) != null) {
                throw new IllegalArgumentException("stream " + i + " appears twice in one batch step");
            }
            if (frames[i].length > 0 || !flush[i]) {
                streams[i].checkPushable();
            } else {
                streams[i].checkClosed();
            }
        }
        float[][] result = new float[b][];
        Map<SnacDecoder, List<Integer>> groups = new IdentityHashMap<>();
        for (int i = 0; i < b; i++) {
            SnacStream s = streams[i];
            if (s.lowLatency()) {
                float[] a = s.push(frames[i]);
                result[i] = flush[i] ? concat(a, s.flush()) : a;
            } else {
                groups.computeIfAbsent(s.decoder(), d -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<SnacDecoder, List<Integer>> g : groups.entrySet()) {
            runGroup(g.getKey(), g.getValue(), streams, frames, flush, result);
        }
        return result;
    }

    private void runGroup(SnacDecoder decoder, List<Integer> idx, SnacStream[] streams, SnacFrame[][] frames, boolean[] flush,
                          float[][] result) {
        int g = idx.size();
        int chunk = SnacDecoder.OFFLINE_CHUNK_FRAMES;
        int[] rounds = new int[g];
        boolean[] end = new boolean[g];
        int maxRounds = 0;
        for (int j = 0; j < g; j++) {
            int i = idx.get(j);
            int nf = frames[i].length;
            boolean doFlush = flush[i] && streams[i].beginFlush();
            end[j] = doFlush;
            rounds[j] = nf > 0 ? (nf + chunk - 1) / chunk : (doFlush ? 1 : 0);
            maxRounds = Math.max(maxRounds, rounds[j]);
            result[i] = new float[0];
        }
        float[][] acc = new float[g][0];
        int[] len = new int[g];
        for (int r = 0; r < maxRounds; r++) {
            int active = 0;
            for (int j = 0; j < g; j++) {
                if (r < rounds[j]) {
                    active++;
                }
            }
            DecoderState[] st = new DecoderState[active];
            int[][][] codes = new int[active][][];
            int[] nFrames = new int[active];
            boolean[] ends = new boolean[active];
            float[][] outs = new float[active][];
            int[] who = new int[active];
            int a = 0;
            for (int j = 0; j < g; j++) {
                if (r >= rounds[j]) {
                    continue;
                }
                SnacStream s = streams[idx.get(j)];
                SnacFrame[] fr = frames[idx.get(j)];
                int from = r * chunk;
                int n = Math.max(0, Math.min(chunk, fr.length - from));
                st[a] = s.state();
                codes[a] = SnacStream.packCodes(fr, from, n);
                nFrames[a] = n;
                ends[a] = end[j] && r == rounds[j] - 1;
                outs[a] = s.outBuffer(st[a].maxSamples(n));
                who[a] = j;
                a++;
            }
            int[] got = step.process(decoder.executor(), st, codes, nFrames, ends, outs);
            steps++;
            streamSteps += active;
            for (int q = 0; q < active; q++) {
                int j = who[q];
                if (acc[j].length < len[j] + got[q]) {
                    acc[j] = Arrays.copyOf(acc[j], Math.max(len[j] + got[q], acc[j].length * 2));
                }
                System.arraycopy(outs[q], 0, acc[j], len[j], got[q]);
                len[j] += got[q];
            }
        }
        for (int j = 0; j < g; j++) {
            int i = idx.get(j);
            if (rounds[j] > 0) {
                float[] exact = acc[j].length == len[j] ? acc[j] : Arrays.copyOf(acc[j], len[j]);
                result[i] = streams[i].deliverExact(exact);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Batched decoder steps run so far (one per chunk round and decoder). */
    public long steps() {
        return steps;
    }

    /** Sum over steps of the streams in each step: {@code streamSteps() / steps()} is the mean batch size. */
    public long streamSteps() {
        return streamSteps;
    }
}
