package ai.maya1.weights.gguf;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF file (version 2 or 3) as written by llama.cpp's converters, memory-mapped with the FFM API.
 *
 * <p>Opening parses and validates the header, every metadata key/value and every tensor info: counts are
 * checked against the bytes left in the file before anything is allocated, strings must be UTF-8 and lie
 * inside the file, arrays nest at most {@value #MAX_ARRAY_DEPTH} deep, the alignment is a power of two, every
 * tensor type is supported, dimensions (stored innermost first) give an element count without overflow whose
 * innermost dimension is a whole number of blocks, offsets are aligned and ranges lie inside the file without
 * overlapping. Tensor names are mapped to Hugging Face names ({@code blk.N.attn_q.weight} to
 * {@code model.layers.N.self_attn.q_proj.weight}, ...) and shapes reversed to outermost first.
 *
 * <p>llama.cpp's converter permutes the rows of q/k projections of Llama models so that RoPE can rotate
 * interleaved pairs. {@link #find} undoes that for {@code general.architecture = llama} by moving whole rows
 * (for quantized tensors whole rows of blocks, nothing is dequantized), so the tensors match the Hugging Face
 * checkpoint and its rotate-half RoPE. Only those tensors are copied (lazily, once); everything else is a
 * zero-copy slice of the mapping.
 */
public final class GgufFile implements TensorSource {
    public static final int MAX_ARRAY_DEPTH = 3;
    static final int MAX_KEY_BYTES = 65_535;
    /** Caps on tensor and key/value counts (real files: hundreds to a few thousand) and array lengths (vocabularies: ~256K). */
    static final long MAX_COUNT = 1L << 20;
    static final long MAX_ARRAY = 1L << 24;
    static final int MAX_DIMS = 4;
    static final String ROPE_FREQS = "rope_freqs.weight";

    /** One metadata value type of GGUF. */
    enum ValueType {
        UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(8), ARRAY(12), UINT64(8), INT64(8), FLOAT64(8);

        final int minBytes;

        ValueType(int minBytes) {
            this.minBytes = minBytes;
        }
    }

    /** A tensor as stored: GGUF name, Hugging Face name, type, GGUF dims (innermost first), offset and size. */
    public record TensorInfo(String ggufName, String name, GgmlType type, long[] ggufDims, long fileOffset, long byteSize) {
        /** Shape outermost first (reversed GGUF dims). */
        public long[] shape() {
            long[] s = new long[ggufDims.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = ggufDims[ggufDims.length - 1 - i];
            }
            return s;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int version;
    private final long alignment;
    private final long dataStart;
    private final Map<String, Object> values;
    private final Map<String, ValueType> valueTypes;
    private final Map<String, TensorInfo> tensors;      // by HF name, file order; rope_freqs excluded
    private final TensorInfo ropeFreqs;
    private final Map<String, String> metadataText;
    private final Map<String, TensorData> unpermuted = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment mapped, int version, long alignment, long dataStart,
                     Map<String, Object> values, Map<String, ValueType> valueTypes, Map<String, TensorInfo> tensors, TensorInfo ropeFreqs) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.values = values;
        this.valueTypes = valueTypes;
        this.tensors = tensors;
        this.ropeFreqs = ropeFreqs;
        Map<String, String> text = new LinkedHashMap<>();
        values.forEach((k, v) -> text.put(k, render(v)));
        this.metadataText = Collections.unmodifiableMap(text);
    }

    /** Opens and validates a GGUF file. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 24) {
                throw new ModelFormatException(path, null, 0, "file too short for a GGUF header (" + size + " bytes)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufFile f = parse(path, arena, seg);
            return f;
        } catch (ModelFormatException e) {
            arena.close();
            throw e;
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read GGUF file: " + e, e);
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) {
        Reader r = new Reader(path, seg);
        int magic = r.i32("magic");
        if (magic != 0x46554747) {  // "GGUF" little-endian
            throw new ModelFormatException(path, null, 0, "not a GGUF file (bad magic)");
        }
        long version = r.u32("version");
        if (version != 2 && version != 3) {
            throw new ModelFormatException(path, "version", 4, "unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        long tensorCountPos = r.pos;
        long tensorCount = r.count("tensor_count", 8 + 4 + 4 + 8);
        long kvCountPos = r.pos;
        long kvCount = r.u64("kv_count");
        if (kvCount < 0 || kvCount > MAX_COUNT || kvCount * (8 + 1 + 4 + 1) > r.remaining()) {
            throw new ModelFormatException(path, "kv_count", kvCountPos, "absurd metadata count " + Long.toUnsignedString(kvCount)
                    + " for " + r.remaining() + " remaining bytes");
        }
        if (tensorCount * (8 + 1 + 4 + 8 + 4 + 8) > r.remaining()) {
            throw new ModelFormatException(path, "tensor_count", tensorCountPos, "absurd tensor count " + tensorCount
                    + " for " + r.remaining() + " remaining bytes");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, ValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyPos = r.pos;
            String key = r.string("metadata key", MAX_KEY_BYTES);
            if (key.isEmpty()) {
                throw new ModelFormatException(path, "metadata key", keyPos, "empty metadata key");
            }
            if (values.containsKey(key)) {
                throw new ModelFormatException(path, key, keyPos, "duplicate metadata key");
            }
            ValueType t = r.valueType(key);
            values.put(key, r.value(key, t, 0));
            types.put(key, t);
        }
        long alignment = 32;
        if (values.containsKey("general.alignment")) {
            Object a = values.get("general.alignment");
            if (types.get("general.alignment") != ValueType.UINT32 || !(a instanceof Long al) || al <= 0 || al > (1 << 24) || Long.bitCount(al) != 1) {
                throw new ModelFormatException(path, "general.alignment", -1, "general.alignment must be a UINT32 power of two, got " + render(a));
            }
            alignment = al;
        }
        String arch = values.get("general.architecture") instanceof String s ? s : "";
        record Raw(String name, GgmlType type, long[] dims, long offset, long size, long infoPos) {
        }
        List<Raw> raws = new ArrayList<>();
        Map<String, Raw> byGgufName = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoPos = r.pos;
            String name = r.string("tensor name", MAX_KEY_BYTES);
            if (byGgufName.containsKey(name)) {
                throw new ModelFormatException(path, name, infoPos, "duplicate tensor name");
            }
            long nDims = r.u32(name);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new ModelFormatException(path, name, infoPos, "tensor has " + nDims + " dimensions (allowed 1.." + MAX_DIMS + ")");
            }
            long[] dims = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimPos = r.pos;
                dims[d] = r.u64(name);
                if (dims[d] < 0) {
                    throw new ModelFormatException(path, name, dimPos, "dimension " + d + " is too large: " + Long.toUnsignedString(dims[d]));
                }
                try {
                    elements = Math.multiplyExact(elements, dims[d]);
                } catch (ArithmeticException e) {
                    throw new ModelFormatException(path, name, dimPos, "dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1)) + " overflow the element count");
                }
            }
            long typePos = r.pos;
            long typeId = r.u32(name);
            GgmlType type = GgmlType.byId(typeId);
            if (type == null || type.dtype() == null) {
                throw new ModelFormatException(path, name, typePos, "unsupported tensor type " + (type == null ? "id " + typeId : type.name())
                        + " (supported: " + GgmlType.SUPPORTED + ")");
            }
            DType dt = type.dtype();
            if (dims[0] % dt.blockSize() != 0) {
                throw new ModelFormatException(path, name, typePos, "innermost dimension " + dims[0] + " is not a multiple of the "
                        + type + " block size " + dt.blockSize());
            }
            long bytes = dt.byteSize(elements);
            if (bytes < 0) {
                throw new ModelFormatException(path, name, typePos, "tensor byte size overflows");
            }
            long offPos = r.pos;
            long offset = r.u64(name);
            if (offset < 0 || offset % alignment != 0) {
                throw new ModelFormatException(path, name, offPos, "tensor data offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + alignment);
            }
            Raw raw = new Raw(name, type, dims, offset, bytes, infoPos);
            raws.add(raw);
            byGgufName.put(name, raw);
        }
        long dataStart = align(r.pos, alignment);
        long dataLen = seg.byteSize() - dataStart;
        if (dataLen < 0 && !raws.isEmpty()) {
            throw new ModelFormatException(path, null, r.pos, "file ends before the tensor data section");
        }
        for (Raw raw : raws) {
            if (raw.offset() > dataLen || raw.size() > dataLen - raw.offset()) {
                throw new ModelFormatException(path, raw.name(), dataStart + raw.offset(), "tensor data [" + raw.offset() + ", +" + raw.size()
                        + ") runs past the end of the file (data section " + Math.max(0, dataLen) + " bytes)");
            }
        }
        List<Raw> sorted = new ArrayList<>(raws);
        sorted.sort(Comparator.comparingLong(Raw::offset));
        for (int i = 1; i < sorted.size(); i++) {
            Raw prev = sorted.get(i - 1);
            Raw cur = sorted.get(i);
            if (cur.offset() < prev.offset() + prev.size()) {
                throw new ModelFormatException(path, cur.name(), dataStart + cur.offset(), "tensor data overlaps " + prev.name());
            }
        }
        boolean llama = arch.equals("llama");
        long nHead = llama ? intValue(path, values, "llama.attention.head_count", 0) : 0;
        long nHeadKv = llama ? intValue(path, values, "llama.attention.head_count_kv", nHead) : 0;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        TensorInfo ropeFreqs = null;
        for (Raw raw : raws) {
            String hf = hfName(raw.name());
            TensorInfo info = new TensorInfo(raw.name(), hf, raw.type(), raw.dims(), dataStart + raw.offset(), raw.size());
            if (raw.name().equals(ROPE_FREQS)) {
                if (raw.type() != GgmlType.F32 || raw.dims().length != 1) {
                    throw new ModelFormatException(path, raw.name(), raw.infoPos(), "rope_freqs.weight must be a 1-D F32 tensor");
                }
                ropeFreqs = info;
                continue;
            }
            if (tensors.containsKey(hf)) {
                throw new ModelFormatException(path, raw.name(), raw.infoPos(), "maps to Hugging Face name " + hf + " twice");
            }
            if (llama && isPermuted(hf)) {
                long heads = hf.contains("q_proj") ? nHead : nHeadKv;
                long rows = raw.dims().length == 2 ? raw.dims()[1] : -1;
                if (heads <= 0 || rows <= 0 || rows % (heads * 2) != 0) {
                    throw new ModelFormatException(path, raw.name(), raw.infoPos(), "cannot undo the q/k row permutation: " + rows
                            + " rows for " + heads + " heads");
                }
            }
            tensors.put(hf, info);
        }
        return new GgufFile(path, arena, seg, (int) version, alignment, dataStart, Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(types), Collections.unmodifiableMap(tensors), ropeFreqs);
    }

    private static long intValue(Path path, Map<String, Object> values, String key, long dflt) {
        Object v = values.get(key);
        if (v == null) {
            if (dflt > 0) {
                return dflt;
            }
            throw new ModelFormatException(path, key, -1, "missing metadata key");
        }
        if (!(v instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
            throw new ModelFormatException(path, key, -1, "metadata value must be a positive integer, got " + render(v));
        }
        return l;
    }

    static long align(long x, long a) {
        return (x + a - 1) / a * a;
    }

    private static boolean isPermuted(String hf) {
        return hf.endsWith(".self_attn.q_proj.weight") || hf.endsWith(".self_attn.k_proj.weight");
    }

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d{1,6})\\.([a-z_]+)\\.(weight|bias)");
    private static final Map<String, String> BLOCK_NAMES = Map.of(
            "attn_norm", "input_layernorm", "attn_q", "self_attn.q_proj", "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj", "attn_output", "self_attn.o_proj", "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj", "ffn_up", "mlp.up_proj", "ffn_down", "mlp.down_proj");

    /** Maps a llama.cpp tensor name to its Hugging Face name; unknown names are kept as they are. */
    public static String hfName(String gguf) {
        switch (gguf) {
            case "token_embd.weight":
                return LlamaTensorNames.EMBED;
            case "output_norm.weight":
                return LlamaTensorNames.NORM;
            case "output.weight":
                return LlamaTensorNames.LM_HEAD;
            default:
                break;
        }
        Matcher m = BLOCK.matcher(gguf);
        if (m.matches()) {
            String part = BLOCK_NAMES.get(m.group(2));
            if (part != null) {
                return LlamaTensorNames.layerPrefix(Integer.parseInt(m.group(1))) + part + "." + m.group(3);
            }
        }
        return gguf;
    }

    // ---- TensorSource ----

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(tensors.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        ensureOpen();
        TensorInfo info = tensors.get(name);
        if (info == null) {
            return Optional.empty();
        }
        if (isLlama() && isPermuted(name)) {
            return Optional.of(unpermuted.computeIfAbsent(name, n -> unpermute(info)));
        }
        return Optional.of(slice(info));
    }

    private TensorData slice(TensorInfo info) {
        return new TensorData(info.name(), info.type().dtype(), info.shape(), mapped.asSlice(info.fileOffset(), info.byteSize()));
    }

    /**
     * llama.cpp wrote row {@code h*d + 2j + i} from Hugging Face row {@code h*d + i*d/2 + j} (i in {0,1}, j < d/2);
     * copy each row back.
     */
    private TensorData unpermute(TensorInfo info) {
        long heads = info.name().contains("q_proj") ? intValue(path, values, "llama.attention.head_count", 0)
                : intValue(path, values, "llama.attention.head_count_kv", intValue(path, values, "llama.attention.head_count", 0));
        long rows = info.ggufDims()[1];
        long rowBytes = info.byteSize() / rows;
        long d = rows / heads;
        long half = d / 2;
        MemorySegment src = mapped.asSlice(info.fileOffset(), info.byteSize());
        MemorySegment dst;
        synchronized (this) {
            ensureOpen();
            dst = arena.allocate(info.byteSize(), 64);
        }
        for (long h = 0; h < heads; h++) {
            for (long i = 0; i < 2; i++) {
                for (long j = 0; j < half; j++) {
                    long hfRow = h * d + i * half + j;
                    long ggRow = h * d + 2 * j + i;
                    MemorySegment.copy(src, ggRow * rowBytes, dst, hfRow * rowBytes, rowBytes);
                }
            }
        }
        return new TensorData(info.name(), info.type().dtype(), info.shape(), dst.asReadOnly());
    }

    @Override
    public Map<String, String> metadata() {
        return metadataText;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String formatName() {
        return "gguf v" + version;
    }

    /** GGUF version (2 or 3). */
    public int version() {
        return version;
    }

    /** Data alignment in bytes. */
    public long alignment() {
        return alignment;
    }

    /** First byte of the tensor data section. */
    public long dataStart() {
        return dataStart;
    }

    /** Tensor infos by Hugging Face name (file order, {@code rope_freqs.weight} excluded). */
    public Map<String, TensorInfo> tensorInfos() {
        return tensors;
    }

    /**
     * Typed metadata values: {@code Long} for integers (UINT64 above 2^63 is refused), {@code Double} for floats,
     * {@code Boolean}, {@code String}, and for arrays {@code long[]}, {@code double[]}, {@code boolean[]},
     * {@code List<String>} or {@code List<Object>} (nested arrays).
     */
    public Map<String, Object> values() {
        return values;
    }

    /** The llama3 RoPE frequency factors stored as {@code rope_freqs.weight}, if any. */
    public Optional<float[]> ropeFreqs() {
        ensureOpen();
        return Optional.ofNullable(ropeFreqs).map(i -> slice(i).toFloatArray());
    }

    /** {@code general.architecture}, or "". */
    public String architecture() {
        return values.get("general.architecture") instanceof String s ? s : "";
    }

    private boolean isLlama() {
        return architecture().equals("llama");
    }

    /** A Hugging Face {@code config.json} equivalent of the metadata; see {@link GgufLlamaConfig}. */
    public String llamaConfigJson() {
        ensureOpen();
        return GgufLlamaConfig.build(this).toPrettyString();
    }

    /** A Hugging Face {@code tokenizer.json} equivalent of the {@code tokenizer.ggml.*} metadata. */
    public JsonNode tokenizerJson() {
        return GgufTokenizer.build(this);
    }

    Path file() {
        return path;
    }

    static String render(Object v) {
        if (v instanceof List<?> l) {
            if (l.size() <= 8) {
                List<String> parts = new ArrayList<>();
                for (Object o : l) {
                    parts.add(o instanceof String s ? ModelJson.mapper().valueToTree(s).toString() : render(o));
                }
                return "[" + String.join(", ", parts) + "]";
            }
            return "[" + l.size() + " " + (l.getFirst() instanceof String ? "strings" : "arrays") + "]";
        }
        if (v instanceof long[] a) {
            return a.length <= 8 ? Arrays.toString(a) : "[" + a.length + " integers]";
        }
        if (v instanceof double[] a) {
            return a.length <= 8 ? Arrays.toString(a) : "[" + a.length + " floats]";
        }
        if (v instanceof boolean[] a) {
            return a.length <= 8 ? Arrays.toString(a) : "[" + a.length + " booleans]";
        }
        return String.valueOf(v);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("GGUF file is closed: " + path);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    /** Bounds-checked little-endian cursor over the mapping. */
    private static final class Reader {
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        final Path path;
        final MemorySegment seg;
        long pos;

        Reader(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        void need(long n, String what) {
            if (n < 0 || n > remaining()) {
                throw new ModelFormatException(path, what, pos, "file ends inside " + what + " (needs " + n + " bytes, " + remaining() + " left)");
            }
        }

        int i32(String what) {
            need(4, what);
            int v = seg.get(I32, pos);
            pos += 4;
            return v;
        }

        long u32(String what) {
            return i32(what) & 0xFFFFFFFFL;
        }

        long u64(String what) {
            need(8, what);
            long v = seg.get(I64, pos);
            pos += 8;
            return v;
        }

        long count(String what, long minEach) {
            return count(what, minEach, MAX_COUNT);
        }

        long count(String what, long minEach, long max) {
            long p = pos;
            long c = u64(what);
            if (c < 0 || c > max || (minEach > 0 && c > remaining() / minEach)) {
                throw new ModelFormatException(path, what, p, "absurd count " + Long.toUnsignedString(c) + " for " + remaining() + " remaining bytes");
            }
            return c;
        }

        String string(String what, long maxBytes) {
            long p = pos;
            long len = u64(what);
            if (len < 0 || len > maxBytes || len > remaining()) {
                throw new ModelFormatException(path, what, p, "string length " + Long.toUnsignedString(len) + " exceeds "
                        + (len > remaining() || len < 0 ? "the " + remaining() + " bytes left in the file" : "the limit of " + maxBytes));
            }
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(path, what, p, "string is not valid UTF-8");
            }
        }

        ValueType valueType(String key) {
            long p = pos;
            long t = u32(key);
            if (t >= ValueType.values().length) {
                throw new ModelFormatException(path, key, p, "unknown metadata value type " + t);
            }
            return ValueType.values()[(int) t];
        }

        Object value(String key, ValueType t, int depth) {
            switch (t) {
                case UINT8: need(1, key); return (long) (seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF);
                case INT8: need(1, key); return (long) seg.get(ValueLayout.JAVA_BYTE, pos++);
                case UINT16: { need(2, key); long v = seg.get(I16, pos) & 0xFFFF; pos += 2; return v; }
                case INT16: { need(2, key); long v = seg.get(I16, pos); pos += 2; return v; }
                case UINT32: return u32(key);
                case INT32: return (long) i32(key);
                case FLOAT32: { need(4, key); double v = floatToDouble(seg.get(F32, pos)); pos += 4; return v; }
                case BOOL: {
                    need(1, key);
                    int b = seg.get(ValueLayout.JAVA_BYTE, pos);
                    if (b != 0 && b != 1) {
                        throw new ModelFormatException(path, key, pos, "BOOL value " + b + " is neither 0 nor 1");
                    }
                    pos++;
                    return b == 1;
                }
                case STRING: return string(key, Integer.MAX_VALUE - 16);
                case UINT64: {
                    long p = pos;
                    long v = u64(key);
                    if (v < 0) {
                        throw new ModelFormatException(path, key, p, "UINT64 value " + Long.toUnsignedString(v) + " is too large");
                    }
                    return v;
                }
                case INT64: return u64(key);
                case FLOAT64: { need(8, key); double v = seg.get(F64, pos); pos += 8; return v; }
                case ARRAY: return array(key, depth);
                default: throw new IllegalStateException();
            }
        }

        Object array(String key, int depth) {
            long p = pos;
            if (depth >= MAX_ARRAY_DEPTH) {
                throw new ModelFormatException(path, key, p, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
            }
            ValueType et = valueType(key);
            long n = count(key, et.minBytes, MAX_ARRAY);
            int len = (int) n;
            switch (et) {
                case STRING: {
                    List<String> out = new ArrayList<>(Math.min(len, 1 << 16));
                    for (int i = 0; i < len; i++) {
                        out.add(string(key, Integer.MAX_VALUE - 16));
                    }
                    return Collections.unmodifiableList(out);
                }
                case ARRAY: {
                    List<Object> out = new ArrayList<>(Math.min(len, 1 << 16));
                    for (int i = 0; i < len; i++) {
                        out.add(array(key, depth + 1));
                    }
                    return Collections.unmodifiableList(out);
                }
                case FLOAT32: case FLOAT64: {
                    double[] out = new double[len];
                    for (int i = 0; i < len; i++) {
                        out[i] = (Double) value(key, et, depth);
                    }
                    return out;
                }
                case BOOL: {
                    boolean[] out = new boolean[len];
                    for (int i = 0; i < len; i++) {
                        out[i] = (Boolean) value(key, et, depth);
                    }
                    return out;
                }
                default: {
                    long[] out = new long[len];
                    for (int i = 0; i < len; i++) {
                        out[i] = (Long) value(key, et, depth);
                    }
                    return out;
                }
            }
        }
    }

    /** The float's shortest decimal as a double, so 1e-5f reads back as 1.0E-5 rather than 9.99999974e-6. */
    static double floatToDouble(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return f;
        }
        return Double.parseDouble(Float.toString(f));
    }
}
