package ai.maya1.weights.gguf;

import ai.maya1.weights.DType;

/** ggml tensor types as numbered in GGUF files; only some map to a {@link DType} this SDK computes with. */
public enum GgmlType {
    F32(0, DType.F32), F16(1, DType.F16), Q4_0(2, DType.Q4_0), Q4_1(3, null), Q5_0(6, null), Q5_1(7, null),
    Q8_0(8, DType.Q8_0), Q8_1(9, null), Q2_K(10, null), Q3_K(11, null), Q4_K(12, DType.Q4_K), Q5_K(13, DType.Q5_K),
    Q6_K(14, DType.Q6_K), Q8_K(15, null), IQ2_XXS(16, null), IQ2_XS(17, null), IQ3_XXS(18, null), IQ1_S(19, null),
    IQ4_NL(20, null), IQ3_S(21, null), IQ2_S(22, null), IQ4_XS(23, null), I8(24, null), I16(25, null), I32(26, null),
    I64(27, null), F64(28, null), IQ1_M(29, null), BF16(30, DType.BF16), TQ1_0(34, null), TQ2_0(35, null), MXFP4(39, null);

    /** The types this SDK reads, for error messages. */
    public static final String SUPPORTED = "F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K";

    private final int id;
    private final DType dtype;

    GgmlType(int id, DType dtype) {
        this.id = id;
        this.dtype = dtype;
    }

    public int id() {
        return id;
    }

    /** The SDK dtype, or null when this type is not supported. */
    public DType dtype() {
        return dtype;
    }

    /** The type with this id, or null if the id is unknown. */
    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** GGUF type of a supported dtype. */
    public static GgmlType of(DType d) {
        for (GgmlType t : values()) {
            if (t.dtype == d) {
                return t;
            }
        }
        throw new IllegalArgumentException("no GGUF type for " + d);
    }
}
