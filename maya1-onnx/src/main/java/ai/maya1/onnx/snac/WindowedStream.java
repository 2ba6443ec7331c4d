package ai.maya1.onnx.snac;

import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact streaming over an offline graph: an output sample depends only on codes within {@code lookahead} samples,
 * so decoding a window that starts at frame 0 or at least {@code lookahead} samples before the first sample
 * still to emit gives exact values for every sample at least {@code lookahead} before the window's end. The
 * window is trimmed after each push, so memory stays bounded.
 */
final class WindowedStream implements VocoderStream {
    private final OnnxVocoder owner;
    private final OrtSession session;
    private final SnacGraph g;
    private final NoiseMode noise;
    private final List<SnacFrame> window = new ArrayList<>();
    private long windowStart; // absolute frame index of window.get(0)
    private long frames;
    private long emitted;
    private boolean finished;
    private boolean closed;

    WindowedStream(OnnxVocoder owner, OrtSession session, SnacGraph g, NoiseMode noise) {
        this.owner = owner;
        this.session = session;
        this.g = g;
        this.noise = noise;
    }

    @Override
    public float[] push(SnacFrame... fs) {
        if (finished || closed) {
            throw new IllegalStateException("stream is " + (closed ? "closed" : "flushed"));
        }
        window.addAll(List.of(fs));
        frames += fs.length;
        return emit(frames * g.samplesPerFrame() - g.lookahead());
    }

    @Override
    public float[] flush() {
        if (closed) {
            throw new IllegalStateException("stream is closed");
        }
        if (finished) {
            return new float[0];
        }
        finished = true;
        return emit(frames * g.samplesPerFrame());
    }

    private float[] emit(long upTo) {
        if (upTo <= emitted || window.isEmpty()) {
            return new float[0];
        }
        int n = window.size();
        int[][] l0 = {new int[n]};
        int[][] l1 = {new int[2 * n]};
        int[][] l2 = {new int[4 * n]};
        for (int i = 0; i < n; i++) {
            SnacFrame f = window.get(i);
            l0[0][i] = f.l0();
            l1[0][2 * i] = f.l1a();
            l1[0][2 * i + 1] = f.l1b();
            l2[0][4 * i] = f.l2a();
            l2[0][4 * i + 1] = f.l2b();
            l2[0][4 * i + 2] = f.l2c();
            l2[0][4 * i + 3] = f.l2d();
        }
        float[] audio = owner.run(session, g, l0, l1, l2, 0, n, 1, noise, windowStart * g.latentPerFrame());
        long base = windowStart * g.samplesPerFrame();
        float[] out = java.util.Arrays.copyOfRange(audio, (int) (emitted - base), (int) (upTo - base));
        emitted = upTo;
        // keep only frames needed as left context of the next samples
        long keepFrom = Math.max(0, (emitted - g.lookahead()) / g.samplesPerFrame());
        while (windowStart < keepFrom && !window.isEmpty()) {
            window.removeFirst();
            windowStart++;
        }
        return out;
    }

    @Override
    public long samplesEmitted() {
        return emitted;
    }

    @Override
    public void close() {
        closed = true;
        window.clear();
    }
}
