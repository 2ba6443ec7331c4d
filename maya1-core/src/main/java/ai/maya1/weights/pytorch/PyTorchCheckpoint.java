package ai.maya1.weights.pytorch;

import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PyTorch checkpoint ({@code pytorch_model.bin}, {@code .pt}, {@code .pth}) read without executing anything:
 * the zip format of {@code torch.save} (PyTorch 1.6+) and the legacy sequential format. The pickle goes through
 * {@link RestrictedUnpickler} (torch's {@code weights_only} allow-list); tensor storages are zero-copy slices
 * of the memory-mapped file (zip entries are stored uncompressed by torch; compressed storages are refused).
 * The top-level object must be a dict of tensors, or a dict holding one (e.g. {@code state_dict}). A contiguous
 * tensor is a zero-copy slice of its storage; a strided view (a transposed or sliced tensor saved as is) is read
 * as {@code torch.load} reads it, copied once into the checkpoint's arena on first access, with every element
 * it reaches checked against its storage at open.
 */
public final class PyTorchCheckpoint implements TensorSource {
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The pickle of a 3B-parameter state dict is ~50 KB; 32 MB is generous and bounds the copy. */
    static final long MAX_PICKLE_BYTES = 32L * 1024 * 1024;
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private final Path path;
    private final Arena arena;
    /** Tensor names in checkpoint order; the value is null for a strided view (see {@link #strided}). */
    private final Map<String, TensorData> tensors;
    private final Map<String, StridedView> strided;
    private final Map<String, TensorData> materialized = new java.util.concurrent.ConcurrentHashMap<>();
    private final String format;
    private volatile boolean closed;

    private PyTorchCheckpoint(Path path, Arena arena, Map<String, TensorData> tensors, Map<String, StridedView> strided, String format) {
        this.path = path;
        this.arena = arena;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.strided = Map.copyOf(strided);
        this.format = format;
    }

    /** A storage: element type, element count and (once located) its bytes. */
    private static final class Storage {
        final DType dtype;
        final String key;
        final long numel;
        MemorySegment bytes;

        Storage(DType dtype, String key, long numel) {
            this.dtype = dtype;
            this.key = key;
            this.numel = numel;
        }
    }

    /** Opens a zip or legacy checkpoint (detected from content). */
    public static PyTorchCheckpoint open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 4) {
                throw new ModelFormatException(path, null, 0, "file too short for a PyTorch checkpoint");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte b0 = seg.get(ValueLayout.JAVA_BYTE, 0);
            PyTorchCheckpoint c = b0 == 'P' ? openZip(path, arena, seg) : openLegacy(path, arena, seg);
            return c;
        } catch (ModelFormatException e) {
            arena.close();
            throw e;
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw new ModelFormatException(path, null, -1, "cannot read PyTorch checkpoint: " + e, e);
        }
    }

    private static PyTorchCheckpoint openZip(Path path, Arena arena, MemorySegment seg) {
        ZipDirectory zip = ZipDirectory.read(path, seg);
        ZipDirectory.Entry pkl = null;
        for (ZipDirectory.Entry e : zip.entries().values()) {
            String n = e.name();
            int slash = n.indexOf('/');
            if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                if (pkl != null) {
                    throw new ModelFormatException(path, n, -1, "archive holds two data.pkl records");
                }
                pkl = e;
            }
        }
        if (pkl == null) {
            throw new ModelFormatException(path, "data.pkl", -1, "zip archive is not a torch.save checkpoint (no <name>/data.pkl)");
        }
        String prefix = pkl.name().substring(0, pkl.name().indexOf('/') + 1);
        MemorySegment pickle = entryBytes(path, seg, pkl);
        Map<String, Storage> storages = new HashMap<>();
        RestrictedUnpickler up = new RestrictedUnpickler(path, pickle, 0, pickle.byteSize(), (pid, at) -> {
            Storage s = storageFromPid(path, pid, at, false);
            Storage prev = storages.putIfAbsent(s.key, s);
            if (prev != null) {
                if (prev.dtype != s.dtype) {
                    throw new ModelFormatException(path, "storage " + s.key, at, "storage is used with two element types");
                }
                return prev;
            }
            ZipDirectory.Entry e = zip.entries().get(prefix + "data/" + s.key);
            if (e == null) {
                throw new ModelFormatException(path, "storage " + s.key, at, "storage record " + prefix + "data/" + s.key + " is missing");
            }
            if (e.method() != 0) {
                throw new ModelFormatException(path, e.name(), e.dataOffset(), "storage record is compressed (torch.save stores them uncompressed)");
            }
            long need = s.dtype.byteSize(s.numel);
            if (need < 0 || need > e.size()) {
                throw new ModelFormatException(path, e.name(), e.dataOffset(), "storage of " + s.numel + " x " + s.dtype + " needs "
                        + need + " bytes, record has " + e.size());
            }
            s.bytes = seg.asSlice(e.dataOffset(), need);
            return s;
        });
        Object root = up.load();
        return build(path, arena, root, "pytorch zip");
    }

    private static MemorySegment entryBytes(Path path, MemorySegment seg, ZipDirectory.Entry e) {
        if (e.size() > MAX_PICKLE_BYTES) {
            throw new ModelFormatException(path, e.name(), e.dataOffset(), "pickle of " + e.size() + " bytes exceeds the limit of " + MAX_PICKLE_BYTES);
        }
        MemorySegment raw = seg.asSlice(e.dataOffset(), e.compressedSize());
        byte[] bytes;
        if (e.method() == 0) {
            bytes = raw.toArray(ValueLayout.JAVA_BYTE);
        } else {
            Inflater inf = new Inflater(true);
            try {
                inf.setInput(raw.asByteBuffer());
                bytes = new byte[(int) e.size()];
                int n = 0;
                while (n < bytes.length && !inf.finished()) {
                    int k = inf.inflate(bytes, n, bytes.length - n);
                    if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    n += k;
                }
                if (n != bytes.length) {
                    throw new ModelFormatException(path, e.name(), e.dataOffset(), "compressed record inflates to " + n + " bytes, not " + e.size());
                }
            } catch (DataFormatException ex) {
                throw new ModelFormatException(path, e.name(), e.dataOffset(), "corrupt compressed record: " + ex.getMessage());
            } finally {
                inf.end();
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if ((int) crc.getValue() != e.crc()) {
            throw new ModelFormatException(path, e.name(), e.dataOffset(), "CRC mismatch (corrupt archive)");
        }
        return MemorySegment.ofArray(bytes);
    }

    private static Storage storageFromPid(Path path, RestrictedUnpickler.Tuple pid, long at, boolean legacy) {
        if (pid.size() < 5 || !"storage".equals(pid.get(0))) {
            throw new ModelFormatException(path, "pickle", at, "persistent id is not a ('storage', ...) tuple");
        }
        if (!(pid.get(1) instanceof RestrictedUnpickler.Global g) || !g.module().equals("torch") || !RestrictedUnpickler.STORAGES.containsKey(g.name())) {
            throw new ModelFormatException(path, "pickle", at, "persistent id names no torch storage type");
        }
        if (!(pid.get(2) instanceof String key) || key.isEmpty() || key.length() > 64) {
            throw new ModelFormatException(path, "pickle", at, "storage key is not a short string");
        }
        if (!legacy) {
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                    throw new ModelFormatException(path, "storage " + key, at, "storage key is not a plain name");
                }
            }
        }
        if (!(pid.get(4) instanceof Long numel) || numel < 0) {
            throw new ModelFormatException(path, "storage " + key, at, "storage size is not a non-negative integer");
        }
        if (legacy && pid.size() >= 6 && pid.get(5) != RestrictedUnpickler.NONE) {
            throw new ModelFormatException(path, "storage " + key, at, "legacy storage views are not supported");
        }
        return new Storage(RestrictedUnpickler.STORAGES.get(g.name()), key, numel);
    }

    /**
     * Legacy format: pickles of the magic number, protocol version and sys_info, then the object pickle, then
     * a pickle of the storage keys in file order, then per storage an int64 element count and its bytes.
     */
    private static PyTorchCheckpoint openLegacy(Path path, Arena arena, MemorySegment seg) {
        long size = seg.byteSize();
        RestrictedUnpickler.StorageResolver none = (pid, at) -> {
            throw new ModelFormatException(path, "pickle", at, "unexpected persistent id in the legacy header");
        };
        RestrictedUnpickler p1 = new RestrictedUnpickler(path, seg, 0, size, none);
        Object magic = p1.load();
        if (!(magic instanceof BigInteger b && b.equals(LEGACY_MAGIC)) && !(magic instanceof Long)) {
            throw new ModelFormatException(path, null, 0, "not a PyTorch checkpoint (pickle without torch's magic number)");
        }
        if (!(magic instanceof BigInteger)) {
            throw new ModelFormatException(path, null, 0, "not a PyTorch checkpoint (wrong magic number)");
        }
        RestrictedUnpickler p2 = new RestrictedUnpickler(path, seg, p1.position(), size, none);
        Object proto = p2.load();
        if (!Long.valueOf(1001).equals(proto)) {
            throw new ModelFormatException(path, null, p1.position(), "unsupported legacy protocol version " + proto);
        }
        RestrictedUnpickler p3 = new RestrictedUnpickler(path, seg, p2.position(), size, none);
        Object sysInfo = p3.load();
        if (sysInfo instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian"))) {
            throw new ModelFormatException(path, null, p2.position(), "big-endian legacy checkpoints are not supported");
        }
        Map<String, Storage> storages = new LinkedHashMap<>();
        RestrictedUnpickler p4 = new RestrictedUnpickler(path, seg, p3.position(), size, (pid, at) -> {
            Storage s = storageFromPid(path, pid, at, true);
            Storage prev = storages.putIfAbsent(s.key, s);
            return prev != null ? prev : s;
        });
        Object root = p4.load();
        RestrictedUnpickler p5 = new RestrictedUnpickler(path, seg, p4.position(), size, none);
        Object keys = p5.load();
        if (!(keys instanceof List<?> keyList)) {
            throw new ModelFormatException(path, null, p4.position(), "legacy storage key list missing");
        }
        long pos = p5.position();
        for (Object k : keyList) {
            Storage s = k instanceof String ks ? storages.get(ks) : null;
            if (s == null) {
                throw new ModelFormatException(path, "storage " + k, pos, "storage key not referenced by the pickle");
            }
            if (s.bytes != null) {
                throw new ModelFormatException(path, "storage " + k, pos, "storage listed twice");
            }
            if (pos + 8 > size) {
                throw new ModelFormatException(path, "storage " + k, pos, "file ends before the storage");
            }
            long n = seg.get(I64, pos);
            if (n != s.numel) {
                throw new ModelFormatException(path, "storage " + k, pos, "stored element count " + n + " != declared " + s.numel);
            }
            long bytes = s.dtype.byteSize(n);
            if (bytes < 0 || bytes > size - pos - 8) {
                throw new ModelFormatException(path, "storage " + k, pos, "storage of " + n + " x " + s.dtype + " runs past the end of the file");
            }
            s.bytes = seg.asSlice(pos + 8, bytes);
            pos += 8 + bytes;
        }
        for (Storage s : storages.values()) {
            if (s.bytes == null) {
                throw new ModelFormatException(path, "storage " + s.key, -1, "storage data missing from the file");
            }
        }
        return build(path, arena, root, "pytorch legacy");
    }

    private static PyTorchCheckpoint build(Path path, Arena arena, Object root, String format) {
        Map<?, ?> dict = root instanceof Map<?, ?> m ? m : null;
        if (dict == null) {
            throw new ModelFormatException(path, null, -1, "checkpoint holds a " + RestrictedUnpickler.describe(root) + ", not a dict of tensors");
        }
        if (!dict.isEmpty() && dict.values().stream().noneMatch(v -> v instanceof RestrictedUnpickler.TensorRef)) {
            for (String k : List.of("state_dict", "model", "model_state_dict", "module")) {
                if (dict.get(k) instanceof Map<?, ?> inner) {
                    dict = inner;
                    break;
                }
            }
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        Map<String, StridedView> strided = new HashMap<>();
        long stridedBytes = 0;
        long fileSize = fileSize(path);
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new ModelFormatException(path, String.valueOf(e.getKey()), -1, "state_dict key is not a string");
            }
            if (!(e.getValue() instanceof RestrictedUnpickler.TensorRef t)) {
                continue; // non-tensor entries (e.g. step counters) are not weights
            }
            if (!(t.storage() instanceof Storage s) || s.bytes == null) {
                throw new ModelFormatException(path, name, t.pickleOffset(), "tensor has no storage");
            }
            StridedView v = StridedView.of(path, name, t, s);
            long es = s.dtype.elementBytes();
            if (v.contiguous()) {
                tensors.put(name, new TensorData(name, s.dtype, v.size, s.bytes.asSlice(v.offset * es, v.numel * es)));
            } else {
                // a strided view is copied out on first access; the copies together may not outgrow the file, so
                // that a small file of stride-0 views cannot demand unbounded memory
                long bytes = v.numel * es; // cannot overflow: checked by StridedView.of
                if (bytes > fileSize - stridedBytes) {
                    throw new ModelFormatException(path, name, t.pickleOffset(), "strided views would expand to more than the file's "
                            + fileSize + " bytes (" + bytes + " bytes for this one)");
                }
                stridedBytes += bytes;
                strided.put(name, v);
                tensors.put(name, null);
            }
        }
        if (tensors.isEmpty()) {
            throw new ModelFormatException(path, null, -1, "checkpoint holds no tensors");
        }
        return new PyTorchCheckpoint(path, arena, tensors, strided, format);
    }

    private static long fileSize(Path path) {
        try {
            return java.nio.file.Files.size(path);
        } catch (IOException e) {
            throw new ModelFormatException(path, null, -1, "cannot read file: " + e.getMessage(), e);
        }
    }

    /**
     * A tensor as {@code torch._utils._rebuild_tensor_v2} builds it: {@code storage[offset + sum(i_k * stride_k)]}
     * for every index {@code i} of {@code size}. Like torch's {@code set_}, every element it reaches must lie
     * inside the storage (checked at open, with overflow checks); sizes and strides must be non-negative.
     */
    private record StridedView(String name, Storage storage, long offset, long[] size, long[] stride, long numel, boolean contiguous) {
        static StridedView of(Path path, String name, RestrictedUnpickler.TensorRef t, Storage s) {
            long[] size = t.size();
            long[] stride = t.stride();
            String layout = "size " + java.util.Arrays.toString(size) + ", stride " + java.util.Arrays.toString(stride)
                    + ", storage offset " + t.offset();
            if (t.offset() < 0) {
                throw new ModelFormatException(path, name, t.pickleOffset(), "negative storage offset (" + layout + ")");
            }
            long numel = 1;
            long last = t.offset(); // storage index of the last element
            long expectStride = 1;
            boolean contiguous = true;
            try {
                for (int i = size.length - 1; i >= 0; i--) {
                    if (size[i] < 0 || stride[i] < 0) {
                        throw new ModelFormatException(path, name, t.pickleOffset(), "negative size or stride (" + layout + ")");
                    }
                    numel = Math.multiplyExact(numel, size[i]);
                    if (size[i] > 0) {
                        last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                    }
                    if (size[i] != 1 && stride[i] != expectStride) {
                        contiguous = false;
                    }
                    expectStride = Math.multiplyExact(expectStride, Math.max(size[i], 1));
                }
                Math.multiplyExact(numel, s.dtype.elementBytes());
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(path, name, t.pickleOffset(), "tensor size or extent overflows (" + layout + ")");
            }
            if (numel == 0) {
                return new StridedView(name, s, 0, size, stride, 0, true);
            }
            if (last >= s.numel) {
                throw new ModelFormatException(path, name, t.pickleOffset(), "tensor (" + layout + ") reaches element " + last
                        + " of its storage of " + s.numel + " elements");
            }
            return new StridedView(name, s, t.offset(), size, stride, numel, contiguous);
        }

        /** Copies the elements in row-major order into {@code dst} (runs of the innermost dimension when it is dense). */
        void copyTo(MemorySegment dst) {
            MemorySegment src = storage.bytes;
            long es = storage.dtype.elementBytes();
            int rank = size.length;
            long inner = rank == 0 ? 1 : size[rank - 1];
            long innerStride = rank == 0 ? 1 : stride[rank - 1];
            long[] index = new long[Math.max(rank - 1, 0)];
            long base = offset;
            long out = 0;
            for (long row = 0, rows = numel / inner; row < rows; row++) {
                if (innerStride == 1) {
                    MemorySegment.copy(src, base * es, dst, out, inner * es);
                    out += inner * es;
                } else {
                    for (long k = 0; k < inner; k++) {
                        MemorySegment.copy(src, (base + k * innerStride) * es, dst, out, es);
                        out += es;
                    }
                }
                // odometer over the outer dimensions
                for (int d = rank - 2; d >= 0; d--) {
                    index[d]++;
                    base += stride[d];
                    if (index[d] < size[d]) {
                        break;
                    }
                    base -= index[d] * stride[d];
                    index[d] = 0;
                }
            }
        }
    }

    @Override
    public SequencedSet<String> names() {
        return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(tensors.keySet()));
    }

    @Override
    public Optional<TensorData> find(String name) {
        if (closed) {
            throw new IllegalStateException("checkpoint is closed: " + path);
        }
        StridedView v = strided.get(name);
        if (v != null) {
            return Optional.of(materialized.computeIfAbsent(name, n -> materialize(v)));
        }
        return Optional.ofNullable(tensors.get(name));
    }

    /** Copies a strided view into the checkpoint's arena, as torch.load's tensor would read element by element. */
    private TensorData materialize(StridedView v) {
        MemorySegment dst;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("checkpoint is closed: " + path);
            }
            dst = arena.allocate(v.numel() * v.storage().dtype.elementBytes(), 64);
        }
        v.copyTo(dst);
        return new TensorData(v.name(), v.storage().dtype, v.size(), dst.asReadOnly());
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String formatName() {
        return format;
    }

    /** Tensor names in checkpoint order. */
    public List<String> tensorNames() {
        return new ArrayList<>(tensors.keySet());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
