package ai.maya1.examples;

import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.ModelSource;

/** What the example programs share: the model comes from {@code $MAYA1_MODEL} (default: Maya1 from the HF cache). */
final class Examples {
    private Examples() {
    }

    static Maya1Config config() {
        String m = System.getenv("MAYA1_MODEL");
        return Maya1Config.builder().model(ModelSource.parse(m == null || m.isBlank() ? "hf:" + ModelSource.MAYA1_REPO : m)).build();
    }
}
