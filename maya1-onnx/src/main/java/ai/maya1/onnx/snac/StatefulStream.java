package ai.maya1.onnx.snac;

import ai.maya1.Maya1Exception;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact streaming over the stateful graph: each pushed frame is decoded once; the per-layer context tensors
 * returned by one call are fed to the next without copying (the previous result stays open until then).
 */
final class StatefulStream implements VocoderStream {
    private static final long OPEN_END = 1L << 40; // "length unknown": far beyond any real stream

    private final OnnxVocoder owner;
    private final OrtSession session;
    private final SnacGraph g;
    private final NoiseMode noise;
    private OrtSession.Result previous; // holds the state tensors of the last call
    private final OnnxTensor[] initialState;
    private long framesPushed;
    private long emitted;
    private boolean finished;
    private boolean closed;

    StatefulStream(OnnxVocoder owner, OrtSession session, SnacGraph g, NoiseMode noise) {
        this.owner = owner;
        this.session = session;
        this.g = g;
        this.noise = noise;
        this.initialState = new OnnxTensor[g.stateInputs().size()];
        try {
            for (int i = 0; i < initialState.length; i++) {
                long[] sh = g.stateShapes().get(i);
                FloatBuffer zeros = ByteBuffer.allocateDirect((int) (4 * sh[0] * sh[1])).order(ByteOrder.nativeOrder()).asFloatBuffer();
                initialState[i] = OnnxTensor.createTensor(owner.env(), zeros, new long[] {1, sh[0], sh[1]});
            }
        } catch (OrtException e) {
            closeState();
            throw new Maya1Exception("cannot allocate SNAC stream state: " + e.getMessage(), e);
        }
    }

    @Override
    public float[] push(SnacFrame... frames) {
        if (finished || closed) {
            throw new IllegalStateException("stream is " + (closed ? "closed" : "flushed"));
        }
        if (frames.length == 0) {
            return new float[0];
        }
        float[] chunk = step(frames, OPEN_END);
        long startPos = (framesPushed - frames.length) * g.samplesPerFrame() - g.lookahead();
        return keep(chunk, startPos, Long.MAX_VALUE);
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
        if (framesPushed == 0) {
            return new float[0];
        }
        long total = framesPushed;
        int pad = (g.lookahead() + g.samplesPerFrame() - 1) / g.samplesPerFrame();
        SnacFrame[] dummy = new SnacFrame[pad];
        java.util.Arrays.fill(dummy, new SnacFrame(0, 0, 0, 0, 0, 0, 0));
        float[] chunk = step(dummy, total);
        long startPos = total * g.samplesPerFrame() - g.lookahead();
        float[] out = keep(chunk, startPos, total * g.samplesPerFrame());
        closeState();
        return out;
    }

    private float[] keep(float[] chunk, long startPos, long limit) {
        long from = Math.max(emitted, startPos);
        long to = Math.min(limit, startPos + chunk.length);
        if (to <= from) {
            return new float[0];
        }
        float[] out = java.util.Arrays.copyOfRange(chunk, (int) (from - startPos), (int) (to - startPos));
        emitted = to;
        return out;
    }

    private float[] step(SnacFrame[] frames, long totalFrames) {
        int f = frames.length;
        int[] l0 = new int[f];
        int[] l1 = new int[2 * f];
        int[] l2 = new int[4 * f];
        for (int i = 0; i < f; i++) {
            SnacFrame fr = frames[i];
            l0[i] = fr.l0();
            l1[2 * i] = fr.l1a();
            l1[2 * i + 1] = fr.l1b();
            l2[4 * i] = fr.l2a();
            l2[4 * i + 1] = fr.l2b();
            l2[4 * i + 2] = fr.l2c();
            l2[4 * i + 3] = fr.l2d();
        }
        Map<String, OnnxTensor> owned = new HashMap<>();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            owned.put(g.codeInputs().get(0), owner.codesTensorFrames(l0, f));
            owned.put(g.codeInputs().get(1), owner.codesTensorFrames(l1, 2 * f));
            owned.put(g.codeInputs().get(2), owner.codesTensorFrames(l2, 4 * f));
            owned.put("frame_offset", OnnxTensor.createTensor(owner.env(), framesPushed));
            owned.put("total_frames", OnnxTensor.createTensor(owner.env(), totalFrames));
            long latentStart = framesPushed * g.latentPerFrame();
            long latent = (long) f * g.latentPerFrame();
            boolean flushing = totalFrames != OPEN_END;
            for (int k = 0; k < g.noiseInputs().size(); k++) {
                long limit = flushing ? g.noiseLength(k, totalFrames * g.latentPerFrame()) : Long.MAX_VALUE;
                owned.put(g.noiseInputs().get(k), owner.noiseTensor(noise, k, 1, g.streamingNoiseStart(k, latentStart),
                        (int) g.noiseLength(k, latent), limit));
            }
            in.putAll(owned);
            for (int i = 0; i < g.stateInputs().size(); i++) {
                in.put(g.stateInputs().get(i), previous == null ? initialState[i] : (OnnxTensor) OnnxVocoder.must(previous, g.stateOutputs().get(i)));
            }
            OrtSession.Result r = session.run(in);
            if (previous != null) {
                previous.close();
            }
            previous = r;
            framesPushed += f;
            FloatBuffer fb = ((OnnxTensor) OnnxVocoder.must(r, g.audioOutput())).getFloatBuffer();
            float[] res = new float[fb.remaining()];
            fb.get(res);
            return res;
        } catch (OrtException e) {
            throw new Maya1Exception("ONNX Runtime SNAC streaming step failed: " + e.getMessage(), e);
        } finally {
            owned.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public long samplesEmitted() {
        return emitted;
    }

    private void closeState() {
        if (previous != null) {
            previous.close();
            previous = null;
        }
        for (int i = 0; i < initialState.length; i++) {
            if (initialState[i] != null) {
                initialState[i].close();
                initialState[i] = null;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeState();
        }
    }
}
