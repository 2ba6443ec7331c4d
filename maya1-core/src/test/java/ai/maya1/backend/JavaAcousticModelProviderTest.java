package ai.maya1.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.llama.AcousticLimits;
import ai.maya1.acoustic.llama.LlamaConfig;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Backends;
import ai.maya1.testing.Golden;
import ai.maya1.weights.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServiceLoader registration, opening a folder (single file and sharded index), limits helper. */
class JavaAcousticModelProviderTest {

    @Test
    void registeredAsJavaWithPriority10() {
        AcousticModelProvider p = Backends.acousticProviders().stream().map(Backends.Found::provider)
                .filter(x -> x.name().equals("java")).findFirst().orElseThrow();
        assertEquals(10, p.priority());
        assertTrue(p.availability().available());
    }

    @Test
    void opensTheGoldenFolderAndGeneratesUnconstrained() {
        try (ComputeExecutor ex = new ComputeExecutor(2, "prov");
             AcousticModel m = new JavaAcousticModelProvider().open(new AcousticModelSpec(Golden.golden("llama"), null, ex, 64, 0, false))) {
            assertEquals("F32", m.info().weightFormat());
            assertEquals(300, m.info().vocabSize());
            assertEquals(64, m.info().contextLength());
            assertEquals(117_824, m.info().parameters());
            GenerationResult r = m.generate(new int[] {212, 50, 184}, new GenerationOptions(SamplingParams.GREEDY, 0, 5, 0, false, Long.MAX_VALUE),
                    (f, i) -> true);
            assertEquals(FinishReason.MAX_TOKENS, r.finishReason());
            assertEquals(5, r.generatedTokens());
            // constrained decoding needs the Maya1 vocabulary
            assertThrows(IllegalArgumentException.class, () -> m.generate(new int[] {1}, GenerationOptions.maya1Defaults(1, 7), (f, i) -> true));
        }
    }

    @Test
    void shardedIndexOpensAndRejectsPathsOutsideTheFolder(@TempDir Path dir) throws IOException {
        Path gold = Golden.golden("llama");
        Files.copy(gold.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(gold.resolve("model.safetensors"), dir.resolve("shard-1.safetensors"));
        StringBuilder map = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        try (var src = JavaAcousticModelProvider.openTensors(gold)) {
            for (String n : src.names()) {
                map.append('"').append(n).append("\": \"shard-1.safetensors\",");
            }
        }
        map.setLength(map.length() - 1);
        map.append("}}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), map);
        try (var src = JavaAcousticModelProvider.openTensors(dir)) {
            assertEquals(20, src.names().size());
            LlamaModel.load(LlamaConfig.load(dir.resolve("config.json")), src, ai.maya1.tensor.WeightFormat.AS_STORED);
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"model.norm.weight\": \"../x.safetensors\"}}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> JavaAcousticModelProvider.openTensors(dir));
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
    }

    @Test
    void maxTokensGrowWithTheTextAndAreCapped() {
        int shortText = AcousticLimits.maxNewTokensForText(10, 40, 8192);
        int longText = AcousticLimits.maxNewTokensForText(600, 40, 8192);
        assertTrue(shortText >= 28 * 4 && shortText % 7 == 1, "at least 4 s of frames + CODE_END: " + shortText);
        assertTrue(longText > 14 * AcousticLimits.TOKENS_PER_SECOND * 3, "600 chars must not be cut at 14 s: " + longText);
        assertEquals(AcousticLimits.HARD_CAP_TOKENS, AcousticLimits.maxNewTokensForText(100_000, 40, 1 << 20));
        assertEquals(100, AcousticLimits.maxNewTokensForText(600, 8092, 8192), "bounded by the context left");
    }
}
