package ai.maya1.cuda.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.maya1.cuda.llama.CudaLlamaConfig;
import ai.maya1.weights.TensorData;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The random-weight Llama: a tensor filled in parallel slices holds exactly the values of one sequential stream. */
class RandomLlamaSourceTest {
    static final String CONFIG = """
            {"hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":2,
             "head_dim":16,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true}""";

    /** Element i of the documented sequential generator (SplitMix64 stream keyed by seed and tensor name). */
    static short expected(long seed, String name, long i, long cols) {
        long state = (seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L)) + (i + 1) * 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        float u = ((z >>> 40) * 0x1.0p-24f) * 2 - 1;
        return (short) (Float.floatToRawIntBits(u * (float) Math.sqrt(3.0 / cols)) >>> 16);
    }

    @Test
    void aLargeTensorFilledInSlicesEqualsTheSequentialStream() throws Exception {
        CudaLlamaConfig cfg = CudaLlamaConfig.parse(new ObjectMapper().readTree(CONFIG), null);
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 5)) {
            String name = "model.embed_tokens.weight"; // 156960 x 64 = 10 M elements: filled in parallel slices
            TensorData t = src.find(name).orElseThrow();
            long n = t.elementCount();
            ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < n; i += 9973) {
                assertEquals(expected(5, name, i, 64), t.data().getAtIndex(i16, i), "element " + i);
            }
            assertEquals(expected(5, name, n - 1, 64), t.data().getAtIndex(i16, n - 1), "last element");
        }
    }
}
