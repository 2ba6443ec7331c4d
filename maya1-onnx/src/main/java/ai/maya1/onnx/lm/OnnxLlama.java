package ai.maya1.onnx.lm;

import ai.maya1.Maya1Exception;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.weights.ModelFormatException;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Llama decoder graph on ONNX Runtime, shared by all requests; each request runs its own {@link LlamaSequence}
 * (its KV cache). Two signatures are recognised: this SDK's export ({@code past_key_N [B,P,KV,d]} in,
 * only the new rows {@code new_key_N} out; the cache lives in Java-owned direct buffers and ORT writes the new
 * rows straight into them) and Hugging Face Optimum's ({@code past_key_values.N.key [B,KV,P,d]} in, the whole
 * {@code present.N.key} out every step, which costs an O(T) copy per step inside ORT).
 */
public final class OnnxLlama implements AutoCloseable {
    public enum Layout { MAYA1_KV, OPTIMUM }

    private final OrtSessions.Opened opened;
    private final Path file;
    private final Layout layout;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int vocab;
    private final boolean hasPositionIds;
    private final boolean hasUseCacheBranch;
    private final long parameters;
    private volatile boolean closed;

    private OnnxLlama(OrtSessions.Opened opened, Path file) {
        this.opened = opened;
        this.file = file;
        try {
            Map<String, NodeInfo> in = opened.session().getInputInfo();
            Map<String, NodeInfo> out = opened.session().getOutputInfo();
            if (!in.containsKey("input_ids") || !out.containsKey("logits")) {
                throw new ModelFormatException(file, "not a causal-LM graph: inputs " + in.keySet() + ", outputs " + out.keySet());
            }
            int n = 0;
            Layout l;
            String first;
            if (in.containsKey("past_key_0")) {
                l = Layout.MAYA1_KV;
                while (in.containsKey("past_key_" + n)) {
                    n++;
                }
                first = "past_key_0";
            } else if (in.containsKey("past_key_values.0.key")) {
                l = Layout.OPTIMUM;
                while (in.containsKey("past_key_values." + n + ".key")) {
                    n++;
                }
                first = "past_key_values.0.key";
            } else {
                throw new ModelFormatException(file, "LM graph has no KV-cache inputs (past_key_0 or past_key_values.0.key): " + in.keySet());
            }
            long[] shape = ((TensorInfo) in.get(first).getInfo()).getShape();
            long[] logits = ((TensorInfo) out.get("logits").getInfo()).getShape();
            this.layout = l;
            this.layers = n;
            this.kvHeads = (int) (l == Layout.MAYA1_KV ? shape[2] : shape[1]);
            this.headDim = (int) shape[3];
            this.vocab = (int) logits[2];
            this.hasPositionIds = in.containsKey("position_ids");
            this.hasUseCacheBranch = in.containsKey("use_cache_branch");
            long params = 0;
            try {
                params = Long.parseLong(opened.session().getMetadata().getCustomMetadata().getOrDefault("maya1.parameters", "0"));
            } catch (NumberFormatException ignored) {
                // foreign graphs: unknown
            }
            this.parameters = params;
            if (kvHeads <= 0 || headDim <= 0 || vocab <= 0) {
                throw new ModelFormatException(file, "LM graph needs fixed KV heads, head size and vocabulary: past " + java.util.Arrays.toString(shape)
                        + ", logits " + java.util.Arrays.toString(logits));
            }
        } catch (OrtException e) {
            throw new ModelFormatException(file, "cannot inspect ONNX graph: " + e.getMessage());
        }
    }

    public static OnnxLlama open(Path model, OnnxRuntimeConfig cfg, int defaultThreads) {
        OrtSessions.Opened o = OrtSessions.open(model, cfg, defaultThreads);
        try {
            return new OnnxLlama(o, model);
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** A new sequence (empty KV cache) holding up to {@code capacity} tokens. */
    public LlamaSequence newSequence(int capacity) {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
        return layout == Layout.MAYA1_KV ? new KvSequence(this, capacity) : new OptimumSequence(this, capacity);
    }

    public Layout layout() {
        return layout;
    }

    public int layers() {
        return layers;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** Parameter count from the export's metadata (0 for graphs exported elsewhere). */
    public long parameters() {
        return parameters;
    }

    public int vocabSize() {
        return vocab;
    }

    boolean hasUseCacheBranch() {
        return hasUseCacheBranch;
    }

    boolean hasPositionIds() {
        return hasPositionIds;
    }

    public String providerNote() {
        return opened.note();
    }

    ai.onnxruntime.OrtSession session() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
        return opened.session();
    }

    Path file() {
        return file;
    }

    static Maya1Exception fail(String what, OrtException e) {
        return new Maya1Exception("ONNX Runtime " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            opened.close();
        }
    }
}
