package ai.maya1.engine;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.vocoder.Vocoder;
import java.util.Objects;

/**
 * The loaded layers an engine drives.
 *
 * @param prompt          tokenizer + prompt format
 * @param acoustic        the LM
 * @param vocoder         the SNAC decoder
 * @param modelId         identity of the models for cache keys (sources, weight format, backends)
 * @param kvBytesPerToken KV-cache bytes one token occupies (for the KV gauge), 0 if unknown
 */
public record Components(PromptEncoder prompt, AcousticModel acoustic, Vocoder vocoder, String modelId, long kvBytesPerToken) {
    public Components {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(acoustic, "acoustic");
        Objects.requireNonNull(vocoder, "vocoder");
        Objects.requireNonNull(modelId, "modelId");
    }
}
