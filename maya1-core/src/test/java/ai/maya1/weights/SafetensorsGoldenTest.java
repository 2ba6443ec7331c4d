package ai.maya1.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.maya1.testing.Golden;
import org.junit.jupiter.api.Test;

class SafetensorsGoldenTest {
    @Test
    void bf16FileWidensToTheF32FileRoundedToNearestEven() {
        try (SafetensorsFile f32 = SafetensorsFile.open(Golden.golden("llama/model.safetensors"));
             SafetensorsFile bf16 = SafetensorsFile.open(Golden.golden("llama/model-bf16.safetensors"))) {
            assertEquals(20, f32.names().size());
            assertEquals(f32.names(), bf16.names());
            TensorData e = f32.get("model.embed_tokens.weight");
            assertArrayEquals(new long[] {300, 64}, e.shape());
            float[] a = e.toFloatArray();
            float[] b = bf16.get("model.embed_tokens.weight").toFloatArray();
            for (int i = 0; i < a.length; i++) {
                int bits = Float.floatToRawIntBits(a[i]);
                int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
                assertEquals(Float.intBitsToFloat(rounded), b[i], "element " + i);
            }
        }
    }
}
