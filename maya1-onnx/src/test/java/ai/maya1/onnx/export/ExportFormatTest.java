package ai.maya1.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.onnx.GoldenData;
import ai.maya1.onnx.MemoryTensors;
import ai.maya1.onnx.runtime.OrtSessions;
import ai.maya1.weights.ModelFormatException;
import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protobuf encoder, the graph builder and the config readers. */
class ExportFormatTest {
    @TempDir
    Path tmp;

    @Test
    void protobufWireFormat() {
        // field 1 varint 150 -> 08 96 01 (the protobuf documentation's example); field 2 string "hi"; packed [3, 270]
        byte[] b = new ProtoWriter().varint(1, 150).string(2, "hi").packedVarints(4, new long[] {3, 270}).toByteArray();
        assertArrayEquals(new byte[] {0x08, (byte) 0x96, 0x01, 0x12, 0x02, 'h', 'i', 0x22, 0x03, 0x03, (byte) 0x8E, 0x02}, b);
        // negative int64 varints take 10 bytes (two's complement), floats are fixed32 little endian
        assertEquals(11, new ProtoWriter().varint(1, -1).size());
        assertArrayEquals(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3F}, new ProtoWriter().float32(2, 1f).toByteArray());
        ProtoWriter inner = new ProtoWriter().varint(1, 1);
        assertArrayEquals(new byte[] {0x3A, 0x02, 0x08, 0x01}, new ProtoWriter().message(7, inner).toByteArray());
    }

    @Test
    void aHandBuiltGraphRunsOnOrt() throws Exception {
        OnnxModel g = new OnnxModel("t");
        String x = g.input("x", OnnxModel.ElemType.FLOAT, "n", 3L);
        String w = g.constF32("w", new long[] {3}, 1f, 2f, 3f);
        String y = g.op("Mul", x, w);
        g.output(g.opA("ReduceSum", List.of(OnnxModel.Attr.i("keepdims", 0)), y, g.constI64("axes", 1)), "y",
                OnnxModel.ElemType.FLOAT, "n");
        g.metadata("k", "v");
        Path f = tmp.resolve("t.onnx");
        g.write(f, OnnxModel.ExternalData.NEVER);
        var env = OrtSessions.env();
        try (var s = env.createSession(f.toString());
             var in = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {1, 1, 1, 0, 1, 0}), new long[] {2, 3});
             var r = s.run(Map.of("x", in))) {
            assertArrayEquals(new float[] {6, 2}, (float[]) r.get(0).getValue());
            assertEquals("v", s.getMetadata().getCustomMetadata().get("k"));
        }
        assertThrows(IllegalArgumentException.class, () -> g.input("x", OnnxModel.ElemType.FLOAT));
        assertThrows(IllegalArgumentException.class,
                () -> g.initializer("bad", OnnxModel.ElemType.FLOAT, new long[] {4}, TensorBytes.f32(new float[3])));
    }

    @Test
    void snacConfigIsValidated() throws Exception {
        SnacGraphConfig real = SnacGraphConfig.load(GoldenData.golden("snac/config_24khz.json"));
        assertEquals(768, real.latentDim());
        assertEquals(4757, real.lookaheadSamples());
        assertEquals(2048, real.samplesPerFrame());
        Path bad = tmp.resolve("c.json");
        Files.writeString(bad, "{\"encoder_dim\":48,\"encoder_rates\":[2,4,8,8],\"decoder_dim\":1024,\"decoder_rates\":[8,8,4,2],"
                + "\"vq_strides\":[4,2,1],\"attn_window_size\":32}");
        var e = assertThrows(ModelFormatException.class, () -> SnacGraphConfig.load(bad));
        assertTrue(e.getMessage().contains("attn_window_size"), e.getMessage());
        Files.writeString(bad, "[1,2]");
        assertThrows(ModelFormatException.class, () -> SnacGraphConfig.load(bad));
        Files.writeString(bad, "{\"decoder_dim\":1024}");
        assertThrows(ModelFormatException.class, () -> SnacGraphConfig.load(bad));
    }

    @Test
    void llamaConfigVariantsAndRope() throws Exception {
        ObjectMapper m = new ObjectMapper();
        LlamaGraphConfig golden = LlamaGraphConfig.load(GoldenData.golden("llama/config.json"));
        // rope.json: inverse frequencies as HF computes them (llama3-scaled, float32)
        var rope = GoldenData.json(GoldenData.golden("llama/rope.json")).get("tiny").get("inv_freq_llama3_f32");
        float[] f = golden.inverseFrequencies();
        for (int i = 0; i < f.length; i++) {
            assertEquals(rope.get(i).floatValue(), f[i], Math.abs(rope.get(i).floatValue()) * 1e-6, "inv_freq " + i);
        }
        String legacy = "{\"hidden_size\":64,\"intermediate_size\":192,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2,\"vocab_size\":300,\"rope_parameters\":{\"rope_theta\":500000.0,\"type\":\"llama3\","
                + "\"factor\":32.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}}";
        LlamaGraphConfig c = LlamaGraphConfig.parse(m.readTree(legacy), Path.of("x"));
        assertEquals(16, c.headDim());
        assertArrayEquals(f, c.inverseFrequencies());
        assertThrows(ModelFormatException.class, () -> LlamaGraphConfig.parse(m.readTree(legacy.replace("llama3", "yarn")), Path.of("x")));
        assertThrows(ModelFormatException.class,
                () -> LlamaGraphConfig.parse(m.readTree(legacy.replace("\"num_key_value_heads\":2", "\"num_key_value_heads\":3")), Path.of("x")));
    }

    @Test
    void missingOrMisshapenTensorsAreNamed() throws Exception {
        LlamaGraphConfig cfg = LlamaGraphConfig.load(GoldenData.golden("llama/config.json"));
        MemoryTensors w = MemoryTensors.llama(1, 300, 64, 192, 1, 4, 2, 16); // one layer short
        var e = assertThrows(ModelFormatException.class, () -> LlamaOnnxExporter.export(cfg, w, tmp.resolve("m.onnx"),
                LlamaOnnxExporter.Options.defaults()));
        assertTrue(e.getMessage().contains("model.layers.1.input_layernorm.weight") && e.getMessage().contains("missing tensor"), e.getMessage());
        MemoryTensors wrong = MemoryTensors.llama(1, 300, 64, 100, 2, 4, 2, 16);
        var e2 = assertThrows(ModelFormatException.class, () -> LlamaOnnxExporter.export(cfg, wrong, tmp.resolve("m.onnx"),
                LlamaOnnxExporter.Options.defaults()));
        assertTrue(e2.getMessage().contains("gate_proj") && e2.getMessage().contains("expected [192, 64]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LlamaOnnxExporter.Options(false, OnnxModel.ExternalData.AUTO, 3, 32, 0));
    }
}
