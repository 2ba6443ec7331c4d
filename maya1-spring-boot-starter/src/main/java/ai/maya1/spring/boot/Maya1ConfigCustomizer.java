package ai.maya1.spring.boot;

import ai.maya1.tts.Maya1Config;

/**
 * A bean of this type adjusts the engine configuration the auto-configuration builds from {@code spring.ai.maya1.*}
 * before the engine starts (for settings with no property, such as a custom {@code SpeechCache}). Applied in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface Maya1ConfigCustomizer {
    void customize(Maya1Config.Builder config);
}
