package ai.maya1.weights.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchCheckpointTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Paths.get(PyTorchCheckpointTest.class.getResource("/fixtures/pytorch/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void torchSaveFilesLoadTheGoldenTensorsBitExactlyInBothSnacNamingsAndBothFormats() {
        JsonNode files = ModelJson.read(fixture("pytorch_expected.json")).get("files");
        int checked = 0;
        for (String file : List.of("snac_new_names.pt", "snac_legacy_names.pt", "snac_legacy_format.bin", "llama_bf16.pt")) {
            JsonNode e = files.get(file);
            try (TensorSource src = TensorSources.open(fixture(file));
                 SafetensorsFile golden = SafetensorsFile.open(Golden.golden(e.get("golden").asText()))) {
                assertEquals(file.endsWith(".bin") ? "pytorch legacy" : "pytorch zip", src.formatName());
                List<String> names = new ArrayList<>();
                e.get("names").forEach(n -> names.add(n.asText()));
                assertEquals(names, List.copyOf(src.names()), file);
                for (String n : names) {
                    TensorData want = golden.get(n);
                    TensorData got = src.get(n);
                    assertEquals(want.dtype(), got.dtype(), n);
                    assertArrayEquals(want.shape(), got.shape(), n);
                    assertArrayEquals(want.data().toArray(ValueLayout.JAVA_BYTE), got.data().toArray(ValueLayout.JAVA_BYTE), file + " " + n);
                    checked++;
                }
            }
        }
        assertTrue(checked > 400, "checked " + checked);
        try (TensorSource s = TensorSources.open(fixture("snac_new_names.pt"))) {
            assertTrue(s.names().stream().anyMatch(n -> n.endsWith("parametrizations.weight.original0")));
        }
        try (TensorSource s = TensorSources.open(fixture("snac_legacy_names.pt"))) {
            assertTrue(s.names().stream().anyMatch(n -> n.endsWith(".weight_g")));
        }
    }

    @Test
    void storageViewsHalfPrecisionAndScalars() {
        try (TensorSource s = TensorSources.open(fixture("llama_f16_views.pt"));
             SafetensorsFile golden = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            TensorData emb = s.get("embed_f16");
            assertEquals(DType.F16, emb.dtype());
            float[] want = golden.get("model.embed_tokens.weight").toFloatArray();
            float[] got = emb.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(want[i])), got[i], 0.0f);
            }
            TensorData rows = s.get("embed_rows_10_to_20");
            assertArrayEquals(new long[] {10, 64}, rows.shape());
            assertEquals(emb.data().asSlice(10 * 64 * 2, 10 * 64 * 2).toArray(ValueLayout.JAVA_BYTE).length, rows.data().byteSize());
            assertArrayEquals(emb.data().asSlice(10 * 64 * 2, 10 * 64 * 2).toArray(ValueLayout.JAVA_BYTE), rows.data().toArray(ValueLayout.JAVA_BYTE));
            TensorData step = s.get("step");
            assertEquals(DType.I64, step.dtype());
            assertEquals(0, step.rank());
            assertEquals(7L, step.data().get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }

    @Test
    void nonContiguousTensorIsRefusedByName() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TensorSources.open(fixture("noncontiguous.pt")));
        assertEquals("transposed", e.item());
        assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
    }

    // ---- hostile archives, built here ----

    static byte[] zip(Map<String, byte[]> entries, boolean stored) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (stored) {
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    CRC32 c = new CRC32();
                    c.update(e.getValue());
                    ze.setCrc(c.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    /** A protocol-2 pickle: GLOBAL module name, EMPTY_TUPLE... the classic os.system payload. */
    static byte[] pickleCalling(String module, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(2);
        b.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes("X\u0005\u0000\u0000\u0000touch".getBytes(StandardCharsets.ISO_8859_1));
        b.write(0x85);
        b.write('R');
        b.write('.');
        return b.toByteArray();
    }

    private ModelFormatException fails(String name, byte[] bytes) throws Exception {
        Path f = Files.write(dir.resolve(name), bytes);
        return assertThrows(ModelFormatException.class, () -> TensorSources.open(f).close());
    }

    @Test
    void unknownGlobalsAreRefusedNamingTheGlobalAndNothingRuns() throws Exception {
        ModelFormatException e = fails("evil.pt", zip(Map.of("archive/data.pkl", pickleCalling("posix", "system")), true));
        assertTrue(e.getMessage().contains("unsupported pickle global 'posix.system'"), e.getMessage());
        assertEquals("posix.system", e.item());
        e = fails("evil2.pt", zip(Map.of("archive/data.pkl", pickleCalling("builtins", "eval")), false));
        assertTrue(e.getMessage().contains("'builtins.eval'"), e.getMessage());
        e = fails("evil3.pt", zip(Map.of("archive/data.pkl", pickleCalling("torch", "load")), true));
        assertTrue(e.getMessage().contains("'torch.load'"), e.getMessage());
    }

    @Test
    void zipPathTraversalAndBrokenArchivesAreRefused() throws Exception {
        byte[] ok = Files.readAllBytes(fixture("noncontiguous.pt"));
        for (String bad : List.of("../archive/data.pkl", "/etc/data.pkl", "archive/../../data.pkl", "C:/x/data.pkl", "a\\..\\data.pkl")) {
            ModelFormatException e = fails("trav.pt", zip(Map.of(bad, pickleCalling("collections", "OrderedDict")), true));
            assertTrue(e.getMessage().contains("path traversal refused"), bad + ": " + e.getMessage());
        }
        assertTrue(fails("nopkl.pt", zip(Map.of("archive/other", new byte[4]), true)).getMessage().contains("no <name>/data.pkl"));
        ModelFormatException t = fails("trunc.pt", java.util.Arrays.copyOf(ok, ok.length - 30));
        assertTrue(t.getMessage().contains("end-of-central-directory") || t.getMessage().contains("zip"), t.getMessage());
        // a storage record that is missing
        byte[] pkl = null;
        try (var zf = new java.util.zip.ZipFile(fixture("llama_f16_views.pt").toFile())) {
            var en = zf.stream().filter(z -> z.getName().endsWith("data.pkl")).findFirst().orElseThrow();
            pkl = zf.getInputStream(en).readAllBytes();
        }
        ModelFormatException m = fails("missing.pt", zip(Map.of("archive/data.pkl", pkl), true));
        assertTrue(m.getMessage().contains("storage record archive/data/0 is missing"), m.getMessage());
        // storage record smaller than the pickle says
        ModelFormatException s = fails("short.pt", zip(new java.util.LinkedHashMap<>(Map.of("archive/data.pkl", pkl, "archive/data/0", new byte[10],
                "archive/data/1", new byte[256])), true));
        assertTrue(s.getMessage().contains("needs"), s.getMessage());
        // compressed storages are refused (torch stores them)
        ModelFormatException c = fails("deflated.pt", zip(Map.of("archive/data.pkl", pkl, "archive/data/0", new byte[38400], "archive/data/1", new byte[256]), false));
        assertTrue(c.getMessage().contains("compressed"), c.getMessage());
    }

    @Test
    void zip64ArchivesAreRead() throws Exception {
        // more than 65535 entries forces zip64 end records; the storages are the real torch.save ones
        java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (var zf = new java.util.zip.ZipFile(fixture("llama_f16_views.pt").toFile())) {
            for (var e : java.util.Collections.list(zf.entries())) {
                entries.put("archive/" + e.getName().substring(e.getName().indexOf('/') + 1), zf.getInputStream(e).readAllBytes());
            }
        }
        for (int i = 0; i < 65_600; i++) {
            entries.put("archive/pad/" + i, new byte[0]);
        }
        byte[] bytes = zip(entries, true);
        java.nio.ByteBuffer tail = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean zip64 = false;
        for (int i = bytes.length - 22 - 20 - 56; i >= Math.max(0, bytes.length - 200) && !zip64; i--) {
            zip64 = tail.getInt(i) == 0x06064b50;
        }
        assertTrue(zip64, "the archive has a zip64 end record");
        Path f = Files.write(dir.resolve("zip64.pt"), bytes);
        try (TensorSource z = TensorSources.open(f); TensorSource ref = TensorSources.open(fixture("llama_f16_views.pt"))) {
            assertEquals(ref.names(), z.names());
            for (String n : ref.names()) {
                assertArrayEquals(ref.get(n).data().toArray(ValueLayout.JAVA_BYTE), z.get(n).data().toArray(ValueLayout.JAVA_BYTE), n);
            }
        }
    }

    private static final byte[][] FUZZ_BASES;

    static {
        try {
            byte[] legacy = Files.readAllBytes(fixture("snac_legacy_format.bin"));
            FUZZ_BASES = new byte[][] {Files.readAllBytes(fixture("llama_f16_views.pt")), Files.readAllBytes(fixture("noncontiguous.pt")),
                    java.util.Arrays.copyOf(legacy, legacy.length)};
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Byte flips in pickles, zip headers and directory: open succeeds or throws ModelFormatException. */
    @Property(tries = 800)
    void fuzzedCheckpointsFailCleanly(@ForAll @IntRange(min = 0, max = 1 << 20) int seed) throws Exception {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = FUZZ_BASES[r.nextInt(FUZZ_BASES.length)].clone();
        int region = r.nextInt(3);
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            int p = switch (region) {
                case 0 -> r.nextInt(Math.min(b.length, 1200));            // local header + data.pkl
                case 1 -> b.length - 1 - r.nextInt(Math.min(b.length, 700)); // central directory
                default -> r.nextInt(b.length);
            };
            b[p] = (byte) r.nextInt(256);
        }
        Path f = Files.write(Files.createTempFile("maya1-fz", ".pt"), b);
        try (TensorSource s = ai.maya1.weights.pytorch.PyTorchCheckpoint.open(f)) {
            for (String n : s.names()) {
                assertTrue(s.get(n).data().byteSize() >= 0);
            }
        } catch (ModelFormatException expected) {
            assertTrue(expected.getMessage().contains(f.toString()));
        } finally {
            Files.delete(f);
        }
    }
}
