package ai.maya1.engine.testmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Backends;
import ai.maya1.tokenizer.HfTokenizer;
import ai.maya1.tokenizer.Maya1Prompt;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelTest {

    @Test
    void generationIsDeterministic(@TempDir Path a, @TempDir Path b) throws Exception {
        TestModel.generate(a);
        TestModel.generate(b);
        List<Path> files;
        try (Stream<Path> s = Files.walk(a)) {
            files = s.filter(Files::isRegularFile).map(a::relativize).sorted().toList();
        }
        assertEquals(6, files.size(), files.toString());
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        }
    }

    @Test
    void ensureIsIdempotentAndLabelled(@TempDir Path cache) throws Exception {
        TestModel.Folders f = TestModel.ensure(cache);
        long t = Files.getLastModifiedTime(f.lmDir().resolve("model.safetensors")).toMillis();
        TestModel.Folders g = TestModel.ensure(cache);
        assertEquals(f, g);
        assertEquals(t, Files.getLastModifiedTime(g.lmDir().resolve("model.safetensors")).toMillis());
        assertTrue(Files.readString(f.root().resolve("COMPLETE")).contains("test model: output is not speech"));
        JsonNode cfg = new ObjectMapper().readTree(f.lmDir().resolve("config.json").toFile());
        assertEquals(156_960, cfg.get("vocab_size").asInt());
        assertTrue(cfg.get("maya1_test_model").get("frames_per_prompt_token").asDouble() > 0);
    }

    @Test
    void tokenizerCarriesTheMaya1ControlTokensAtTheirIds() {
        TestModel.Folders f = TestModel.ensure();
        HfTokenizer t = HfTokenizer.load(f.lmDir().resolve("tokenizer.json"));
        assertEquals(156_960, t.vocabSize());
        assertEquals("<|begin_of_text|>", t.tokenString(128_000));
        assertEquals("<|eot_id|>", t.tokenString(128_009));
        assertEquals("<custom_token_1>", t.tokenString(Maya1Prompt.SOS));
        assertEquals("<custom_token_2>", t.tokenString(Maya1Prompt.CODE_END));
        assertEquals("<custom_token_3>", t.tokenString(Maya1Prompt.SOH));
        String text = "Héllo 世界";
        int[] ids = t.encode(text, false);
        assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, ids.length); // byte level
        assertEquals(text, t.decode(ids));
        int[] prompt = Maya1Prompt.forTokenizer(t).encode("A calm voice.", "Hello");
        assertEquals(Maya1Prompt.SOH, prompt[0]);
        assertEquals(Maya1Prompt.SOS, prompt[prompt.length - 1]);
    }

    @Test
    void everyEmotionTagIsOneTokenAsInTheRealTokenizer() {
        HfTokenizer t = HfTokenizer.load(TestModel.ensure().lmDir().resolve("tokenizer.json"));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (String name : ai.maya1.tokenizer.EmotionTags.ALL) {
            int[] ids = t.encode(ai.maya1.tokenizer.EmotionTags.tag(name), false);
            assertEquals(1, ids.length, "<" + name + "> should be one token, got " + java.util.Arrays.toString(ids));
            assertTrue(seen.add(ids[0]), "<" + name + "> shares id " + ids[0] + " with another tag");
        }
        int[] sentence = t.encode("Hi <laugh> there", false);
        assertEquals("Hi ".length() + 1 + " there".length(), sentence.length, java.util.Arrays.toString(sentence));
        assertEquals("Hi <laugh> there", t.decode(sentence));
    }

    @Test
    void snacWeightsHaveTheRealLayerStructure() {
        TestModel.Folders f = TestModel.ensure();
        try (TensorSource s = SafetensorsFile.open(f.snacDir().resolve("model.safetensors"))) {
            assertArrayEquals(new long[] {4096, 8}, s.get("quantizer.quantizers.0.codebook.weight").shape());
            assertArrayEquals(new long[] {128, 64, 16}, s.get("decoder.model.2.block.1.weight_v").shape()); // ConvTranspose [Cin, Cout, 2r]
            assertArrayEquals(new long[] {128, 1, 1}, s.get("decoder.model.2.block.1.weight_g").shape());
            assertArrayEquals(new long[] {64, 1, 7}, s.get("decoder.model.2.block.3.block.1.weight_v").shape()); // depthwise
            assertArrayEquals(new long[] {1, 8, 7}, s.get("decoder.model.7.weight_v").shape());
            assertArrayEquals(new long[] {1, 8, 1}, s.get("decoder.model.6.alpha").shape());
            assertEquals(3 * 4 + 2 * 3 + 4 * (1 + 3 + 2 + 3 * 8) + 1 + 3, s.names().size());
        }
    }

    @Test
    void lmEndsAfterTheConfiguredFramesWithRandomWeights() {
        TestModel.Folders f = TestModel.ensure();
        HfTokenizer t = HfTokenizer.load(f.lmDir().resolve("tokenizer.json"));
        int[] prompt = Maya1Prompt.forTokenizer(t).encode("A calm voice.", "Hello from the JVM.");
        try (ComputeExecutor ex = new ComputeExecutor(2, "test-lm");
             AcousticModel lm = Backends.chooseAcoustic("java").open(new AcousticModelSpec(f.lmDir(), "as-stored", ex, 2048, 64L << 20, false))) {
            assertTrue(lm.info().testModel());
            List<SnacFrame> frames = new ArrayList<>();
            GenerationResult r = lm.generate(prompt, GenerationOptions.maya1Defaults(42, 1000), (fr, i) -> frames.add(fr));
            assertEquals(FinishReason.END_OF_SPEECH, r.finishReason());
            int expect = Math.max(TestModel.MIN_FRAMES, (int) Math.round(TestModel.FRAMES_PER_PROMPT_TOKEN * prompt.length));
            assertTrue(Math.abs(frames.size() - expect) <= 1, frames.size() + " frames, expected about " + expect);
        }
    }
}
