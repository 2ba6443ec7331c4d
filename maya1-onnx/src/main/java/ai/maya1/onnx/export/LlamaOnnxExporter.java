package ai.maya1.onnx.export;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.onnx.export.OnnxModel.Attr;
import ai.maya1.onnx.export.OnnxModel.ElemType;
import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a Llama decoder (Maya1's backbone) as an ONNX graph with an externally owned KV cache.
 *
 * <p>Default layout ({@code maya1.kind = llama-kv}): inputs {@code input_ids [B,S]}, {@code position_ids [B,S]}
 * (int64) and per layer {@code past_key_N}, {@code past_value_N} {@code [B,P,KV,d]} (token-major, keys after
 * RoPE); outputs {@code logits [B,S,V]} and only the NEW rows {@code new_key_N}, {@code new_value_N}
 * {@code [B,S,KV,d]}. Token-major rows let the caller keep the cache in one direct buffer per layer and hand
 * ORT a prefix slice as the past and the next rows as pinned outputs, so nothing is copied per step. Query
 * {@code s} attends to cache rows {@code 0..position_ids[s]} (the cache holds positions 0..P-1 in order).
 *
 * <p>Optimum layout ({@code optimum = true}): {@code input_ids}, {@code attention_mask [B,P+S]},
 * {@code position_ids}, {@code past_key_values.N.key/value [B,KV,P,d]} to {@code logits},
 * {@code present.N.key/value [B,KV,P+S,d]}, as Hugging Face Optimum exports it (used to test the import path).
 *
 * <p>Weights are exported as float32 (ORT's CPU provider has no BF16 MatMul); every projection is a
 * {@code Gemm(x, W, transB=1)} on the stored {@code [out,in]} matrix, so weights stream from the checkpoint into
 * the external data file unchanged in layout (BF16 widened on the fly).
 */
public final class LlamaOnnxExporter {

    /**
     * @param weightBits    0 for float32 projections; 8 or 4 for block-quantized {@code com.microsoft.MatMulNBits}
     *                      projections and output head (symmetric, default zero point, the embedding gather stays F32)
     * @param blockSize     quantization block along the input dimension (16..256, power of two)
     * @param accuracyLevel MatMulNBits {@code accuracy_level}: 0 dequantizes to float32, 4 lets ORT's CPU kernel
     *                      quantize activations to int8 (faster, less exact)
     */
    public record Options(boolean optimumLayout, OnnxModel.ExternalData externalData, int weightBits, int blockSize, int accuracyLevel) {
        public Options {
            if (weightBits != 0 && weightBits != 4 && weightBits != 8) {
                throw new IllegalArgumentException("weightBits must be 0, 4 or 8, got " + weightBits);
            }
            if (blockSize < 16 || blockSize > 256 || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException("blockSize must be a power of two in [16, 256], got " + blockSize);
            }
        }

        public Options(boolean optimumLayout, OnnxModel.ExternalData externalData) {
            this(optimumLayout, externalData, 0, 32, 0);
        }

        public static Options defaults() {
            return new Options(false, OnnxModel.ExternalData.AUTO);
        }

        /** Block 16 for int8 (greedy-stable on the golden model), 32 for int4. */
        public Options withWeightBits(int bits, int accuracyLevel) {
            return new Options(optimumLayout, externalData, bits, bits == 4 ? 32 : 16, accuracyLevel);
        }
    }

    private final LlamaGraphConfig c;
    private final TensorSource w;
    private final Options opt;
    private final OnnxModel g = new OnnxModel("llama_decoder");
    private long parameters;

    private LlamaOnnxExporter(LlamaGraphConfig c, TensorSource w, Options opt) {
        this.c = c;
        this.w = w;
        this.opt = opt;
    }

    public static List<Path> export(LlamaGraphConfig c, TensorSource weights, Path out, Options opt) throws IOException {
        LlamaOnnxExporter e = new LlamaOnnxExporter(c, weights, opt);
        e.build();
        return e.g.write(out, opt.externalData());
    }

    private void build() {
        int d = c.headDim();
        int kv = c.kvHeads();
        int h = c.heads();
        int grp = h / kv;
        int half = d / 2;
        g.metadata("maya1.kind", opt.optimumLayout ? "llama-optimum" : "llama-kv");
        g.metadata("maya1.layers", Integer.toString(c.layers()));
        g.metadata("maya1.kv_heads", Integer.toString(kv));
        g.metadata("maya1.head_dim", Integer.toString(d));
        g.metadata("maya1.vocab_size", Integer.toString(c.vocabSize()));
        g.metadata("maya1.max_positions", Integer.toString(c.maxPositions()));
        g.metadata("maya1.weights", opt.weightBits() == 0 ? "F32" : "MatMulNBits int" + opt.weightBits() + " block " + opt.blockSize());

        String ids = g.input("input_ids", ElemType.INT64, "batch", "seq");
        String mask = opt.optimumLayout ? g.input("attention_mask", ElemType.INT64, "batch", "total") : null;
        String pos = g.input("position_ids", ElemType.INT64, "batch", "seq");
        String[] pastK = new String[c.layers()];
        String[] pastV = new String[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            if (opt.optimumLayout) {
                pastK[l] = g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3)),
                        g.input("past_key_values." + l + ".key", ElemType.FLOAT, "batch", (long) kv, "past", (long) d));
                pastV[l] = g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3)),
                        g.input("past_key_values." + l + ".value", ElemType.FLOAT, "batch", (long) kv, "past", (long) d));
            } else {
                pastK[l] = g.input("past_key_" + l, ElemType.FLOAT, "batch", "past", (long) kv, (long) d);
                pastV[l] = g.input("past_value_" + l, ElemType.FLOAT, "batch", "past", (long) kv, (long) d);
            }
        }
        String idsShape = g.op("Shape", ids); // [B, S]
        String kvRowShape = g.opA("Concat", List.of(Attr.i("axis", 0)), idsShape, g.constI64("kvd", kv, d)); // [B,S,KV,d]
        String qGroupShape = g.opA("Concat", List.of(Attr.i("axis", 0)), idsShape, g.constI64("kvgd", kv, grp, d)); // [B,S,KV,G,d]

        String embed = weight(LlamaTensorNames.EMBED, c.vocabSize(), c.hiddenSize());
        String x = g.op("Gather", embed, g.op("Reshape", ids, g.constI64("flat", -1))); // [N, D]

        // RoPE tables from the positions, in float32 as Hugging Face: angle = float(pos) * inv_freq
        String posF = g.opA("Cast", List.of(Attr.i("to", ElemType.FLOAT.code())), g.op("Reshape", pos, g.constI64("col", -1, 1)));
        String ang = g.op("Mul", posF, g.constF32("inv_freq", new long[] {half}, c.inverseFrequencies())); // [N, half]
        String cos = g.op("Unsqueeze", g.op("Cos", ang), g.constI64("ax1", 1)); // [N,1,half]
        String sin = g.op("Unsqueeze", g.op("Sin", ang), g.constI64("ax1", 1));

        // causal mask [B,1,1,S,T]: cache row j is visible to a query at position p iff j <= p
        String pos5 = g.op("Unsqueeze", pos, g.constI64("ax124", 1, 2, 4));
        String scale = g.scalarF32("scale", (float) (1.0 / Math.sqrt(d)));
        String minF = g.scalarF32("min", -Float.MAX_VALUE);

        for (int l = 0; l < c.layers(); l++) {
            String p = LlamaTensorNames.layerPrefix(l);
            String a = rmsNorm(x, p + LlamaTensorNames.ATTN_NORM);
            String q = g.op("Reshape", gemm(a, p + LlamaTensorNames.Q_PROJ, h * d, c.hiddenSize()), g.constI64("nhd", -1, h, d));
            String k = g.op("Reshape", gemm(a, p + LlamaTensorNames.K_PROJ, kv * d, c.hiddenSize()), g.constI64("nkd", -1, kv, d));
            String v = gemm(a, p + LlamaTensorNames.V_PROJ, kv * d, c.hiddenSize());
            q = rope(q, cos, sin, half);
            k = rope(k, cos, sin, half);
            String newK = g.op("Reshape", k, kvRowShape);
            String newV = g.op("Reshape", v, kvRowShape);
            String keys = g.opA("Concat", List.of(Attr.i("axis", 1)), pastK[l], newK); // [B,T,KV,d]
            String vals = g.opA("Concat", List.of(Attr.i("axis", 1)), pastV[l], newV);
            if (opt.optimumLayout) {
                g.output(g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3)), keys), "present." + l + ".key", ElemType.FLOAT, "batch",
                        (long) kv, "total", (long) d);
                g.output(g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3)), vals), "present." + l + ".value", ElemType.FLOAT,
                        "batch", (long) kv, "total", (long) d);
            } else {
                g.output(newK, "new_key_" + l, ElemType.FLOAT, "batch", "seq", (long) kv, (long) d);
                g.output(newV, "new_value_" + l, ElemType.FLOAT, "batch", "seq", (long) kv, (long) d);
            }
            String q5 = g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 3, 1, 4)), g.op("Reshape", q, qGroupShape)); // [B,KV,G,S,d]
            String kT = g.op("Unsqueeze", g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 3, 1)), keys), g.constI64("ax2", 2)); // [B,KV,1,d,T]
            String scores = g.op("Mul", g.op("MatMul", q5, kT), scale); // [B,KV,G,S,T]
            String allowed = allowed(keys, pos5, mask);
            String probs = g.opA("Softmax", List.of(Attr.i("axis", -1)), g.op("Where", allowed, scores, minF));
            String v5 = g.op("Unsqueeze", g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1, 3)), vals), g.constI64("ax2", 2)); // [B,KV,1,T,d]
            String o = g.opA("Transpose", List.of(Attr.ints("perm", 0, 3, 1, 2, 4)), g.op("MatMul", probs, v5)); // [B,S,KV,G,d]
            o = g.op("Reshape", o, g.constI64("nhd2", -1, (long) h * d));
            x = g.op("Add", x, gemm(o, p + LlamaTensorNames.O_PROJ, c.hiddenSize(), h * d));
            String m = rmsNorm(x, p + LlamaTensorNames.MLP_NORM);
            String gate = gemm(m, p + LlamaTensorNames.GATE_PROJ, c.intermediateSize(), c.hiddenSize());
            String up = gemm(m, p + LlamaTensorNames.UP_PROJ, c.intermediateSize(), c.hiddenSize());
            String act = g.op("Mul", g.op("Mul", gate, g.op("Sigmoid", gate)), up);
            x = g.op("Add", x, gemm(act, p + LlamaTensorNames.DOWN_PROJ, c.hiddenSize(), c.intermediateSize()));
        }
        String fin = rmsNorm(x, LlamaTensorNames.NORM);
        boolean untied = w.find(LlamaTensorNames.LM_HEAD).isPresent() && !c.tiedEmbeddings();
        String logits;
        if (opt.weightBits() > 0) {
            logits = quantizedMatMul(fin, untied ? LlamaTensorNames.LM_HEAD : LlamaTensorNames.EMBED, c.vocabSize(), c.hiddenSize());
        } else {
            String head = untied ? weight(LlamaTensorNames.LM_HEAD, c.vocabSize(), c.hiddenSize()) : embed;
            logits = g.opA("Gemm", List.of(Attr.i("transB", 1)), fin, head);
        }
        String outShape = g.opA("Concat", List.of(Attr.i("axis", 0)), idsShape, g.constI64("v", c.vocabSize()));
        g.output(g.op("Reshape", logits, outShape), "logits", ElemType.FLOAT, "batch", "seq", (long) c.vocabSize());
        g.metadata("maya1.parameters", Long.toString(parameters));
    }

    private String allowed(String keys, String pos5, String mask) {
        String t = g.opA("Squeeze", List.of(), g.opA("Shape", List.of(Attr.i("start", 1), Attr.i("end", 2)), keys));
        String kidx = g.op("Range", g.scalarI64("zero", 0), t, g.scalarI64("one", 1)); // [T]
        String causal = g.op("LessOrEqual", kidx, pos5); // [B,1,1,S,T]
        if (mask == null) {
            return causal;
        }
        String m = g.op("Unsqueeze", g.opA("Cast", List.of(Attr.i("to", ElemType.BOOL.code())), mask), g.constI64("ax123", 1, 2, 3));
        return g.op("And", causal, m); // [B,1,1,S,T]
    }

    private String rope(String x, String cos, String sin, int half) {
        String x1 = g.op("Slice", x, g.constI64("s0", 0), g.constI64("e", half), g.constI64("a", 2));
        String x2 = g.op("Slice", x, g.constI64("s", half), g.constI64("e", 2L * half), g.constI64("a", 2));
        String o1 = g.op("Sub", g.op("Mul", x1, cos), g.op("Mul", x2, sin));
        String o2 = g.op("Add", g.op("Mul", x2, cos), g.op("Mul", x1, sin));
        return g.opA("Concat", List.of(Attr.i("axis", 2)), o1, o2);
    }

    private String rmsNorm(String x, String weightName) {
        String sq = g.op("Pow", x, g.scalarF32("two", 2f));
        String mean = g.opA("ReduceMean", List.of(Attr.ints("axes", -1), Attr.i("keepdims", 1)), sq);
        String denom = g.op("Sqrt", g.op("Add", mean, g.scalarF32("eps", c.rmsNormEps())));
        return g.op("Mul", g.op("Div", x, denom), weight(weightName, c.hiddenSize()));
    }

    private String gemm(String x, String name, long out, long in) {
        if (opt.weightBits() > 0) {
            return quantizedMatMul(x, name, out, in);
        }
        return g.opA("Gemm", List.of(Attr.i("transB", 1)), x, weight(name, out, in));
    }

    /**
     * {@code x * W^T} with W [n, k] quantized per block of {@code blockSize} inputs: q = round(w / s) + z with
     * s = max|w| / (2^(bits-1) - 1) and the default zero point z = 2^(bits-1) (so no zero-point input);
     * 4-bit values are packed two per byte, low nibble first (MatMulNBits' layout).
     */
    private String quantizedMatMul(String x, String name, long n, long k) {
        TensorData t = w.get(name);
        if (!Arrays.equals(t.shape(), new long[] {n, k})) {
            throw new ModelFormatException(w.path(), name, -1, "shape " + Arrays.toString(t.shape()) + ", expected [" + n + ", " + k + "]");
        }
        int bits = opt.weightBits();
        int bs = opt.blockSize();
        long blocks = (k + bs - 1) / bs;
        int blob = bs * bits / 8;
        int zero = 1 << (bits - 1);
        int qmax = zero - 1;
        if (n * blocks * blob > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(w.path(), name, -1, "tensor too large to quantize in one piece");
        }
        byte[] q = new byte[(int) (n * blocks * blob)];
        float[] scales = new float[(int) (n * blocks)];
        float[] row = new float[(int) k];
        var seg = t.data();
        for (long r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                long idx = r * k + i;
                row[i] = switch (t.dtype()) {
                    case F32 -> seg.getAtIndex(TensorBytes.F32_LE, idx);
                    case BF16 -> Float.intBitsToFloat((seg.getAtIndex(TensorBytes.I16_LE, idx) & 0xFFFF) << 16);
                    case F16 -> Float.float16ToFloat(seg.getAtIndex(TensorBytes.I16_LE, idx));
                    default -> throw new ModelFormatException(w.path(), name, -1, "dtype " + t.dtype() + " cannot be quantized");
                };
            }
            for (int b = 0; b < blocks; b++) {
                int from = b * bs;
                int to = (int) Math.min(k, from + bs);
                float amax = 0;
                for (int i = from; i < to; i++) {
                    amax = Math.max(amax, Math.abs(row[i]));
                }
                float scale = amax == 0 ? 1f : amax / qmax;
                scales[(int) (r * blocks + b)] = scale;
                int base = (int) ((r * blocks + b) * blob);
                for (int i = 0; i < bs; i++) {
                    int v = zero;
                    if (from + i < to) {
                        v = Math.clamp(Math.round(row[from + i] / scale), -qmax, qmax) + zero;
                    }
                    if (bits == 8) {
                        q[base + i] = (byte) v;
                    } else if ((i & 1) == 0) {
                        q[base + i / 2] = (byte) v;
                    } else {
                        q[base + i / 2] |= (byte) (v << 4);
                    }
                }
            }
        }
        if (!name.equals(LlamaTensorNames.EMBED)) { // a tied head is the embedding, counted once
            parameters += n * k;
        }
        String qName = g.initializer(name + ".q" + bits, ElemType.UINT8, new long[] {n, blocks, blob}, TensorBytes.of(q));
        String sName = g.initializer(name + ".scales", ElemType.FLOAT, new long[] {n * blocks}, TensorBytes.f32(scales));
        return g.opDomain("com.microsoft", 1, "MatMulNBits", List.of(Attr.i("K", k), Attr.i("N", n), Attr.i("bits", bits),
                Attr.i("block_size", bs), Attr.i("accuracy_level", opt.accuracyLevel())), x, qName, sName);
    }

    private String weight(String name, long... shape) {
        TensorData t = w.get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(w.path(), name, -1, "shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        }
        if (t.dtype() != DType.F32 && t.dtype() != DType.BF16 && t.dtype() != DType.F16) {
            throw new ModelFormatException(w.path(), name, -1, "dtype " + t.dtype() + " cannot be exported (F32, BF16, F16)");
        }
        parameters += t.elementCount();
        return g.initializer(name, ElemType.FLOAT, shape, TensorBytes.widenToF32(t.data(), t.dtype()));
    }
}
