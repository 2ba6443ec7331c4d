package ai.maya1.onnx.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction and its serialization to a {@code ModelProto} file (opset 17, IR version 8),
 * with initializers either embedded or in an external data file beside the model (required above 2 GB, the
 * protobuf message limit).
 *
 * <p>Node outputs get unique names automatically; every method returns the name of the value it produced, so
 * graphs read like straight-line code: {@code String y = g.op("Add", x, b);}.
 */
public final class OnnxModel {
    /** Default ONNX operator set of the exported graphs. */
    public static final int OPSET = 17;
    /** ONNX IR version matching opset 17. */
    public static final int IR_VERSION = 8;
    /** Above this many initializer bytes the model must use external data. */
    public static final long PROTOBUF_LIMIT = 2_000_000_000L;

    /** ONNX {@code TensorProto.DataType} codes used here. */
    public enum ElemType {
        FLOAT(1), UINT8(2), INT8(3), INT32(6), INT64(7), BOOL(9), FLOAT16(10);

        final int code;

        ElemType(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Where initializer data goes. */
    public enum ExternalData {
        /** External only when the initializers exceed {@link #PROTOBUF_LIMIT}. */
        AUTO,
        /** Always external (tests; lets ORT memory-map weights). */
        ALWAYS,
        /** Always embedded (fails above the limit). */
        NEVER
    }

    /** One node attribute. */
    public record Attr(String name, Object value) {
        public static Attr i(String name, long v) {
            return new Attr(name, v);
        }

        public static Attr f(String name, float v) {
            return new Attr(name, v);
        }

        public static Attr ints(String name, long... v) {
            return new Attr(name, v);
        }

        public static Attr s(String name, String v) {
            return new Attr(name, v);
        }

        public static Attr tensor(String name, ElemType t, long[] dims, TensorBytes data) {
            return new Attr(name, new Init(name, t, dims, data));
        }
    }

    private record Init(String name, ElemType type, long[] dims, TensorBytes data) {
    }

    private record ValueInfo(String name, ElemType type, Object[] dims) {
    }

    private record Node(String op, String domain, List<String> inputs, List<String> outputs, List<Attr> attrs) {
    }

    private final String graphName;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Init> initializers = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final Map<String, Integer> domains = new LinkedHashMap<>();
    private int counter;

    public OnnxModel(String graphName) {
        this.graphName = graphName;
        domains.put("", OPSET);
    }

    /** Declares a graph input; dims are Long/Integer (fixed) or String (symbolic). */
    public String input(String name, ElemType type, Object... dims) {
        claim(name);
        inputs.add(new ValueInfo(name, type, dims));
        return name;
    }

    /** Declares {@code value} a graph output under {@code name} (an Identity node when the names differ). */
    public String output(String value, String name, ElemType type, Object... dims) {
        if (!value.equals(name)) {
            claim(name);
            nodes.add(new Node("Identity", "", List.of(value), List.of(name), List.of()));
        }
        outputs.add(new ValueInfo(name, type, dims));
        return name;
    }

    public String initializer(String name, ElemType type, long[] dims, TensorBytes data) {
        claim(name);
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        long expect = n * switch (type) {
            case FLOAT, INT32 -> 4;
            case INT64 -> 8;
            case FLOAT16 -> 2;
            default -> 1;
        };
        if (data.byteSize() != expect) {
            throw new IllegalArgumentException("initializer " + name + ": " + data.byteSize() + " bytes for " + n + " " + type);
        }
        initializers.add(new Init(name, type, dims.clone(), data));
        return name;
    }

    public String constF32(String hint, long[] dims, float... values) {
        return initializer(fresh(hint), ElemType.FLOAT, dims, TensorBytes.f32(values));
    }

    public String scalarF32(String hint, float v) {
        return constF32(hint, new long[0], v);
    }

    public String constI64(String hint, long... values) {
        return initializer(fresh(hint), ElemType.INT64, new long[] {values.length}, TensorBytes.i64(values));
    }

    public String scalarI64(String hint, long v) {
        return initializer(fresh(hint), ElemType.INT64, new long[0], TensorBytes.i64(new long[] {v}));
    }

    /** A node of the default domain with one output. */
    public String op(String op, String... in) {
        return opA(op, List.of(), in);
    }

    /** A node with attributes and one output. */
    public String opA(String op, List<Attr> attrs, String... in) {
        String out = fresh(op.toLowerCase());
        claim(out);
        nodes.add(new Node(op, "", List.of(in), List.of(out), attrs));
        return out;
    }

    /** A node with several outputs (names generated). */
    public String[] opN(String op, int nOut, List<Attr> attrs, String... in) {
        String[] outs = new String[nOut];
        for (int i = 0; i < nOut; i++) {
            outs[i] = fresh(op.toLowerCase());
            claim(outs[i]);
        }
        nodes.add(new Node(op, "", List.of(in), List.of(outs), attrs));
        return outs;
    }

    /** A node of another domain (e.g. com.microsoft) with one output. */
    public String opDomain(String domain, int domainVersion, String op, List<Attr> attrs, String... in) {
        domains.putIfAbsent(domain, domainVersion);
        String out = fresh(op.toLowerCase());
        claim(out);
        nodes.add(new Node(op, domain, List.of(in), List.of(out), attrs));
        return out;
    }

    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** A new unique value name starting with {@code hint}. */
    public String fresh(String hint) {
        String n;
        do {
            n = hint + "_" + (counter++);
        } while (names.contains(n));
        return n;
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate value name " + name);
        }
    }

    /** Total bytes of all initializers. */
    public long initializerBytes() {
        long s = 0;
        for (Init i : initializers) {
            s += i.data.byteSize();
        }
        return s;
    }

    /**
     * Writes the model to {@code file}; with external data the weights go to {@code file + ".data"} (offsets
     * aligned to 4 KiB so ORT can memory-map them).
     *
     * @return the files written
     */
    public List<Path> write(Path file, ExternalData mode) throws IOException {
        long total = initializerBytes();
        boolean external = mode == ExternalData.ALWAYS || (mode == ExternalData.AUTO && total > PROTOBUF_LIMIT);
        if (!external && total > PROTOBUF_LIMIT) {
            throw new IOException("initializers total " + total + " bytes: above the 2 GB protobuf limit, use external data");
        }
        Path dataFile = file.resolveSibling(file.getFileName() + ".data");
        Map<Init, long[]> locations = new LinkedHashMap<>();
        if (external) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dataFile), 1 << 20)) {
                long offset = 0;
                for (Init init : initializers) {
                    if (init.data.byteSize() < 1024) {
                        continue; // small constants stay inline
                    }
                    long aligned = (offset + 4095) & ~4095L;
                    for (; offset < aligned; offset++) {
                        out.write(0);
                    }
                    init.data.writeTo(out);
                    locations.put(init, new long[] {offset, init.data.byteSize()});
                    offset += init.data.byteSize();
                }
            }
        } else {
            Files.deleteIfExists(dataFile);
        }

        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            graph.message(1, node(n));
        }
        graph.string(2, graphName);
        for (Init init : initializers) {
            long[] loc = locations.get(init);
            graph.message(5, tensor(init, loc, dataFile.getFileName().toString()));
        }
        for (ValueInfo v : inputs) {
            graph.message(11, valueInfo(v));
        }
        for (ValueInfo v : outputs) {
            graph.message(12, valueInfo(v));
        }

        ProtoWriter model = new ProtoWriter();
        model.varint(1, IR_VERSION);
        model.string(2, "maya1-java");
        model.string(3, "0.1");
        model.varint(5, 1);
        model.message(7, graph);
        for (var d : domains.entrySet()) {
            model.message(8, new ProtoWriter().string(1, d.getKey()).varint(2, d.getValue()));
        }
        for (var e : metadata.entrySet()) {
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        Files.write(file, model.toByteArray());
        return external ? List.of(file, dataFile) : List.of(file);
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter p = new ProtoWriter();
        for (String i : n.inputs) {
            p.string(1, i);
        }
        for (String o : n.outputs) {
            p.string(2, o);
        }
        p.string(3, n.outputs.getFirst());
        p.string(4, n.op);
        for (Attr a : n.attrs) {
            p.message(5, attr(a));
        }
        if (!n.domain.isEmpty()) {
            p.string(7, n.domain);
        }
        return p;
    }

    private static ProtoWriter attr(Attr a) {
        ProtoWriter p = new ProtoWriter().string(1, a.name);
        switch (a.value) {
            case Long l -> p.varint(20, 2).varint(3, l);
            case Integer i -> p.varint(20, 2).varint(3, i);
            case Float f -> p.varint(20, 1).float32(2, f);
            case String s -> p.varint(20, 3).string(4, s);
            case long[] ls -> p.varint(20, 7).packedVarints(8, ls);
            case float[] fs -> p.varint(20, 6).packedFloats(7, fs);
            case Init t -> p.varint(20, 4).message(5, tensor(t, null, null));
            default -> throw new IllegalArgumentException("attribute type " + a.value.getClass());
        }
        return p;
    }

    private static ProtoWriter tensor(Init t, long[] externalLocation, String dataFileName) {
        ProtoWriter p = new ProtoWriter();
        p.packedVarints(1, t.dims);
        p.varint(2, t.type.code);
        p.string(8, t.name);
        if (externalLocation == null) {
            p.bytes(9, t.data.toByteArray());
        } else {
            p.message(13, new ProtoWriter().string(1, "location").string(2, dataFileName));
            p.message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(externalLocation[0])));
            p.message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(externalLocation[1])));
            p.varint(14, 1);
        }
        return p;
    }

    private static ProtoWriter valueInfo(ValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : v.dims) {
            ProtoWriter dim = new ProtoWriter();
            switch (d) {
                case Long l -> dim.varint(1, l);
                case Integer i -> dim.varint(1, i);
                case String s -> dim.string(2, s);
                default -> throw new IllegalArgumentException("dim " + d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, v.type.code).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, v.name).message(2, type);
    }
}
