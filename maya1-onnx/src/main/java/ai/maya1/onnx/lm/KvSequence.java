package ai.maya1.onnx.lm;

import ai.maya1.acoustic.FinishReason;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
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
 * KV cache in Java-owned direct buffers, token-major {@code [T, KV, d]} per layer: the past is a prefix slice
 * handed to ORT without copying, and the graph's {@code new_key/new_value} outputs are pinned to the next rows,
 * so ORT writes them in place. Decode steps reuse preallocated id/position/logit buffers.
 */
final class KvSequence implements LlamaSequence {
    private final OnnxLlama model;
    private final OrtEnvironment env = ai.maya1.onnx.runtime.OrtSessions.env();
    private final int capacity;
    private final int rowFloats;
    private final FloatBuffer[] keys;
    private final FloatBuffer[] values;
    private final LongBuffer ids1 = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asLongBuffer();
    private final LongBuffer pos1 = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asLongBuffer();
    private final FloatBuffer logits1;
    private int length;
    private boolean closed;

    KvSequence(OnnxLlama model, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.model = model;
        this.capacity = capacity;
        this.rowFloats = model.kvHeads() * model.headDim();
        long bytes = 4L * capacity * rowFloats;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("KV cache of " + capacity + " tokens exceeds 2 GB per layer tensor");
        }
        keys = new FloatBuffer[model.layers()];
        values = new FloatBuffer[model.layers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
            values[l] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        logits1 = ByteBuffer.allocateDirect(4 * model.vocabSize()).order(ByteOrder.nativeOrder()).asFloatBuffer();
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
        if (tokens.length == 1) {
            ids1.put(0, tokens[0]);
            pos1.put(0, length);
            run(ids1, pos1, 1, logits1);
            logits1.get(0, lastLogits, 0, model.vocabSize());
            return;
        }
        float[] all = forwardAll(tokens);
        System.arraycopy(all, (tokens.length - 1) * model.vocabSize(), lastLogits, 0, model.vocabSize());
    }

    @Override
    public float[] forwardAll(int[] tokens) {
        int s = tokens.length;
        LongBuffer ids = ByteBuffer.allocateDirect(8 * s).order(ByteOrder.nativeOrder()).asLongBuffer();
        LongBuffer pos = ByteBuffer.allocateDirect(8 * s).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int i = 0; i < s; i++) {
            ids.put(i, tokens[i]);
            pos.put(i, length + i);
        }
        FloatBuffer logits = ByteBuffer.allocateDirect(4 * s * model.vocabSize()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        run(ids, pos, s, logits);
        float[] out = new float[s * model.vocabSize()];
        logits.get(0, out);
        return out;
    }

    /** Thrown when the cache is full; generation maps it to {@link FinishReason#CONTEXT_FULL}. */
    static final class ContextFullException extends IllegalStateException {
        ContextFullException(String m) {
            super(m);
        }
    }

    private void run(LongBuffer ids, LongBuffer pos, int s, FloatBuffer logits) {
        if (closed) {
            throw new IllegalStateException("sequence is closed");
        }
        if (length + s > capacity) {
            throw new ContextFullException("KV cache full: " + length + " + " + s + " tokens > capacity " + capacity);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        Map<String, OnnxValue> pinned = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, ids, new long[] {1, s}));
            in.put("position_ids", OnnxTensor.createTensor(env, pos, new long[] {1, s}));
            long[] pastShape = {1, length, model.kvHeads(), model.headDim()};
            long[] newShape = {1, s, model.kvHeads(), model.headDim()};
            for (int l = 0; l < keys.length; l++) {
                in.put("past_key_" + l, OnnxTensor.createTensor(env, keys[l].slice(0, length * rowFloats), pastShape));
                in.put("past_value_" + l, OnnxTensor.createTensor(env, values[l].slice(0, length * rowFloats), pastShape));
                pinned.put("new_key_" + l, OnnxTensor.createTensor(env, keys[l].slice(length * rowFloats, s * rowFloats), newShape));
                pinned.put("new_value_" + l, OnnxTensor.createTensor(env, values[l].slice(length * rowFloats, s * rowFloats), newShape));
            }
            pinned.put("logits", OnnxTensor.createTensor(env, logits, new long[] {1, s, model.vocabSize()}));
            try (OrtSession.Result r = model.session().run(in, pinned)) {
                length += s;
            }
        } catch (OrtException e) {
            throw OnnxLlama.fail("LM step", e);
        } finally {
            in.values().forEach(OnnxTensor::close);
            pinned.values().forEach(OnnxValue::close);
        }
    }

    @Override
    public void close() {
        closed = true; // direct buffers are freed by the GC once unreachable
    }
}
