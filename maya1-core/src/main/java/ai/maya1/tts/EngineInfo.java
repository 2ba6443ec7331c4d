package ai.maya1.tts;

/**
 * What an engine runs.
 *
 * @param model           the acoustic model source as given
 * @param snac            the vocoder source as given
 * @param acousticBackend backend of the LM ("java", "onnx", "cuda")
 * @param vocoderBackend  backend of the vocoder
 * @param weightFormat    LM weight storage in use
 * @param contextLength   tokens per request (prompt + generated)
 * @param sampleRate      output sample rate (24000)
 * @param testModel       true for the built-in test model
 */
public record EngineInfo(String model, String snac, String acousticBackend, String vocoderBackend, String weightFormat,
                         int contextLength, int sampleRate, boolean testModel) {

    /** The label shown wherever the test model is used. */
    public static final String TEST_MODEL_LABEL = "test model: output is not speech";

    /** {@link #TEST_MODEL_LABEL} for the test model, else empty. */
    public String label() {
        return testModel ? TEST_MODEL_LABEL : "";
    }
}
