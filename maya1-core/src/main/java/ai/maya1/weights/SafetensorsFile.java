package ai.maya1.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
    /** Bounds memory for hostile headers; the largest real checkpoints hold a few thousand tensors per file. */
    public static final int MAX_TENSORS = 1 << 20;

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
            if (seg.get(ValueLayout.JAVA_BYTE, 8) != '{') {
                throw new ModelFormatException(path, null, 8, "safetensors header does not start with '{'");
            }
            checkUtf8(path, seg.asSlice(8, headerLen));
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            // streamed straight from the mapping: no copy of the header, no JSON tree, so memory stays a small
            // multiple of the number of tensors even for a hostile 100 MB header
            try (JsonParser p = JSON.createParser(new SegmentInputStream(seg.asSlice(8, headerLen)))) {
                parseHeader(path, p, dataStart, dataLen, metadata, entries);
                if (p.nextToken() != null) {
                    throw new ModelFormatException(path, null, 8 + p.currentLocation().getByteOffset(), "safetensors header has trailing content");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                long at = e.getLocation() == null ? 8 : 8 + Math.max(0, e.getLocation().getByteOffset());
                String why = firstLine(e.getOriginalMessage());
                throw new ModelFormatException(path, null, at, (why.contains("UTF-8") || why.contains("UTF8") ? "safetensors header is not valid UTF-8: "
                        : "safetensors header is not valid JSON: ") + why);
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

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static void parseHeader(Path path, JsonParser p, long dataStart, long dataLen, Map<String, String> metadata, List<Entry> entries)
            throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ModelFormatException(path, null, 8, "safetensors header is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("__metadata__")) {
                if (t != JsonToken.START_OBJECT) {
                    throw new ModelFormatException(path, "__metadata__", 8, "__metadata__ must be an object of strings");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        throw new ModelFormatException(path, "__metadata__." + k, 8, "metadata values must be strings");
                    }
                    metadata.put(k, p.getText());
                }
                continue;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ModelFormatException(path, name, 8, "tensor entry is not an object");
            }
            DType dtype = null;
            long[] shape = null;
            long[] offsets = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "dtype" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            throw new ModelFormatException(path, name, 8, "tensor has no string dtype");
                        }
                        dtype = parseDtype(path, name, p.getText());
                    }
                    case "shape" -> shape = longArray(path, name, p, v, "shape", 16);
                    case "data_offsets" -> offsets = longArray(path, name, p, v, "data_offsets", 2);
                    default -> p.skipChildren();
                }
            }
            if (dtype == null) {
                throw new ModelFormatException(path, name, 8, "tensor has no string dtype");
            }
            if (shape == null) {
                throw new ModelFormatException(path, name, 8, "tensor has no shape array");
            }
            if (offsets == null || offsets.length != 2) {
                throw new ModelFormatException(path, name, 8, "data_offsets must be [begin, end] integers");
            }
            long elements = 1;
            for (long d : shape) {
                try {
                    elements = Math.multiplyExact(elements, d);
                } catch (ArithmeticException ex) {
                    throw new ModelFormatException(path, name, 8, "shape " + java.util.Arrays.toString(shape) + " overflows the element count");
                }
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin || end > dataLen) {
                throw new ModelFormatException(path, name, dataStart + Math.max(0, begin), "data_offsets [" + begin + ", " + end
                        + "] lie outside the data section of " + dataLen + " bytes");
            }
            long expected = dtype.byteSize(elements);
            if (expected < 0 || expected != end - begin) {
                throw new ModelFormatException(path, name, dataStart + begin, "byte size " + (end - begin) + " != shape "
                        + java.util.Arrays.toString(shape) + " x " + dtype + " (" + (expected < 0 ? "overflow" : expected + " bytes") + ")");
            }
            if (entries.size() >= MAX_TENSORS) {
                throw new ModelFormatException(path, name, 8, "more than " + MAX_TENSORS + " tensors");
            }
            entries.add(new Entry(name, dtype, shape, begin, end));
        }
    }

    /** An array of non-negative integers that fit a long; {@code max} caps its length (rank or 2 offsets). */
    private static long[] longArray(Path path, String name, JsonParser p, JsonToken start, String what, int max) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new ModelFormatException(path, name, 8, what.equals("shape") ? "tensor has no shape array" : "data_offsets must be [begin, end] integers");
        }
        long[] out = new long[Math.min(max, 4)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == max) {
                throw new ModelFormatException(path, name, 8, what.equals("shape") ? "tensor rank exceeds " + max : "data_offsets must be [begin, end] integers");
            }
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw new ModelFormatException(path, name, 8, what.equals("shape") ? "shape dimension " + n + " is not a non-negative integer: " + p.getText()
                        : "data_offsets must be [begin, end] non-negative integers, got " + p.getText());
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, Math.min(max, out.length * 2));
            }
            out[n++] = p.getLongValue();
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The whole header must be UTF-8 (as the reference's from_utf8), checked in small chunks without a copy. */
    private static void checkUtf8(Path path, MemorySegment header) {
        java.nio.charset.CharsetDecoder dec = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT).onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = header.asByteBuffer();
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            java.nio.charset.CoderResult r = dec.decode(in, out, true);
            if (r.isError()) {
                throw new ModelFormatException(path, null, 8 + in.position(), "safetensors header is not valid UTF-8");
            }
            out.clear();
            if (r.isUnderflow()) {
                break;
            }
        }
        java.nio.charset.CoderResult r = dec.flush(out);
        if (r.isError()) {
            throw new ModelFormatException(path, null, 8 + header.byteSize(), "safetensors header is not valid UTF-8");
        }
    }

    /** Reads a memory segment as a stream, without copying it first. */
    private static final class SegmentInputStream extends java.io.InputStream {
        private final MemorySegment seg;
        private long pos;

        SegmentInputStream(MemorySegment seg) {
            this.seg = seg;
        }

        @Override
        public int read() {
            return pos < seg.byteSize() ? seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = seg.byteSize() - pos;
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, off, n);
            pos += n;
            return n;
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
