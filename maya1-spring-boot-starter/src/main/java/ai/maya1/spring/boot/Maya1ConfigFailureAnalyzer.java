package ai.maya1.spring.boot;

import ai.maya1.tts.InvalidRequestException;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up failure report when the engine rejects a {@code spring.ai.maya1.*} value (threads out of range, an unknown
 * weight format, ...): names the property instead of the engine's builder field. Only for failures creating the
 * engine bean; the same exception from application code is not about properties.
 */
class Maya1ConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRequestException> {
    /** Engine config fields whose property is not their kebab-case name. */
    private static final Map<String, String> PROPERTY_OF_FIELD = Map.of("cacheBytes", "cache-size", "acousticBackend", "backend",
            "warmUpOnStart", "warm-up");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRequestException cause) {
        BeanCreationException creation = findCause(rootFailure, BeanCreationException.class);
        if (creation == null || !"maya1Tts".equals(creation.getBeanName())) {
            return null;
        }
        String property = Maya1Properties.PREFIX + "." + property(cause.field());
        return new FailureAnalysis("Invalid " + property + ": " + cause.getMessage() + ".", "Correct " + property + ".", cause);
    }

    static String property(String field) {
        String mapped = PROPERTY_OF_FIELD.get(field);
        return mapped != null ? mapped : field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
