package ai.maya1.onnx.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.onnx.MemoryTensors;
import ai.maya1.onnx.export.LlamaGraphConfig;
import ai.maya1.onnx.export.LlamaOnnxExporter;
import ai.maya1.onnx.runtime.OnnxRuntimeConfig;
import ai.maya1.vocoder.SnacFrame;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation on a random model with the full Maya1 vocabulary (156960 ids), so frames and CODE_END are real. */
class OnnxAcousticModelTest {
    static final int VOCAB = 156960;
    @TempDir
    static Path tmp;
    static OnnxAcousticModel model;
    static final int[] PROMPT = {128000, 1000, 2000, 3000, 128259, 128260, 128261, 128257};

    @BeforeAll
    static void build() throws Exception {
        String json = """
                {"hidden_size":16,"intermediate_size":32,"num_hidden_layers":1,"num_attention_heads":2,"num_key_value_heads":1,
                 "head_dim":8,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
                 "rope_scaling":{"rope_type":"llama3","factor":32.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
                 "original_max_position_embeddings":8192}}""";
        LlamaGraphConfig cfg = LlamaGraphConfig.parse(new ObjectMapper().readTree(json), Path.of("test-config.json"));
        Path file = tmp.resolve("model.onnx");
        LlamaOnnxExporter.export(cfg, MemoryTensors.llama(7, VOCAB, 16, 32, 1, 2, 1, 8), file, LlamaOnnxExporter.Options.defaults());
        model = new OnnxAcousticModel(OnnxLlama.open(file, OnnxRuntimeConfig.cpu(), 1), 256, "random-maya1-vocab");
    }

    @AfterAll
    static void close() {
        model.close();
        model.close();
    }

    record Run(GenerationResult result, List<SnacFrame> frames) {
    }

    static Run run(GenerationOptions o, int stopAfterFrames) {
        List<SnacFrame> frames = new ArrayList<>();
        GenerationResult r = model.generate(PROMPT, o, (f, i) -> {
            assertEquals(frames.size(), i);
            frames.add(f);
            return frames.size() < stopAfterFrames;
        });
        return new Run(r, frames);
    }

    @Test
    void constrainedSamplingGivesValidFramesDeterministically() {
        GenerationOptions o = new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 11, 70, 28, true, Long.MAX_VALUE);
        Run a = run(o, Integer.MAX_VALUE);
        Run b = run(o, Integer.MAX_VALUE);
        Run c = run(new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 12, 70, 28, true, Long.MAX_VALUE), Integer.MAX_VALUE);
        assertEquals(a.frames, b.frames, "same seed, same frames");
        assertNotEquals(a.frames, c.frames, "another seed, other frames");
        assertTrue(a.result.finishReason() == FinishReason.MAX_TOKENS || a.result.finishReason() == FinishReason.END_OF_SPEECH);
        if (a.result.finishReason() == FinishReason.MAX_TOKENS) {
            assertEquals(70, a.result.generatedTokens());
            assertEquals(10, a.frames.size());
        } else {
            assertTrue(a.result.generatedTokens() > 28 && (a.result.generatedTokens() - 1) % 7 == 0, "CODE_END only at a frame boundary after min tokens");
        }
        assertEquals(a.frames.size(), a.result.frames());
    }

    @Test
    void greedyMatchesAManualConstrainedArgmaxLoop() {
        Run r = run(new GenerationOptions(SamplingParams.GREEDY, 0, 21, 21, true, Long.MAX_VALUE), Integer.MAX_VALUE);
        assertEquals(3, r.frames.size());
        List<Integer> expected = new ArrayList<>();
        try (LlamaSequence s = model.graph().newSequence(64)) {
            float[] logits = new float[VOCAB];
            s.forward(PROMPT, logits);
            for (int i = 0; i < 21; i++) {
                int from = SnacFrame.CODE_TOKEN_OFFSET + (i % 7) * 4096;
                int best = from;
                for (int id = from; id < from + 4096; id++) {
                    if (logits[id] > logits[best]) {
                        best = id;
                    }
                }
                expected.add(best);
                s.forward(new int[] {best}, logits);
            }
        }
        List<Integer> got = new ArrayList<>();
        for (SnacFrame f : r.frames) {
            for (int t : f.toTokens()) {
                got.add(t);
            }
        }
        assertEquals(expected, got);
    }

    @Test
    void finishReasons() {
        Run cancelled = run(new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, 100, 28, true, Long.MAX_VALUE), 2);
        assertEquals(FinishReason.CANCELLED, cancelled.result.finishReason());
        assertEquals(2, cancelled.frames.size());
        Run deadline = run(new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, 100, 28, true, System.nanoTime() - 1), 99);
        assertEquals(FinishReason.DEADLINE, deadline.result.finishReason());
        // same graph, smaller context (not closed: it shares the graph with the other tests)
        OnnxAcousticModel small = new OnnxAcousticModel(model.graph(), PROMPT.length + 10, "small");
        GenerationResult r = small.generate(PROMPT, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, 100, 28, true, Long.MAX_VALUE),
                (f, i) -> true);
        assertEquals(FinishReason.CONTEXT_FULL, r.finishReason());
        assertEquals(11, r.generatedTokens());
    }

    @Test
    void badPromptsAreRejected() {
        GenerationOptions o = GenerationOptions.maya1Defaults(1, 10);
        assertThrows(IllegalArgumentException.class, () -> model.generate(new int[0], o, (f, i) -> true));
        assertThrows(IllegalArgumentException.class, () -> model.generate(new int[] {VOCAB}, o, (f, i) -> true));
    }
}
