package ai.maya1.vocoder;

/**
 * The third layer: SNAC codes to 24 kHz audio. Usable on its own, e.g. for codes produced by an external LLM
 * server (vLLM, llama.cpp).
 *
 * <p>Implementations are safe to share between threads; each {@link VocoderStream} belongs to one caller.
 */
public interface Vocoder extends AutoCloseable {

    /** Output sample rate (24000 for snac_24khz). */
    int sampleRate();

    /** Samples produced per frame (2048 for snac_24khz). */
    int samplesPerFrame();

    /**
     * Decodes a whole batch offline.
     *
     * @return {@code [batch][frames * samplesPerFrame()]} samples in [-1, 1], nothing trimmed
     */
    float[][] decode(SnacCodes codes, NoiseMode noise);

    /**
     * Opens an exact incremental decoder for one stream: push frames as they arrive, receive every sample that
     * no future frame can change; {@link VocoderStream#flush()} emits the rest at end of stream.
     */
    VocoderStream openStream(NoiseMode noise);

    /** Look-ahead of the exact streaming decoder in samples (samples held back until later frames arrive). */
    int lookaheadSamples();

    /** Backend name, e.g. "java", "onnx", "cuda". */
    String backendName();

    /** Frees native or off-heap memory. Idempotent. */
    @Override
    void close();
}
