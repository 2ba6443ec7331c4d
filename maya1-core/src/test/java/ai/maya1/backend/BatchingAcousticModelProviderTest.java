package ai.maya1.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.batch.BatchingAcousticModel;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.engine.testmodel.TestModel;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "java-batched" is registered, opens the built-in test model through the "java" loader and generates. */
class BatchingAcousticModelProviderTest {
    @Test
    void registeredAndOpensTheTestModel(@TempDir Path cache) {
        AcousticModelProvider p = ServiceLoader.load(AcousticModelProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("java-batched")).findFirst().orElseThrow();
        assertTrue(p.priority() < 10, "never chosen over the plain java backend by default");
        TestModel.Folders f = TestModel.ensure(cache);
        try (ComputeExecutor exec = new ComputeExecutor(2, "provider-test");
             AcousticModel am = p.open(new AcousticModelSpec(f.lmDir(), null, exec, 512, 64L << 20, false))) {
            assertInstanceOf(BatchingAcousticModel.class, am);
            int[] prompt = {128259, 128000, 1000, 2000, 3000, 128009, 128260, 128261, 128257};
            GenerationResult r = am.generate(prompt, GenerationOptions.maya1Defaults(1, 200), (fr, i) -> true);
            assertTrue(r.frames() > 0, r.toString());
            assertTrue(r.finishReason() == FinishReason.END_OF_SPEECH || r.finishReason() == FinishReason.MAX_TOKENS, r.toString());
            assertEquals(512, am.info().contextLength());
        }
    }
}
