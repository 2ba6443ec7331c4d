package ai.maya1.spring.boot;

import ai.maya1.spring.ai.Maya1TextToSpeechModel;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Maya1 in a Spring Boot application: a {@link Maya1Tts} engine built from {@code spring.ai.maya1.*} (closed with
 * the application context) and a Spring AI {@link TextToSpeechModel} on it. Like Spring AI's own speech providers it
 * steps aside when {@code spring.ai.model.audio.speech} names another provider ({@value #PROVIDER} selects it).
 * Metrics ({@code maya1.tts.*}) go to the application's Micrometer {@code MeterRegistry} when it has one.
 */
@AutoConfiguration
@ConditionalOnClass({Maya1Tts.class, TextToSpeechModel.class})
@ConditionalOnProperty(name = SpringAIModelProperties.AUDIO_SPEECH_MODEL, havingValue = Maya1AutoConfiguration.PROVIDER, matchIfMissing = true)
@EnableConfigurationProperties(Maya1Properties.class)
public class Maya1AutoConfiguration {
    /** The value of {@code spring.ai.model.audio.speech} that selects Maya1. */
    public static final String PROVIDER = "maya1";

    /** The engine; {@code close()} (inferred destroy method) stops its threads and unmaps the weights. */
    @Bean
    @ConditionalOnMissingBean
    public Maya1Tts maya1Tts(Maya1Properties properties, ObjectProvider<Maya1ConfigCustomizer> customizers) {
        Maya1Config.Builder config = properties.toConfigBuilder();
        customizers.orderedStream().forEach(c -> c.customize(config));
        return Maya1Tts.create(config.build());
    }

    @Bean
    @ConditionalOnMissingBean
    public Maya1TextToSpeechModel maya1TextToSpeechModel(Maya1Tts maya1Tts, Maya1Properties properties) {
        return new Maya1TextToSpeechModel(maya1Tts, properties.getTts().toOptions());
    }

    /** Hands the application's MeterRegistry to the engine; only where Micrometer is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Maya1MetricsConfiguration {
        @Bean
        Maya1ConfigCustomizer maya1MeterRegistryCustomizer(ObjectProvider<MeterRegistry> registry) {
            return config -> registry.ifUnique(config::meterRegistry);
        }
    }
}
