package ai.maya1.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.testing.Golden;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsHostileTest {
    @TempDir
    Path dir;

    private ModelFormatException fails(String header, int dataBytes) {
        Path f = SafetensorsBytes.file(dir, "t.safetensors", SafetensorsBytes.raw(header, new byte[dataBytes]));
        return assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(f).close());
    }

    @Test
    void lyingHeadersAreRefusedWithFileTensorAndOffset() {
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12).getMessage().contains("byte size 12 != shape"));
        ModelFormatException e = fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4);
        assertEquals("a", e.item());
        assertTrue(e.getMessage().contains("outside the data section"), e.getMessage());
        assertTrue(fails("{\"a\":{\"dtype\":\"Q9\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8).getMessage().contains("unsupported dtype 'Q9'"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8).getMessage().contains("non-negative"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8).getMessage().contains("overflow"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8)
                .getMessage().contains("not valid JSON"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)
                .getMessage().contains("overlaps"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12).getMessage().contains("gap of 4 bytes"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16).getMessage().contains("trailing"));
        assertTrue(fails("[1,2]", 0).getMessage().contains("does not start with '{'"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", 8).getMessage().contains("not valid JSON"));
        assertTrue(fails("{\"__metadata__\":{\"k\":1}}", 0).getMessage().contains("metadata values must be strings"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8).getMessage().contains("data_offsets"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8).getMessage().contains("dimension 0"));
        assertTrue(fails("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":" + "[".repeat(100) + "]".repeat(100) + "}}", 8)
                .getMessage().contains("JSON"));
    }

    @Test
    void headerLengthIsCappedAndMustFitTheFile() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).put("{}      ".getBytes());
        Path f = Files.write(dir.resolve("huge"), b.array());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(f));
        assertTrue(e.getMessage().contains("header length 18446744073709551615 is outside"), e.getMessage());
        assertEquals(0, e.offset());
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes());
        Path g = Files.write(dir.resolve("past"), b.array());
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(g)).getMessage().contains("runs past the end"));
        Path h = Files.write(dir.resolve("short"), new byte[3]);
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(h)).getMessage().contains("too short"));
        byte[] bad = SafetensorsBytes.raw("{\"k\":\"\u00e9\"}", new byte[0]);
        bad[15] = (byte) 0x28;  // é is C3 A9 at 14..15: C3 28 is malformed
        Path u = Files.write(dir.resolve("utf"), bad);
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(u)).getMessage().contains("UTF-8"));
    }

    @Test
    void roundTripsTheGoldenFileBitExactly() {
        try (SafetensorsFile g = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            Path f = SafetensorsBytes.file(dir, "copy.safetensors", SafetensorsBytes.write(SafetensorsBytes.all(g), g.metadata()));
            try (SafetensorsFile c = SafetensorsFile.open(f)) {
                assertEquals(g.names(), c.names());
                for (String n : g.names()) {
                    assertArrayEquals(g.get(n).data().toArray(ValueLayout.JAVA_BYTE), c.get(n).data().toArray(ValueLayout.JAVA_BYTE), n);
                }
            }
        }
    }

    @Test
    void closeTwiceIsSafeAndUseAfterCloseIsRefused() {
        SafetensorsFile g = SafetensorsFile.open(Golden.golden("llama/model.safetensors"));
        g.close();
        g.close();
        assertThrows(IllegalStateException.class, () -> g.find("model.norm.weight"));
    }

    private static final byte[] VALID = SafetensorsBytes.raw(
            "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                    + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}", new byte[22]);

    /** Random byte flips, truncations and splices of a valid file: open succeeds or throws ModelFormatException. */
    @Property(tries = 1500)
    void fuzzedFilesFailCleanly(@ForAll @IntRange(min = 0, max = 1 << 20) int seed) throws Exception {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = VALID.clone();
        int kind = r.nextInt(4);
        if (kind == 0) {
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
        } else if (kind == 1) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        } else if (kind == 2) {
            int p = 8 + r.nextInt(b.length - 8);
            b[p] = (byte) "{}[]\",:0123456789-e.".charAt(r.nextInt(20));
        } else {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, r.nextLong() >>> r.nextInt(64));
        }
        Path f = Files.write(Files.createTempFile("maya1-fz", ".st"), b);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            for (String n : s.names()) {
                assertTrue(s.get(n).data().byteSize() >= 0);
            }
        } catch (ModelFormatException expected) {
            assertTrue(expected.getMessage().contains(f.toString()));
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void shardedIndexLoadsBitExactlyAndRefusesTraversalAndMismatches() throws Exception {
        Map<String, TensorData> a = new LinkedHashMap<>();
        Map<String, TensorData> b = new LinkedHashMap<>();
        try (SafetensorsFile g = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            List<String> names = List.copyOf(g.names());
            StringBuilder wm = new StringBuilder("{\"metadata\":{\"total_size\":473344},\"weight_map\":{");
            for (int i = 0; i < names.size(); i++) {
                String shard = i < 7 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (i < 7 ? a : b).put(names.get(i), g.get(names.get(i)));
                wm.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":\"").append(shard).append('"');
            }
            wm.append("}}");
            SafetensorsBytes.file(dir, "model-00001-of-00002.safetensors", SafetensorsBytes.write(a, Map.of()));
            SafetensorsBytes.file(dir, "model-00002-of-00002.safetensors", SafetensorsBytes.write(b, Map.of()));
            Files.writeString(dir.resolve("model.safetensors.index.json"), wm);
            try (TensorSource s = TensorSources.open(dir)) {
                assertTrue(s instanceof ShardedSafetensors);
                assertEquals(g.names(), s.names());
                for (String n : names) {
                    assertArrayEquals(g.get(n).data().toArray(ValueLayout.JAVA_BYTE), s.get(n).data().toArray(ValueLayout.JAVA_BYTE), n);
                }
            }
            String first = names.getFirst();
            Files.writeString(dir.resolve("evil.json"), "{\"weight_map\":{\"" + first + "\":\"../model-00001-of-00002.safetensors\"}}");
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> TensorSources.open(dir.resolve("evil.json")));
            assertTrue(e.getMessage().contains("not a plain file name"), e.getMessage());
            Files.writeString(dir.resolve("partial.json"), "{\"weight_map\":{\"" + first + "\":\"model-00001-of-00002.safetensors\"}}");
            e = assertThrows(ModelFormatException.class, () -> TensorSources.open(dir.resolve("partial.json")));
            assertTrue(e.getMessage().contains("is not listed in partial.json"), e.getMessage());
            Files.writeString(dir.resolve("wrong.json"), wm.toString().replace("\"" + first + "\":\"model-00001", "\"" + first + "\":\"model-00002"));
            e = assertThrows(ModelFormatException.class, () -> TensorSources.open(dir.resolve("wrong.json")));
            assertTrue(e.getMessage().contains("missing from its shard"), e.getMessage());
        }
    }

    @Test
    void formatIsDetectedFromContentNotName() throws Exception {
        Path f = Files.copy(Golden.golden("llama/model.safetensors"), dir.resolve("weights.gguf"));
        assertEquals(TensorSources.FileKind.SAFETENSORS, TensorSources.detect(f));
        try (TensorSource s = TensorSources.open(f)) {
            assertEquals("safetensors", s.formatName());
        }
        assertEquals(TensorSources.FileKind.CONFIG_JSON, TensorSources.detect(Golden.golden("llama/config.json")));
        Path junk = Files.write(dir.resolve("model.safetensors.bin"), "hello world, not a model".getBytes());
        assertThrows(ModelFormatException.class, () -> TensorSources.open(junk));
    }
}
