package ai.maya1.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * One {@code .safetensors} file, memory-mapped with the FFM API (zero copy).
 *
 * <p>Opening applies the format's hostile-input rules before any tensor is handed out: the header length is
 * capped and must lie inside the file, the header is strict UTF-8 JSON (no duplicate keys), every dtype is
 * known, every shape is non-negative and its byte size (checked for overflow) equals the declared range, ranges
 * lie inside the data section and neither overlap nor leave gaps. Only the header is read; tensor bytes are
 * paged in when first touched.
 */
public final class SafetensorsFile implements TensorSource {
    /** Same cap as the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength((int) MAX_HEADER_BYTES).maxNumberLength(64).build());
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final Map<String, TensorData> tensors;
    private final Map<String, String> metadata;
    private final long dataStart;
    private volatile boolean closed;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapped, Map<String, TensorData> tensors,
                            Map<String, String> metadata, long dataStart) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.tensors = tensors;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    /** Opens and validates {@code path}; throws {@link ModelFormatException} naming what is wrong. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(path, null, 0, "file too short for a safetensors header (" + size + " bytes)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new ModelFormatException(path, null, 0, "safetensors header length " + Long.toUnsignedString(headerLen)
                        + " is outside 2.." + MAX_HEADER_BYTES);
            }
            if (8 + headerLen > size) {
                throw new ModelFormatException(path, null, 0, "safetensors header length " + headerLen
                        + " runs past the end of the file (" + size + " bytes)");
            }
            byte[] headerBytes = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            String headerText;
            try {
                headerText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(headerBytes)).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(path, null, 8, "safetensors header is not valid UTF-8");
            }
            if (headerText.isEmpty() || headerText.charAt(0) != '{') {
                throw new ModelFormatException(path, null, 8, "safetensors header does not start with '{'");
            }
            JsonNode root;
            try {
                root = JSON.readTree(headerText);
            } catch (IOException e) {
                throw new ModelFormatException(path, null, 8, "safetensors header is not valid JSON: " + firstLine(e.getMessage()));
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(path, null, 8, "safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            record Entry(String name, DType dtype, long[] shape, long begin, long end) {
            }
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode v = e.getValue();
                if (name.equals("__metadata__")) {
                    if (!v.isObject()) {
                        throw new ModelFormatException(path, "__metadata__", 8, "__metadata__ must be an object of strings");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> mi = v.properties().iterator(); mi.hasNext(); ) {
                        Map.Entry<String, JsonNode> m = mi.next();
                        if (!m.getValue().isTextual()) {
                            throw new ModelFormatException(path, "__metadata__." + m.getKey(), 8, "metadata values must be strings");
                        }
                        metadata.put(m.getKey(), m.getValue().asText());
                    }
                    continue;
                }
                if (!v.isObject()) {
                    throw new ModelFormatException(path, name, 8, "tensor entry is not an object");
                }
                JsonNode dt = v.get("dtype");
                JsonNode sh = v.get("shape");
                JsonNode off = v.get("data_offsets");
                if (dt == null || !dt.isTextual()) {
                    throw new ModelFormatException(path, name, 8, "tensor has no string dtype");
                }
                DType dtype = parseDtype(path, name, dt.asText());
                if (sh == null || !sh.isArray()) {
                    throw new ModelFormatException(path, name, 8, "tensor has no shape array");
                }
                if (sh.size() > 16) {
                    throw new ModelFormatException(path, name, 8, "tensor rank " + sh.size() + " exceeds 16");
                }
                long[] shape = new long[sh.size()];
                long elements = 1;
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = sh.get(i);
                    if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
                        throw new ModelFormatException(path, name, 8, "shape dimension " + i + " is not a non-negative integer: " + d);
                    }
                    shape[i] = d.asLong();
                    try {
                        elements = Math.multiplyExact(elements, shape[i]);
                    } catch (ArithmeticException ex) {
                        throw new ModelFormatException(path, name, 8, "shape " + sh + " overflows the element count");
                    }
                }
                if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToExactIntegral()
                        || !off.get(1).canConvertToExactIntegral() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
                    throw new ModelFormatException(path, name, 8, "data_offsets must be [begin, end] integers");
                }
                long begin = off.get(0).asLong();
                long end = off.get(1).asLong();
                if (begin < 0 || end < begin || end > dataLen) {
                    throw new ModelFormatException(path, name, dataStart + Math.max(0, begin), "data_offsets [" + begin + ", " + end
                            + "] lie outside the data section of " + dataLen + " bytes");
                }
                long expected = dtype.byteSize(elements);
                if (expected < 0 || expected != end - begin) {
                    throw new ModelFormatException(path, name, dataStart + begin, "byte size " + (end - begin) + " != shape "
                            + sh + " x " + dtype + " (" + (expected < 0 ? "overflow" : expected + " bytes") + ")");
                }
                entries.add(new Entry(name, dtype, shape, begin, end));
            }
            // ranges must tile the data section exactly: no overlap, no gap, nothing trailing
            List<Entry> byOffset = new ArrayList<>(entries);
            byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long cursor = 0;
            for (Entry e : byOffset) {
                if (e.begin() != cursor) {
                    throw new ModelFormatException(path, e.name(), dataStart + e.begin(), e.begin() < cursor
                            ? "tensor data overlaps the previous tensor (ends at " + cursor + ")"
                            : "gap of " + (e.begin() - cursor) + " bytes before this tensor");
                }
                cursor = e.end();
            }
            if (cursor != dataLen) {
                throw new ModelFormatException(path, null, dataStart + cursor, (dataLen - cursor) + " trailing bytes after the last tensor");
            }
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name(), new TensorData(e.name(), e.dtype(), e.shape(), seg.asSlice(dataStart + e.begin(), e.end() - e.begin())));
            }
            return new SafetensorsFile(path, arena, seg, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata), dataStart);
        } catch (ModelFormatException e) {
            arena.close();
            throw e;
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read safetensors file: " + e, e);
        }
    }

    static DType parseDtype(Path path, String name, String s) {
        return switch (s) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "F64" -> DType.F64;
            case "I8" -> DType.I8;
            case "U8" -> DType.U8;
            case "I16" -> DType.I16;
            case "I32" -> DType.I32;
            case "I64" -> DType.I64;
            case "BOOL" -> DType.BOOL;
            default -> throw new ModelFormatException(path, name, 8, "unsupported dtype '" + s
                    + "' (supported: F32, F16, BF16, F64, I8, U8, I16, I32, I64, BOOL)");
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(tensors.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        ensureOpen();
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String formatName() {
        return "safetensors";
    }

    /** Offset of the first data byte (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    /** The whole mapped file. */
    public MemorySegment segment() {
        return mapped;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("safetensors file is closed: " + path);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
