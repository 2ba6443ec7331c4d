package ai.maya1.engine;

import ai.maya1.tokenizer.HfTokenizer;
import ai.maya1.tokenizer.Maya1Prompt;
import ai.maya1.tokenizer.TextTokenizer;
import ai.maya1.tokenizer.VoicePresets;
import ai.maya1.weights.gguf.GgufFile;
import ai.maya1.tts.ModelNotFoundException;
import ai.maya1.tts.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Opens the tokenizer and Maya1 prompt format that belong to a model folder or file. */
final class PromptEncoders {
    private PromptEncoders() {
    }

    /** The tokenizer.json of a model folder, or the one beside a weights file. */
    static Path tokenizerJson(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path t = dir == null ? null : dir.resolve("tokenizer.json");
        if (t == null || !Files.isRegularFile(t)) {
            throw new ModelNotFoundException(ModelSource.path(model), "no tokenizer.json in " + dir,
                    "a Maya1 model folder holds config.json, the weights and tokenizer.json");
        }
        return t;
    }

    static PromptEncoder open(Path model, boolean strictTags) {
        if (Files.isRegularFile(model) && model.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            // a GGUF file carries its tokenizer in its metadata (tokenizer.ggml.*); a tokenizer.json beside it wins
            Path beside = model.toAbsolutePath().resolveSibling("tokenizer.json");
            if (Files.isRegularFile(beside)) {
                return of(HfTokenizer.load(beside), strictTags);
            }
            try (GgufFile gguf = GgufFile.open(model)) {
                return of(HfTokenizer.fromJson(gguf.tokenizerJson(), model.toString()), strictTags);
            }
        }
        return of(HfTokenizer.load(tokenizerJson(model)), strictTags);
    }

    /** Maya1's prompt format over any tokenizer with the Maya1 control tokens, with the built-in voice presets. */
    static PromptEncoder of(TextTokenizer tokenizer, boolean strictTags) {
        Maya1Prompt prompt = Maya1Prompt.forTokenizer(tokenizer, Maya1Prompt.Options.builder().strictTags(strictTags).build());
        return new PromptEncoder() {
            @Override
            public int[] encode(String description, String text) {
                return prompt.encode(description, text);
            }

            @Override
            public Optional<String> presetDescription(String name) {
                return VoicePresets.description(name);
            }

            @Override
            public Set<String> presetNames() {
                return VoicePresets.names();
            }
        };
    }
}
