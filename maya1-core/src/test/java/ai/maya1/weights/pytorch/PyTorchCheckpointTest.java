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
    void aTransposedTensorSavedAsIsReadsAsTheTransposeOfItsGoldenTensor() {
        try (TensorSource s = TensorSources.open(fixture("noncontiguous.pt"));
             SafetensorsFile golden = SafetensorsFile.open(Golden.golden("llama/model.safetensors"))) {
            TensorData k = golden.get("model.layers.0.self_attn.k_proj.weight");
            TensorData t = s.get("transposed");
            int rows = (int) k.dim(0);
            int cols = (int) k.dim(1);
            assertArrayEquals(new long[] {cols, rows}, t.shape());
            float[] want = k.toFloatArray();
            float[] got = t.toFloatArray();
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < rows; j++) {
                    assertEquals(want[j * cols + i], got[i * rows + j], 0.0f, "transposed[" + i + "][" + j + "]");
                }
            }
            assertTrue(s.get("transposed") == t || s.get("transposed").data().equals(t.data()), "copied once, on first access");
        }
    }

    static DType dtypeOfTorch(String torchName) {
        return switch (torchName) {
            case "float32" -> DType.F32;
            case "float16" -> DType.F16;
            case "bfloat16" -> DType.BF16;
            case "int64" -> DType.I64;
            default -> throw new IllegalArgumentException(torchName);
        };
    }

    @Test
    void stridedViewsReadExactlyAsTorchLoadReadsThemInBothFormats() {
        JsonNode files = ModelJson.read(fixture("strided_expected.json")).get("files");
        int strided = 0;
        for (String file : List.of("strided_views.pt", "strided_views_legacy.bin")) {
            JsonNode expected = files.get(file);
            try (TensorSource s = TensorSources.open(fixture(file))) {
                List<String> names = new ArrayList<>();
                expected.fieldNames().forEachRemaining(names::add);
                assertEquals(names, List.copyOf(s.names()), file);
                for (String n : names) {
                    JsonNode e = expected.get(n);
                    TensorData t = s.get(n);
                    long[] shape = new long[e.get("shape").size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = e.get("shape").get(i).asLong();
                    }
                    assertEquals(dtypeOfTorch(e.get("dtype").asText()), t.dtype(), file + " " + n);
                    assertArrayEquals(shape, t.shape(), file + " " + n);
                    assertEquals(e.get("hex").asText(), java.util.HexFormat.of().formatHex(t.data().toArray(ValueLayout.JAVA_BYTE)), file + " " + n);
                    strided++;
                }
            }
        }
        assertEquals(22, strided);
    }

    @Test
    void aViewThatTorchLoadRefusesAsOutOfBoundsIsRefusedNamingTheTensor() {
        JsonNode oob = ModelJson.read(fixture("strided_expected.json")).get("out_of_bounds");
        assertTrue(oob.get("torch_error").asText().contains("storage"), "torch.load refused it: " + oob.get("torch_error"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TensorSources.open(fixture(oob.get("file").asText())).close());
        assertEquals(oob.get("tensor").asText(), e.item());
        assertTrue(e.getMessage().contains("size [8, 6], stride [1, 8], storage offset 1) reaches element 48 of its storage of 48 elements"),
                e.getMessage());
    }

    /**
     * A protocol-2 pickle of {@code {name: _rebuild_tensor_v2(FloatStorage '0' of storageNumel, offset, size, stride)}},
     * as torch.save writes it, but with any layout, including ones torch itself would never save.
     */
    static byte[] tensorPickle(String name, long storageNumel, long offset, long[] size, long[] stride) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(2);
        b.write('}');
        unicode(b, name);
        b.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n".getBytes(StandardCharsets.US_ASCII));
        b.write('(');
        b.write('(');
        unicode(b, "storage");
        b.writeBytes("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        unicode(b, "0");
        unicode(b, "cpu");
        long1(b, storageNumel);
        b.write('t');
        b.write('Q');
        long1(b, offset);
        b.write('(');
        for (long d : size) {
            long1(b, d);
        }
        b.write('t');
        b.write('(');
        for (long d : stride) {
            long1(b, d);
        }
        b.write('t');
        b.write(0x89);
        b.writeBytes("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
        b.write(')');
        b.write('R');
        b.write('t');
        b.write('R');
        b.write('s');
        b.write('.');
        return b.toByteArray();
    }

    private static void unicode(ByteArrayOutputStream b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write('X');
        b.writeBytes(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(u.length).array());
        b.writeBytes(u);
    }

    private static void long1(ByteArrayOutputStream b, long v) {
        b.write(0x8a);
        b.write(8);
        b.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** A zip checkpoint of one float tensor view over a storage holding 0, 1, 2, ... */
    static byte[] viewCheckpoint(long storageNumel, long offset, long[] size, long[] stride) throws Exception {
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate((int) storageNumel * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < storageNumel; i++) {
            data.putFloat(i);
        }
        return zip(new java.util.LinkedHashMap<>(Map.of("archive/data.pkl", tensorPickle("w", storageNumel, offset, size, stride),
                "archive/data/0", data.array())), true);
    }

    @Test
    void aStridedViewReachingPastItsStorageIsRefusedNamingTheTensor() throws Exception {
        // the last element of a [3, 4] view with stride (5, 2) is storage[10 + 2*5 + 3*2] = storage[26]: 26 elements are too few
        ModelFormatException e = fails("oob.pt", viewCheckpoint(26, 10, new long[] {3, 4}, new long[] {5, 2}));
        assertEquals("w", e.item());
        assertTrue(e.getMessage().contains("reaches element 26 of its storage of 26 elements"), e.getMessage());
        try (TensorSource ok = TensorSources.open(Files.write(dir.resolve("fits.pt"), viewCheckpoint(27, 10, new long[] {3, 4}, new long[] {5, 2})))) {
            assertEquals(26.0f, ok.get("w").toFloatArray()[11], "27 elements suffice");
        }
        e = fails("overflow.pt", viewCheckpoint(16, 0, new long[] {3, 4}, new long[] {Long.MAX_VALUE / 2, 1}));
        assertEquals("w", e.item());
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        // a stride-0 view may repeat elements, but not into more bytes than the whole file holds
        e = fails("expand.pt", viewCheckpoint(4, 0, new long[] {1L << 30, 4}, new long[] {0, 1}));
        assertEquals("w", e.item());
        assertTrue(e.getMessage().contains("more than the file"), e.getMessage());
        e = fails("negative.pt", viewCheckpoint(16, 0, new long[] {4, 4}, new long[] {-4, 1}));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
    }

    /** Any layout torch's set_ accepts reads as storage[offset + sum(i_k * stride_k)]; any other is refused by name. */
    @Property(tries = 300)
    void anyViewReadsAsItsIndexFormulaOrIsRefused(@ForAll @IntRange(min = 1, max = 40) int storageNumel, @ForAll @IntRange(min = 0, max = 12) int offset,
                                                   @ForAll @IntRange(min = 0, max = 3) int rank, @ForAll @IntRange(min = 0, max = 1 << 20) int seed)
            throws Exception {
        java.util.Random r = new java.util.Random(seed);
        long[] size = new long[rank];
        long[] stride = new long[rank];
        for (int i = 0; i < rank; i++) {
            size[i] = r.nextInt(5);
            stride[i] = r.nextInt(9);
        }
        long numel = 1;
        long last = offset;
        for (int i = 0; i < rank; i++) {
            numel *= size[i];
            last += Math.max(size[i] - 1, 0) * stride[i];
        }
        Path f = Files.write(Files.createTempFile("maya1-view", ".pt"), viewCheckpoint(storageNumel, offset, size, stride));
        if (numel > 0 && last >= storageNumel) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> TensorSources.open(f).close());
            Files.delete(f);
            assertEquals("w", e.item(), e.getMessage());
            return;
        }
        try (TensorSource s = TensorSources.open(f)) {
            float[] got = s.get("w").toFloatArray();
            assertEquals(numel, got.length);
            long[] index = new long[rank];
            for (int k = 0; k < numel; k++) {
                long at = offset;
                for (int i = 0; i < rank; i++) {
                    at += index[i] * stride[i];
                }
                assertEquals((float) at, got[k], "element " + k + " of size " + java.util.Arrays.toString(size) + " stride "
                        + java.util.Arrays.toString(stride) + " offset " + offset);
                for (int i = rank - 1; i >= 0; i--) {
                    if (++index[i] < size[i]) {
                        break;
                    }
                    index[i] = 0;
                }
            }
        } finally {
            Files.delete(f);
        }
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
