package ai.maya1.acoustic;

/**
 * Facts about a loaded acoustic model.
 *
 * @param name          model name or path
 * @param backend       backend name ("java", "onnx", "cuda")
 * @param weightFormat  weight storage in use, e.g. "BF16", "Q8_0"
 * @param vocabSize     output vocabulary
 * @param contextLength maximum tokens (prompt + generated) per request
 * @param parameters    parameter count
 * @param testModel     true for the built-in test model, whose output is not speech
 */
public record AcousticModelInfo(String name, String backend, String weightFormat, int vocabSize, int contextLength, long parameters,
                                boolean testModel) {
}
