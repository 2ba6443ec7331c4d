package ai.maya1.weights.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Paths.get(GgufFileTest.class.getResource("/fixtures/gguf/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode expected() {
        return ModelJson.read(fixture("gguf_expected.json"));
    }

    static String sha256(TensorData t) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(t.data().toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void bf16GgufLoadsTheGoldenTensorsBitExactlyWithRowsUnpermuted() throws Exception {
        Path v3 = fixture("tiny_llama_bf16.gguf");
        byte[] b = Files.readAllBytes(v3);
        b[4] = 2; // the v2 layout is the same with 64-bit counts
        Path v2 = Files.write(dir.resolve("v2.bin"), b);
        for (Path p : List.of(v3, v2)) {
            try (SafetensorsFile golden = SafetensorsFile.open(Golden.golden("llama/model-bf16.safetensors"));
                 TensorSource g = TensorSources.open(p)) {
                assertTrue(g instanceof GgufFile);
                assertEquals(p == v3 ? "gguf v3" : "gguf v2", g.formatName());
                assertEquals(golden.names(), g.names());
                for (String n : golden.names()) {
                    TensorData want = golden.get(n);
                    TensorData got = g.get(n);
                    assertEquals(DType.BF16, got.dtype(), n);
                    assertArrayEquals(want.shape(), got.shape(), n);
                    assertArrayEquals(want.data().toArray(ValueLayout.JAVA_BYTE), got.data().toArray(ValueLayout.JAVA_BYTE), n);
                }
            }
        }
    }

    @Test
    void quantizedTensorsMatchGgufPackageQuantizationOfTheUnpermutedGolden() throws Exception {
        JsonNode exp = expected();
        int checked = 0;
        for (String file : List.of("tiny_llama_q8_0.gguf", "tiny_llama_q4_0.gguf", "kquants.gguf")) {
            try (GgufFile g = GgufFile.open(fixture(file)); SafetensorsFile golden = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
                for (String n : g.names()) {
                    TensorData t = g.get(n);
                    JsonNode e = exp.get(file + ":" + n);
                    if (e == null) {
                        assertEquals(DType.F32, t.dtype(), n);
                        if (!file.equals("kquants.gguf")) {
                            assertArrayEquals(golden.get(n).data().toArray(ValueLayout.JAVA_BYTE), t.data().toArray(ValueLayout.JAVA_BYTE), n);
                        }
                        continue;
                    }
                    assertEquals(e.get("type").asText(), t.dtype().name(), n);
                    assertEquals(e.get("shape").get(0).asLong(), t.shape()[0], n);
                    assertEquals(e.get("shape").get(1).asLong(), t.shape()[1], n);
                    assertEquals(e.get("raw_sha256").asText(), sha256(t), file + " " + n);
                    checked++;
                }
            }
        }
        assertEquals(2 * 15 + 5, checked);
    }

    @Test
    void configFromMetadataMatchesTheGoldenConfigIncludingLlama3RopeScaling() {
        try (GgufFile g = GgufFile.open(fixture("tiny_llama_q8_0.gguf"))) {
            JsonNode c = ModelJson.mapper().readTree(g.llamaConfigJson());
            JsonNode want = ModelJson.read(Golden.golden("llama/config.json"));
            for (String k : List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                    "head_dim", "max_position_embeddings", "vocab_size", "tie_word_embeddings", "model_type")) {
                assertEquals(want.get(k).asText(), c.get(k).asText(), k);
            }
            assertEquals(want.get("rms_norm_eps").asDouble(), c.get("rms_norm_eps").asDouble(), 0.0);
            assertEquals(want.get("rope_theta").asDouble(), c.get("rope_theta").asDouble(), 0.0);
            JsonNode rs = c.get("rope_scaling");
            assertEquals("llama3", rs.get("rope_type").asText());
            for (String k : List.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings")) {
                assertEquals(want.get("rope_scaling").get(k).asDouble(), rs.get(k).asDouble(), 0.0, k);
            }
            float[] freqs = g.ropeFreqs().orElseThrow();
            assertEquals(8, freqs.length);
            assertFalse(g.names().contains("rope_freqs.weight"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tokenizerMetadataBecomesTheTokenizerJsonTree() throws Exception {
        try (GgufFile g = GgufFile.open(fixture("tiny_llama_bf16.gguf"))) {
            JsonNode got = ModelJson.mapper().readTree(g.tokenizerJson().toString());
            assertEquals(expected().get("tokenizer_json"), got);
        }
        try (GgufFile g = GgufFile.open(fixture("tiny_llama_q8_0.gguf"))) {
            // the tokenizer API encodes as Hugging Face tokenizers did on the same tree (ids recorded by the fixture script)
            JsonNode sample = expected().get("tokenizer_sample");
            ai.maya1.tokenizer.HfTokenizer tok = ai.maya1.tokenizer.HfTokenizer.fromJson(g.tokenizerJson(), g.path().toString());
            int[] want = new int[sample.get("ids").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = sample.get("ids").get(i).asInt();
            }
            assertArrayEquals(want, tok.encodeTrusted(sample.get("text").asText(), true));  // trusted: special tokens in the text count, as in tokenizers
            assertEquals(300, tok.vocabSize());
        }
        try (GgufFile g = GgufFile.open(fixture("kquants.gguf"))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, g::tokenizerJson);
            assertTrue(e.getMessage().contains("embeds no tokenizer"), e.getMessage());
        }
    }

    @Test
    void llamaCppNamesMapToHuggingFaceNames() {
        assertEquals("model.layers.27.mlp.down_proj.weight", GgufFile.hfName("blk.27.ffn_down.weight"));
        assertEquals("model.layers.3.self_attn.o_proj.weight", GgufFile.hfName("blk.3.attn_output.weight"));
        assertEquals("lm_head.weight", GgufFile.hfName("output.weight"));
        assertEquals("something.else", GgufFile.hfName("something.else"));
    }

    private ModelFormatException fails(byte[] b) throws Exception {
        Path f = Files.write(Files.createTempFile(dir, "h", ".gguf"), b);
        return assertThrows(ModelFormatException.class, () -> GgufFile.open(f).close());
    }

    @Test
    void hostileFilesAreRefusedNamingTheProblem() throws Exception {
        byte[] data = new byte[64];
        // unsupported type Q4_1 (3), listing the supported ones
        ModelFormatException e = fails(new GgufBytes().header(3, 1, 0).tensor("blk.0.attn_q.weight", 3, 0, 32, 2).padTo(32).bytes(data).toBytes());
        assertTrue(e.getMessage().contains("unsupported tensor type Q4_1 (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K)"), e.getMessage());
        assertEquals("blk.0.attn_q.weight", e.item());
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 99, 0, 4).padTo(32).bytes(data).toBytes()).getMessage().contains("id 99"));
        assertTrue(fails(new GgufBytes().header(1, 0, 0).toBytes()).getMessage().contains("unsupported GGUF version 1"));
        assertTrue(fails(new GgufBytes().header(3, Long.MAX_VALUE, 0).toBytes()).getMessage().contains("absurd"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1L << 40).toBytes()).getMessage().contains("absurd"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(8).u64(1L << 50).toBytes()).getMessage().contains("string length"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(9).u32(9).u64(1).u32(9).u64(1).u32(9).u64(1).u32(4).u64(1).u32(1).toBytes())
                .getMessage().contains("nested deeper"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(9).u32(4).u64(1L << 40).toBytes()).getMessage().contains("absurd"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(77).bytes(new byte[16]).toBytes()).getMessage().contains("unknown metadata value type 77"));
        assertTrue(fails(new GgufBytes().header(3, 0, 2).kvU32("a", 1).kvU32("a", 2).toBytes()).getMessage().contains("duplicate metadata key"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).kvU32("general.alignment", 24).toBytes()).getMessage().contains("power of two"));
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 0, 0, 1, 1, 1, 1, 1).padTo(32).bytes(data).toBytes()).getMessage().contains("dimensions"));
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 0, 4, 4).padTo(32).bytes(data).toBytes()).getMessage().contains("alignment"));
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 0, 0, 1000).padTo(32).bytes(data).toBytes()).getMessage().contains("past the end"));
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 8, 0, 16).padTo(32).bytes(data).toBytes()).getMessage().contains("block size 32"));
        assertTrue(fails(new GgufBytes().header(3, 1, 0).tensor("x", 0, 0, 1L << 32, 1L << 32).padTo(32).bytes(data).toBytes()).getMessage().contains("overflow"));
        assertTrue(fails(new GgufBytes().header(3, 2, 0).tensor("x", 0, 0, 8).tensor("y", 0, 0, 8).padTo(32).bytes(data).toBytes()).getMessage().contains("overlaps"));
        assertTrue(fails(new GgufBytes().header(3, 2, 0).tensor("x", 0, 0, 8).tensor("x", 0, 32, 8).padTo(32).bytes(data).toBytes()).getMessage().contains("duplicate tensor"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(7).bytes(new byte[] {5}).toBytes()).getMessage().contains("BOOL"));
        assertTrue(fails(new GgufBytes().header(3, 0, 1).str("k").u32(8).u64(2).bytes(new byte[] {(byte) 0xC3, 0x28}).toBytes()).getMessage().contains("UTF-8"));
        ModelFormatException trunc = fails(java.util.Arrays.copyOf(Files.readAllBytes(fixture("kquants.gguf")), 500));
        assertTrue(trunc.getMessage().contains("file ends inside") || trunc.getMessage().contains("past the end"), trunc.getMessage());
        // llama q/k rows must split into heads
        ModelFormatException heads = fails(new GgufBytes().header(3, 1, 2).kvString("general.architecture", "llama").kvU32("llama.attention.head_count", 3)
                .tensor("blk.0.attn_q.weight", 0, 0, 4, 4).padTo(32).bytes(data).toBytes());
        assertTrue(heads.getMessage().contains("permutation"), heads.getMessage());
    }

    /** Byte flips in the header region of a real fixture: open (and reading everything) succeeds or throws ModelFormatException. */
    @Property(tries = 1200)
    void fuzzedHeadersFailCleanly(@ForAll @IntRange(min = 0, max = 1 << 20) int seed) throws Exception {
        byte[] base = FUZZ_BASE;
        java.util.Random r = new java.util.Random(seed);
        byte[] b = base.clone();
        int headerEnd = 2600;
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            int p = r.nextInt(headerEnd);
            b[p] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (b[p] ^ (1 << r.nextInt(8)));
        }
        if (r.nextInt(8) == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        }
        Path f = Files.write(Files.createTempFile("maya1-fz", ".gguf"), b);
        try (GgufFile g = GgufFile.open(f)) {
            for (String n : g.names()) {
                assertTrue(g.get(n).data().byteSize() >= 0);
            }
            try {
                g.llamaConfigJson();
                g.tokenizerJson();
            } catch (ModelFormatException ignored) {
                // metadata may be damaged in ways only these conversions notice
            }
        } catch (ModelFormatException expected) {
            assertTrue(expected.getMessage().contains(f.toString()));
        } finally {
            Files.delete(f);
        }
    }

    private static final byte[] FUZZ_BASE;

    static {
        try {
            FUZZ_BASE = Files.readAllBytes(fixture("kquants.gguf"));
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
