package ai.maya1.cuda.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.cuda.GoldenData;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Host-side parts of the CUDA LM: config, llama3 RoPE frequencies, BF16 rounding, Q8_0 quantization. */
class CudaLlamaConfigTest {
    @Test
    void parsesTheGoldenTinyConfig() {
        CudaLlamaConfig c = CudaLlamaConfig.load(GoldenData.golden("llama/config.json"));
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.kvHeads());
        assertEquals(16, c.headDim());
        assertEquals(32.0, c.scaling().factor());
        assertTrue(c.tiedEmbeddings());
    }

    @Test
    void inverseFrequenciesMatchHuggingFaceFloat32() {
        JsonNode rope = GoldenData.json("llama/rope.json");
        for (String which : new String[] {"tiny", "real_3b"}) {
            JsonNode r = rope.get(which);
            int hd = r.get("head_dim").asInt();
            CudaLlamaConfig c = CudaLlamaConfig.parse(json("{\"hidden_size\":" + hd * 4 + ",\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                    + "\"head_dim\":" + hd + ",\"intermediate_size\":8,\"num_hidden_layers\":1,\"vocab_size\":8,\"rope_theta\":500000.0,"
                    + "\"rope_scaling\":{\"factor\":32.0,\"high_freq_factor\":4.0,\"low_freq_factor\":1.0,"
                    + "\"original_max_position_embeddings\":8192,\"rope_type\":\"llama3\"}}"), null);
            float[] f = c.inverseFrequencies();
            JsonNode want = r.get("inv_freq_llama3_f32");
            assertEquals(want.size(), f.length);
            for (int j = 0; j < f.length; j++) {
                float w = (float) want.get(j).asDouble();
                assertEquals(w, f[j], Math.abs(w) * 1e-6f, which + " index " + j);
            }
        }
    }

    @Test
    void rejectsBadConfigs() {
        assertThrows(ModelFormatException.class, () -> CudaLlamaConfig.parse(json("{\"hidden_size\":64}"), null));
        assertThrows(ModelFormatException.class, () -> CudaLlamaConfig.parse(json("{\"hidden_size\":64,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":3,\"intermediate_size\":8,\"num_hidden_layers\":1,\"vocab_size\":8}"), null));
    }

    @Test
    void bf16RoundingMatchesTheGoldenBf16File() {
        try (SafetensorsFile f32 = SafetensorsFile.open(GoldenData.golden("llama/model.safetensors"));
             SafetensorsFile bf = SafetensorsFile.open(GoldenData.golden("llama/model-bf16.safetensors"))) {
            for (String name : f32.names()) {
                float[] a = f32.get(name).toFloatArray();
                TensorData b = bf.get(name);
                for (int i = 0; i < a.length; i++) {
                    short want = b.data().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 2L * i);
                    assertEquals(want, LlamaGpuWeights.toBf16(a[i]), name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void q8QuantizationErrorIsBoundedByHalfAStep() {
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[32 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * (1 + i / 32);
        }
        byte[] q = new byte[x.length];
        byte[] s = new byte[2 * x.length / 32];
        LlamaGpuWeights.quantizeQ8(x, q, s);
        for (int b = 0; b < x.length / 32; b++) {
            float d = Float.float16ToFloat((short) ((s[2 * b] & 0xff) | (s[2 * b + 1] << 8)));
            for (int j = 0; j < 32; j++) {
                assertEquals(x[b * 32 + j], d * q[b * 32 + j], d * 0.5f + Math.abs(x[b * 32 + j]) * 2e-3f);
            }
        }
    }

    private static JsonNode json(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
