package ai.maya1.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named voice descriptions in the style of the Maya1 model card (age, gender, accent, pitch, timbre, pacing, tone).
 * Any free-text description works as well; these are convenient, documented starting points.
 */
public final class VoicePresets {
    private static final Map<String, String> PRESETS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("narrator", "Realistic male voice in the 30s age with american accent. Normal pitch, warm timbre, conversational pacing.");
        m.put("female-narrator", "Realistic female voice in the 30s age with american accent. Normal pitch, warm timbre, conversational pacing.");
        m.put("british-female", "Realistic female voice in the 20s age with british accent. Normal pitch, bright timbre, energetic pacing.");
        m.put("british-male", "Realistic male voice in the 40s age with british accent. Low pitch, deep timbre, measured pacing.");
        m.put("villain", "Creative, dark_villain character. Male voice in their 40s with a british accent. low pitch, gravelly timbre, slow pacing, angry tone at high intensity.");
        m.put("storyteller", "Realistic female voice in the 50s age with american accent. Low pitch, soft timbre, slow pacing, calm tone.");
        m.put("energetic", "Realistic male voice in the 20s age with american accent. High pitch, bright timbre, fast pacing, excited tone.");
        m.put("whisper", "Realistic female voice in the 30s age with american accent. Low pitch, breathy timbre, slow pacing, whispering tone.");
        m.put("indian-male", "Realistic male voice in the 30s age with indian accent. Normal pitch, warm timbre, conversational pacing.");
        m.put("robot", "Creative, robotic character. Male voice in their 30s with an american accent. Normal pitch, metallic timbre, even pacing, monotone.");
        PRESETS = Collections.unmodifiableMap(m);
    }

    private VoicePresets() {
    }

    /** The description of a preset, if the name is known (case-sensitive). */
    public static Optional<String> description(String name) {
        return Optional.ofNullable(name == null ? null : PRESETS.get(name));
    }

    /** The preset names, in documentation order. */
    public static Set<String> names() {
        return PRESETS.keySet();
    }
}
