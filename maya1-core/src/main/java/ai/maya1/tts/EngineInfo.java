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

    /**
     * The logger an engine warns on when it runs the test model (WARN, once per engine). The label is also in
     * {@link #toString()}, {@link SpeechStats#testModel()} and {@link SpeechStats#toString()}.
     */
    public static final String TEST_MODEL_LOGGER = "ai.maya1.testmodel";

    /** {@link #TEST_MODEL_LABEL} for the test model, else empty. */
    public String label() {
        return testModel ? TEST_MODEL_LABEL : "";
    }

    /**
     * The record's fields, led by {@link #TEST_MODEL_LABEL} for the test model: an application that prints its engine
     * learns it even without an SLF4J binding to show the engine's warning.
     */
    @Override
    public String toString() {
        return (testModel ? TEST_MODEL_LABEL + ": " : "") + "EngineInfo[model=" + model + ", snac=" + snac + ", acousticBackend=" + acousticBackend
                + ", vocoderBackend=" + vocoderBackend + ", weightFormat=" + weightFormat + ", contextLength=" + contextLength
                + ", sampleRate=" + sampleRate + ", testModel=" + testModel + "]";
    }
}
