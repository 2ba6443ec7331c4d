package ai.maya1.tokenizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Collections;

/**
 * The 20 inline emotion tags Maya1 was trained with, written in text as {@code <name>} (e.g. {@code <laugh>}).
 * How a tag splits into ids is decided by the model's own tokenizer; this class only names them.
 */
public final class EmotionTags {
    /** Tag names without brackets, in alphabetical order. */
    public static final Set<String> ALL = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "angry", "appalled", "chuckle", "cry", "curious", "disappointed", "excited", "exhale", "gasp", "giggle",
            "gulp", "laugh", "laugh_harder", "mischievous", "sarcastic", "scream", "sigh", "sing", "snort", "whisper")));

    private EmotionTags() {
    }

    /** The tag as written in text: {@code <name>}. */
    public static String tag(String name) {
        return "<" + name + ">";
    }

    /** Whether the name (without brackets) is one of the 20 tags. */
    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }
}
