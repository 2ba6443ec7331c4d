package ai.maya1.engine;

import ai.maya1.Maya1Exception;
import java.nio.file.Path;

/** Opens the tokenizer and Maya1 prompt format that belong to a model folder or GGUF file. */
final class PromptEncoders {
    private PromptEncoders() {
    }

    static PromptEncoder open(Path model, boolean strictTags) {
        // wired to HfTokenizer / Maya1Prompt / VoicePresets once the tokenizer layer is merged
        throw new Maya1Exception("the tokenizer layer is not available in this build (" + model + ")");
    }
}
