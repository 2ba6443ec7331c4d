package ai.maya1.acoustic.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RoPE frequencies (default and llama3-scaled, tiny and real head_dim) and absolute cos/sin tables vs rope.json. */
class RopeTest {
    static JsonNode rope;

    @BeforeAll
    static void load() throws IOException {
        rope = new ObjectMapper().readTree(Golden.golden("llama/rope.json").toFile());
    }

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = Float.parseFloat(a.get(i).asText());
        }
        return f;
    }

    @Test
    void inverseFrequenciesMatchHuggingFace() {
        LlamaConfig.RopeScaling llama3 = new LlamaConfig.RopeScaling("llama3", 32, 1, 4, 8192);
        for (String which : new String[] {"tiny", "real_3b"}) {
            JsonNode n = rope.get(which);
            int d = n.get("head_dim").asInt();
            float[] def = Rope.inverseFrequencies(d, 500000.0, LlamaConfig.RopeScaling.NONE);
            float[] l3 = Rope.inverseFrequencies(d, 500000.0, llama3);
            float[] expDef = floats(n.get("inv_freq_default_f32"));
            float[] expL3 = floats(n.get("inv_freq_llama3_f32"));
            assertEquals(d / 2, l3.length);
            for (int j = 0; j < d / 2; j++) {
                assertEquals(expDef[j], def[j], 0f, which + " default f_" + j);
                assertEquals(expL3[j], l3[j], 0f, which + " llama3 f_" + j);
            }
        }
        // the scaling really changes index 4 (smoothed) and 5..7 (divided by 32) at head_dim 16
        float[] tiny = Rope.inverseFrequencies(16, 500000.0, llama3);
        float[] plain = Rope.inverseFrequencies(16, 500000.0, LlamaConfig.RopeScaling.NONE);
        assertEquals(plain[3], tiny[3]);
        assertEquals(plain[6] / 32, tiny[6], 1e-7 * plain[6]);
        assertTrue(tiny[4] < plain[4] && tiny[4] > plain[4] / 32);
    }

    @Test
    void cosSinTablesAtAbsolutePositions() {
        LlamaConfig c = LlamaConfig.load(Golden.golden("llama/config.json"));
        Rope r = new Rope(c);
        JsonNode t = rope.get("tiny_tables");
        JsonNode positions = t.get("positions");
        float[] cos = new float[8];
        float[] sin = new float[8];
        for (int i = 0; i < positions.size(); i++) {
            int pos = positions.get(i).asInt();
            r.table(pos, cos, sin);
            float[] ec = floats(t.get("cos_hf_f32").get(i));
            float[] es = floats(t.get("sin_hf_f32").get(i));
            // HF's float32 angle: identical angles give cos/sin within float rounding; the tolerance grows with
            // the position only through 1-ulp frequency differences (<= 4e-7 relative)
            double tol = 1e-6;
            for (int j = 0; j < 8; j++) {
                assertEquals(ec[j], cos[j], tol, "cos pos " + pos + " j " + j);
                assertEquals(es[j], sin[j], tol, "sin pos " + pos + " j " + j);
            }
        }
    }

    @Test
    void rotateHalfExample() {
        LlamaConfig c = LlamaConfig.load(Golden.golden("llama/config.json"));
        Rope r = new Rope(c);
        JsonNode t = rope.get("tiny_tables");
        float[] x = floats(t.get("example_vector"));
        JsonNode rotated = t.get("example_vector_rotated_hf_f32");
        float[] cos = new float[8];
        float[] sin = new float[8];
        for (int i = 0; i < Math.min(4, t.get("positions").size()); i++) {
            int pos = t.get("positions").get(i).asInt();
            float[] v = x.clone();
            r.table(pos, cos, sin);
            r.apply(v, 0, 1, cos, sin);
            float[] e = floats(rotated.get(i));
            for (int j = 0; j < 16; j++) {
                assertEquals(e[j], v[j], 1e-5, "pos " + pos + " element " + j);
            }
        }
    }
}
