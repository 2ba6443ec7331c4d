package ai.maya1.tts;

import java.util.Objects;

/**
 * Who speaks: a named preset (see {@link Maya1Tts#voicePresets()}) or a free-form Maya1 voice description such as
 * {@code "Realistic male voice in the 30s age with american accent. Normal pitch, warm timbre, conversational pacing."}.
 */
public sealed interface Voice {

    /** The description used when a request names no voice. */
    String DEFAULT_DESCRIPTION = "Realistic female voice in the 30s age with american accent. Normal pitch, warm timbre, "
            + "conversational pacing, neutral tone delivery at med intensity.";

    /** A preset name, resolved by the engine; unknown names are rejected with {@link InvalidRequestException}. */
    record Preset(String name) implements Voice {
        public Preset {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new InvalidRequestException("voice", "voice preset name is blank");
            }
        }
    }

    /** A free-form description, used as written. */
    record Description(String text) implements Voice {
        public Description {
            Objects.requireNonNull(text, "text");
            if (text.isBlank()) {
                throw new InvalidRequestException("description", "voice description is blank");
            }
        }
    }

    static Voice preset(String name) {
        return new Preset(name);
    }

    static Voice description(String text) {
        return new Description(text);
    }

    static Voice defaultVoice() {
        return new Description(DEFAULT_DESCRIPTION);
    }
}
