package ai.maya1.engine;

import java.util.Optional;
import java.util.Set;

/**
 * Turns a voice description and a piece of text into the Maya1 prompt ids, and resolves voice presets. The engine
 * uses the tokenizer layer's {@code Maya1Prompt} and {@code VoicePresets} through this seam, so the request path
 * does not depend on how the tokenizer was loaded (tokenizer.json, GGUF metadata).
 */
public interface PromptEncoder {

    /**
     * @throws ai.maya1.Maya1Exception (the tokenizer's invalid-text exception) for text the prompt builder rejects,
     *                                 e.g. an unknown tag in strict mode
     */
    int[] encode(String description, String text);

    /** The description of a preset voice, if the name is known. */
    Optional<String> presetDescription(String name);

    /** All preset names. */
    Set<String> presetNames();
}
