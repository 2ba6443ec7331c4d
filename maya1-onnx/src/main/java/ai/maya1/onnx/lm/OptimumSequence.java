package ai.maya1.onnx.lm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Decoding over an Optimum-layout graph: each step's {@code present.N.*} outputs become the next step's
 * {@code past_key_values.N.*} inputs. The previous result stays open and its tensors are passed back without a
 * Java-side copy (ORT still concatenates the whole past each step; that is the layout's cost).
 */
final class OptimumSequence implements LlamaSequence {
    private final OnnxLlama model;
    private final OrtEnvironment env = ai.maya1.onnx.runtime.OrtSessions.env();
    private final int capacity;
    private OrtSession.Result previous;
    private final OnnxTensor[] empty;
    private int length;
    private boolean closed;

    OptimumSequence(OnnxLlama model, int capacity) {
        this.model = model;
        this.capacity = capacity;
        empty = new OnnxTensor[2 * model.layers()];
        try {
            for (int i = 0; i < empty.length; i++) {
                empty[i] = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, model.kvHeads(), 0, model.headDim()});
            }
        } catch (OrtException e) {
            throw OnnxLlama.fail("empty KV cache", e);
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void forward(int[] tokens, float[] lastLogits) {
        float[] all = forwardAll(tokens);
        System.arraycopy(all, (tokens.length - 1) * model.vocabSize(), lastLogits, 0, model.vocabSize());
    }

    @Override
    public float[] forwardAll(int[] tokens) {
        if (closed) {
            throw new IllegalStateException("sequence is closed");
        }
        int s = tokens.length;
        if (length + s > capacity) {
            throw new KvSequence.ContextFullException("KV cache full: " + length + " + " + s + " tokens > capacity " + capacity);
        }
        Map<String, OnnxTensor> owned = new HashMap<>();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            LongBuffer ids = ByteBuffer.allocateDirect(8 * s).order(ByteOrder.nativeOrder()).asLongBuffer();
            LongBuffer pos = ByteBuffer.allocateDirect(8 * s).order(ByteOrder.nativeOrder()).asLongBuffer();
            for (int i = 0; i < s; i++) {
                ids.put(i, tokens[i]);
                pos.put(i, length + i);
            }
            LongBuffer mask = ByteBuffer.allocateDirect(8 * (length + s)).order(ByteOrder.nativeOrder()).asLongBuffer();
            for (int i = 0; i < length + s; i++) {
                mask.put(i, 1);
            }
            owned.put("input_ids", OnnxTensor.createTensor(env, ids, new long[] {1, s}));
            owned.put("attention_mask", OnnxTensor.createTensor(env, mask, new long[] {1, length + s}));
            if (model.hasPositionIds()) {
                owned.put("position_ids", OnnxTensor.createTensor(env, pos, new long[] {1, s}));
            }
            if (model.hasUseCacheBranch()) { // Optimum's merged decoder: pick the with-past branch after the first step
                owned.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {length > 0}));
            }
            in.putAll(owned);
            for (int l = 0; l < model.layers(); l++) {
                in.put("past_key_values." + l + ".key", previous == null ? empty[2 * l]
                        : (OnnxTensor) previous.get("present." + l + ".key").orElseThrow());
                in.put("past_key_values." + l + ".value", previous == null ? empty[2 * l + 1]
                        : (OnnxTensor) previous.get("present." + l + ".value").orElseThrow());
            }
            OrtSession.Result r = model.session().run(in);
            if (previous != null) {
                previous.close();
            }
            previous = r;
            length += s;
            FloatBuffer fb = ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
            float[] out = new float[s * model.vocabSize()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw OnnxLlama.fail("LM step", e);
        } finally {
            owned.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (previous != null) {
                previous.close();
                previous = null;
            }
            for (OnnxTensor t : empty) {
                t.close();
            }
        }
    }
}
