package ai.maya1.weights.pytorch;

import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle virtual machine that executes nothing: it builds plain values (dicts, lists, tuples, strings,
 * numbers) and, for the few globals {@code torch.load(weights_only=True)} also allows for tensors, inert
 * descriptions of them. Any other global is refused by name before anything is built, as are opcodes a
 * {@code torch.save} pickle never contains. Sizes are checked against the bytes left, so a hostile pickle
 * cannot allocate more than a small multiple of its own size.
 */
final class RestrictedUnpickler {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Storage classes and their element types. */
    static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("DoubleStorage", DType.F64), Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8), Map.entry("ByteStorage", DType.U8),
            Map.entry("BoolStorage", DType.BOOL));

    /** Callables that may be invoked (by REDUCE) — all are interpreted here, none is executed. */
    static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch.Size", "_codecs.encode");

    /** A global named by the pickle (only allow-listed ones are ever created). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** {@code persistent_load}'s answer, supplied by the container format. */
    interface StorageResolver {
        Object resolve(Tuple pid, long pickleOffset);
    }

    /** A pickled tuple. */
    record Tuple(List<Object> items) {
        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** A tensor view: storage, offset and strides in elements. */
    record TensorRef(Object storage, long offset, long[] size, long[] stride, long pickleOffset) {
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** Caps the stack and the memo (a torch state dict needs a few per tensor) so memory stays bounded. */
    static final int MAX_ITEMS = 2_000_000;

    private final Path path;
    private final MemorySegment data;
    private final StorageResolver storages;
    private long pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final long limit;

    RestrictedUnpickler(Path path, MemorySegment data, long start, long limit, StorageResolver storages) {
        this.path = path;
        this.data = data;
        this.pos = start;
        this.limit = limit;
        this.storages = storages;
    }

    /** Offset just past the STOP opcode, after {@link #load()}. */
    long position() {
        return pos;
    }

    private ModelFormatException bad(long at, String msg) {
        return new ModelFormatException(path, "pickle", at, msg);
    }

    private void need(long n) {
        if (n < 0 || n > limit - pos) {
            throw bad(pos, "pickle ends early (needs " + n + " more bytes)");
        }
    }

    private int u8() {
        need(1);
        return data.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
    }

    private int u16() {
        need(2);
        int v = data.get(I16, pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    private long u32() {
        need(4);
        long v = data.get(I32, pos) & 0xFFFFFFFFL;
        pos += 4;
        return v;
    }

    private int i32() {
        need(4);
        int v = data.get(I32, pos);
        pos += 4;
        return v;
    }

    private long u64() {
        need(8);
        long v = data.get(I64, pos);
        pos += 8;
        if (v < 0) {
            throw bad(pos - 8, "length too large");
        }
        return v;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] b = data.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    private String line() {
        long start = pos;
        while (true) {
            need(1);
            if (data.get(ValueLayout.JAVA_BYTE, pos) == '\n') {
                break;
            }
            pos++;
            if (pos - start > 4096) {
                throw bad(start, "text argument longer than 4096 bytes");
            }
        }
        String s = new String(data.asSlice(start, pos - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() >= stack.size())) {
            throw bad(pos, "pickle stack underflow");
        }
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw bad(pos, "pickle stack underflow");
        }
        return stack.getLast();
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw bad(pos, "pickle MARK missing");
        }
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void push(Object o) {
        if (stack.size() > MAX_ITEMS) {
            throw bad(pos, "pickle stack too deep");
        }
        stack.add(o);
    }

    /** Runs the pickle to its STOP opcode and returns the value. */
    Object load() {
        while (true) {
            long at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw bad(at, "unsupported pickle protocol " + proto);
                    }
                }
                case 0x95 -> u64(); // FRAME: length only, frames are contiguous
                case '.' -> {
                    Object v = pop();
                    return v;
                }
                case '(' -> marks.add(stack.size());
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) u16());
                case 0x8a, 0x8b -> { // LONG1, LONG4
                    long n = op == 0x8a ? u8() : u32();
                    if (n > 1024) {
                        throw bad(at, "integer of " + n + " bytes");
                    }
                    byte[] le = bytes(n);
                    byte[] be = new byte[(int) n];
                    for (int i = 0; i < n; i++) {
                        be[i] = le[(int) n - 1 - i];
                    }
                    BigInteger b = n == 0 ? BigInteger.ZERO : new BigInteger(be);
                    push(b.bitLength() < 64 ? (Object) b.longValue() : b);
                }
                case 'G' -> {
                    need(8);
                    double d = data.get(F64_BE, pos);
                    pos += 8;
                    push(d);
                }
                case 'X' -> push(utf8(u32(), at));
                case 0x8c -> push(utf8(u8(), at));
                case 0x8d -> push(utf8(u64(), at));
                case 'T' -> push(latin1(bytes(u32())));
                case 'U' -> push(latin1(bytes(u8())));
                case 'B' -> push(bytes(u32()));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(u64()));
                case '}' -> push(new LinkedHashMap<Object, Object>());
                case ']' -> push(new ArrayList<Object>());
                case ')' -> push(new Tuple(List.of()));
                case 0x8f -> push(new LinkedHashSet<Object>());
                case 'd' -> {
                    List<Object> items = popMark();
                    push(dictOf(items, at));
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(tuple(1));
                case 0x86 -> push(tuple(2));
                case 0x87 -> push(tuple(3));
                case 'a' -> {
                    Object v = pop();
                    list(peek(), at).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek(), at).addAll(items);
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dict(peek(), at).put(key(k, at), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(peek(), at);
                    putAll(d, items, at);
                }
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    if (!(peek() instanceof Set<?>)) {
                        throw bad(at, "ADDITEMS on a non-set");
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> s = (Set<Object>) peek();
                    for (Object o : items) {
                        s.add(key(o, at));
                    }
                }
                case 0x91 -> push(Set.copyOf(new LinkedHashSet<>(popMark())));
                case 'q' -> memo(u8());
                case 'r' -> memo(u32());
                case 0x94 -> memo(memo.size());
                case 'p' -> memo(parseLong(line(), at));
                case 'h' -> push(recall(u8(), at));
                case 'j' -> push(recall(u32(), at));
                case 'g' -> push(recall(parseLong(line(), at), at));
                case 'c' -> {
                    String module = line();
                    String name = line();
                    push(global(module, name, at));
                }
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw bad(at, "STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n, at));
                }
                case 'Q' -> {
                    Object pid = pop();
                    if (!(pid instanceof Tuple t)) {
                        throw bad(at, "persistent id is not a tuple");
                    }
                    push(storages.resolve(t, at));
                }
                case 'R' -> {
                    Object args = pop();
                    Object fn = pop();
                    if (!(args instanceof Tuple t)) {
                        throw bad(at, "REDUCE arguments are not a tuple");
                    }
                    push(call(fn, t, at));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    if (cls instanceof Global g && g.qualified().equals("collections.OrderedDict") && args instanceof Tuple t && t.size() == 0) {
                        push(new LinkedHashMap<Object, Object>());
                    } else {
                        throw bad(at, "NEWOBJ of " + describe(cls) + " is not allowed");
                    }
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = peek();
                    if (target instanceof Map<?, ?> && (state instanceof Map<?, ?> || state == NONE)) {
                        break; // OrderedDict attributes such as _metadata: not needed for tensors
                    }
                    if (target instanceof TensorRef && (state == NONE || state instanceof Tuple || state instanceof Map<?, ?>)) {
                        break;
                    }
                    throw bad(at, "BUILD on " + describe(target) + " is not allowed");
                }
                case 'I' -> {
                    String s = line();
                    push(switch (s) {
                        case "01" -> (Object) Boolean.TRUE;
                        case "00" -> Boolean.FALSE;
                        default -> parseLong(s, at);
                    });
                }
                default -> throw bad(at, String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    private Tuple tuple(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return new Tuple(Arrays.asList(items));
    }

    private void memo(long idx) {
        if (memo.size() > MAX_ITEMS) {
            throw bad(pos, "pickle memo too large");
        }
        memo.put(idx, peek());
    }

    private Object recall(long idx, long at) {
        Object o = memo.get(idx);
        if (o == null) {
            throw bad(at, "pickle memo key " + idx + " is not defined");
        }
        return o;
    }

    private long parseLong(String s, long at) {
        try {
            return Long.parseLong(s.trim().replace("L", ""));
        } catch (NumberFormatException e) {
            throw bad(at, "bad integer '" + s + "'");
        }
    }

    private String utf8(long n, long at) {
        byte[] b = bytes(n);
        var dec = StandardCharsets.UTF_8.newDecoder();
        try {
            return dec.decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            // Python pickles may carry lone surrogates ('surrogatepass'); keep them as replacement characters
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, long at) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw bad(at, "APPEND on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, long at) {
        if (o instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad(at, "SETITEM on " + describe(o));
    }

    private Map<Object, Object> dictOf(List<Object> items, long at) {
        Map<Object, Object> d = new LinkedHashMap<>();
        putAll(d, items, at);
        return d;
    }

    private void putAll(Map<Object, Object> d, List<Object> items, long at) {
        if (items.size() % 2 != 0) {
            throw bad(at, "odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            d.put(key(items.get(i), at), items.get(i + 1));
        }
    }

    /** Only immutable values can be keys (as in Python: no lists or dicts). */
    private Object key(Object k, long at) {
        if (k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double || k instanceof Boolean || k == NONE
                || k instanceof Tuple) {
            return k;
        }
        throw bad(at, "unhashable dict key " + describe(k));
    }

    private Object global(String module, String name, long at) {
        String q = module + "." + name;
        if (module.equals("torch") && STORAGES.containsKey(name)) {
            return new Global(module, name);
        }
        if (CALLABLES.contains(q)) {
            return new Global(module, name);
        }
        throw new ModelFormatException(path, q, at, "unsupported pickle global '" + q
                + "' (only torch's weights_only allow-list of tensor and container types is accepted; nothing is executed)");
    }

    private Object call(Object fn, Tuple args, long at) {
        if (!(fn instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw bad(at, "calling " + describe(fn) + " is not allowed");
        }
        switch (g.qualified()) {
            case "collections.OrderedDict": {
                if (args.size() != 0) {
                    throw bad(at, "OrderedDict with arguments is not supported");
                }
                return new LinkedHashMap<Object, Object>();
            }
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor": {
                if (args.size() < 4) {
                    throw bad(at, g.name() + " needs at least 4 arguments");
                }
                long offset = asLong(args.get(1), at, "storage offset");
                long[] size = longs(args.get(2), at, "size");
                long[] stride = longs(args.get(3), at, "stride");
                if (size.length != stride.length || size.length > 16) {
                    throw bad(at, "tensor size and stride ranks differ or exceed 16");
                }
                return new TensorRef(args.get(0), offset, size, stride, at);
            }
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state": {
                if (args.size() < 1 || !(args.get(0) instanceof TensorRef)) {
                    throw bad(at, g.name() + " needs a tensor");
                }
                return args.get(0);
            }
            case "torch.Size":
                return args.size() == 1 && args.get(0) instanceof Tuple t ? t : args;
            case "_codecs.encode": {
                if (args.size() >= 1 && args.get(0) instanceof String s) {
                    return s.getBytes(StandardCharsets.ISO_8859_1);
                }
                throw bad(at, "_codecs.encode needs a string");
            }
            default:
                throw bad(at, "calling " + g.qualified() + " is not allowed");
        }
    }

    private long asLong(Object o, long at, String what) {
        if (o instanceof Long l && l >= 0) {
            return l;
        }
        throw bad(at, what + " is not a non-negative integer: " + describe(o));
    }

    private long[] longs(Object o, long at, String what) {
        if (!(o instanceof Tuple t)) {
            throw bad(at, what + " is not a tuple");
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(t.get(i), at, what + "[" + i + "]");
        }
        return out;
    }

    static String describe(Object o) {
        if (o == null || o == NONE) {
            return "None";
        }
        if (o instanceof Global g) {
            return g.qualified();
        }
        return o.getClass().getSimpleName();
    }
}
