package ai.maya1.onnx.lm;

/** One request's decoding state (KV cache) over a shared {@link OnnxLlama}. Not thread-safe. */
public interface LlamaSequence extends AutoCloseable {

    /** Tokens in the cache (= position of the next token). */
    int length();

    int capacity();

    /**
     * Feeds {@code tokens} at positions {@code length() ..} and writes the logits of the last one into
     * {@code lastLogits} (length vocab).
     */
    void forward(int[] tokens, float[] lastLogits);

    /** Feeds {@code tokens} and returns the logits of every one, {@code [tokens.length * vocab]} (tests, scoring). */
    float[] forwardAll(int[] tokens);

    @Override
    void close();
}
