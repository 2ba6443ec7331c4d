package ai.maya1.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import ai.maya1.spring.ai.Maya1TextToSpeechModel;
import ai.maya1.tts.Maya1Tts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter's auto-configuration, on the built-in test model. */
class Maya1AutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Maya1AutoConfiguration.class));

    @Test
    void oneAutoConfigurationAndOnePropertyGiveASpeakingTextToSpeechModelBean() {
        runner.withPropertyValues("spring.ai.maya1.model=test").run(ctx -> {
            assertTrue(ctx.getStartupFailure() == null, () -> "start-up failed: " + ctx.getStartupFailure());
            TextToSpeechModel textToSpeechModel = ctx.getBean(TextToSpeechModel.class);
            byte[] wav = textToSpeechModel.call("Hello from Spring <laugh> this is a test."); // the line of docs/api.md
            Wav.Decoded decoded = Wav.read(wav);
            assertEquals(24_000, decoded.sampleRate());
            assertTrue(decoded.samples().length > 0, "no samples");
            assertTrue(ctx.getBean(Maya1Tts.class).info().testModel(), "the engine should run the test model");
        });
    }

    @Test
    void theEngineIsClosedWithTheContext() {
        AtomicReference<Maya1Tts> engine = new AtomicReference<>();
        runner.withPropertyValues("spring.ai.maya1.model=test", "spring.ai.maya1.warm-up=false").run(ctx -> engine.set(ctx.getBean(Maya1Tts.class)));
        assertTrue(engine.get().isClosed(), "the engine should be closed when the context closes");
    }

    @Test
    void propertiesReachTheEngineAndTheDefaultSpeechOptions() {
        runner.withPropertyValues("spring.ai.maya1.model=test", "spring.ai.maya1.warm-up=false", "spring.ai.maya1.threads=1",
                "spring.ai.maya1.context-length=1024", "spring.ai.maya1.cache-size=0", "spring.ai.maya1.max-concurrent-requests=3",
                "spring.ai.maya1.tts.voice=narrator", "spring.ai.maya1.tts.format=pcm", "spring.ai.maya1.tts.seed=9").run(ctx -> {
                    Maya1Tts tts = ctx.getBean(Maya1Tts.class);
                    assertEquals(1, tts.config().threads());
                    assertEquals(1024, tts.config().contextLength());
                    assertEquals(0, tts.config().cacheBytes());
                    assertEquals(3, tts.config().maxConcurrentRequests());
                    Maya1TextToSpeechModel model = ctx.getBean(Maya1TextToSpeechModel.class);
                    assertEquals("narrator", model.getOptions().getVoice());
                    assertEquals("pcm", model.getOptions().getFormat());
                    assertEquals(9L, model.getOptions().getSeed());
                });
    }

    @Test
    void metricsGoToTheApplicationsMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("spring.ai.maya1.model=test", "spring.ai.maya1.warm-up=false")
                .run(ctx -> {
                    ctx.getBean(TextToSpeechModel.class).call("Counted.");
                    assertNotNull(ctx.getBean(MeterRegistry.class).find("maya1.tts.requests").counter(), "no maya1.tts.requests meter");
                });
    }

    @Test
    void anotherSelectedSpeechProviderTurnsMaya1Off() {
        runner.withPropertyValues("spring.ai.maya1.model=test", "spring.ai.model.audio.speech=openai").run(ctx -> {
            assertFalse(ctx.containsBean("maya1Tts"), "no engine should start");
            assertTrue(ctx.getBeansOfType(TextToSpeechModel.class).isEmpty(), "no Maya1 speech model expected");
        });
    }

    @Test
    void missingWeightsFailTheStartWithAnAnalysisNamingTheProperty() {
        runner.withPropertyValues("spring.ai.maya1.model=/nonexistent/maya1-weights").run(ctx -> {
            Throwable failure = ctx.getStartupFailure();
            assertNotNull(failure, "start-up should fail");
            FailureAnalysis analysis = new Maya1ModelNotFoundFailureAnalyzer().analyze(failure);
            assertNotNull(analysis, "the analyzer should recognise the failure: " + failure);
            assertTrue(analysis.getDescription().contains("/nonexistent/maya1-weights"), analysis.getDescription());
            assertTrue(analysis.getAction().contains("spring.ai.maya1.model=test"), analysis.getAction());
        });
    }

    @Test
    void aHubModelMissingFromTheCacheFailsTheStartWithTheDownloadCommand(@TempDir Path emptyHubCache) {
        runner.withPropertyValues("spring.ai.maya1.model=maya-research/maya1", "spring.ai.maya1.hub-cache=" + emptyHubCache).run(ctx -> {
            FailureAnalysis analysis = new Maya1ModelNotFoundFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertNotNull(analysis, "the analyzer should recognise the failure: " + ctx.getStartupFailure());
            assertTrue(analysis.getDescription().contains(emptyHubCache.toString()), "should say where it looked: " + analysis.getDescription());
            assertTrue(analysis.getAction().contains("./maya1 download maya-research/maya1"), analysis.getAction());
        });
    }

    @Test
    void aValueTheEngineRejectsFailsTheStartWithAnAnalysisNamingTheProperty() {
        runner.withPropertyValues("spring.ai.maya1.model=test", "spring.ai.maya1.vocoder-threads=0").run(ctx -> {
            FailureAnalysis analysis = new Maya1ConfigFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertNotNull(analysis, "the analyzer should recognise the failure: " + ctx.getStartupFailure());
            assertTrue(analysis.getDescription().startsWith("Invalid spring.ai.maya1.vocoder-threads: "), analysis.getDescription());
        });
    }

    @Test
    void theFailureAnalyzersAreRegisteredForBoot() {
        // Boot's own analyzers need constructor arguments Boot supplies at start-up: skip those here
        var names = org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
                .load(org.springframework.boot.diagnostics.FailureAnalyzer.class, (type, implementation, failure) -> { })
                .stream().map(a -> a.getClass()).toList();
        assertTrue(names.contains(Maya1ModelNotFoundFailureAnalyzer.class), names.toString());
        assertTrue(names.contains(Maya1ConfigFailureAnalyzer.class), names.toString());
    }

    @Test
    void aVoiceAndADescriptionTogetherFailTheStartNamingTheProperties() {
        runner.withPropertyValues("spring.ai.maya1.model=test", "spring.ai.maya1.warm-up=false", "spring.ai.maya1.tts.voice=narrator",
                "spring.ai.maya1.tts.description=A calm old man.").run(ctx -> {
                    Throwable failure = ctx.getStartupFailure();
                    assertNotNull(failure, "start-up should fail");
                    Throwable root = failure;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertInstanceOf(IllegalArgumentException.class, root);
                    assertTrue(root.getMessage().contains("spring.ai.maya1.tts"), root.getMessage());
                });
    }
}
