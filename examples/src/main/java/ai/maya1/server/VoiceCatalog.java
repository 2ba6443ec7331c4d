package ai.maya1.server;

import ai.maya1.tokenizer.VoicePresets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Voice names the server accepts: OpenAI's built-in voice names, each mapped to one of the SDK's documented presets
 * (Maya1 has no fixed speakers, only voice descriptions), and the presets themselves.
 */
public final class VoiceCatalog {
    /** OpenAI voice name -> maya1 preset (see docs/deployment.md). */
    public static final Map<String, String> OPENAI_ALIASES;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("alloy", "female-narrator");
        m.put("ash", "narrator");
        m.put("ballad", "british-male");
        m.put("coral", "british-female");
        m.put("echo", "indian-male");
        m.put("fable", "storyteller");
        m.put("nova", "energetic");
        m.put("onyx", "villain");
        m.put("sage", "whisper");
        m.put("shimmer", "female-narrator");
        m.put("verse", "narrator");
        m.put("marin", "female-narrator");
        m.put("cedar", "narrator");
        OPENAI_ALIASES = java.util.Collections.unmodifiableMap(m);
    }

    private final Set<String> presets;

    /** @param presets the engine's preset names ({@code Maya1Tts.voicePresets()}) */
    public VoiceCatalog(Set<String> presets) {
        this.presets = Set.copyOf(presets);
    }

    /** The preset a voice name stands for, if known. */
    public Optional<String> resolve(String voice) {
        String v = voice.trim().toLowerCase(Locale.ROOT);
        if (presets.contains(v)) {
            return Optional.of(v);
        }
        String p = OPENAI_ALIASES.get(v);
        return p != null && presets.contains(p) ? Optional.of(p) : Optional.empty();
    }

    /** Every accepted name, sorted. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(presets);
        OPENAI_ALIASES.forEach((alias, preset) -> {
            if (presets.contains(preset)) {
                all.add(alias);
            }
        });
        return all;
    }

    /** Maya1 description of a preset, if the tokenizer layer documents it. */
    public Optional<String> description(String preset) {
        return VoicePresets.description(preset);
    }

    public boolean isAlias(String name) {
        return OPENAI_ALIASES.containsKey(name);
    }
}
