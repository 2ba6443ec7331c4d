package ai.maya1.tensor;

import java.util.Locale;

/**
 * How the activation vector enters the products of a block-quantized matrix (Q8_0, Q4_0).
 *
 * <ul>
 * <li>{@link #Q8}: quantized once per product to Q8_0 blocks (32 int8 and one f16 scale, ggml's
 * {@code quantize_row_q8_0_ref}); every block is then an int8 x int8 dot with int accumulation and one float
 * multiply per block, as ggml's {@code ggml_vec_dot_q8_0_q8_0} / {@code ggml_vec_dot_q4_0_q8_0}. What llama.cpp
 * computes; a quarter of the activation bytes and several times the throughput per weight byte.</li>
 * <li>{@link #F32}: the exact float path: weights dequantized in registers and multiplied with the float32
 * activations (no activation rounding). For parity work and users who want it.</li>
 * </ul>
 * Default per format ({@link #defaultFor}): {@link #Q8} for Q8_0 (decode and prefill both ~1.5x more tokens per
 * CPU-second than the float path at the Maya1 3B shape), {@link #F32} for Q4_0 (its int8 kernel decodes ~20 % slower
 * than the float path in Java: without VNNI in the Vector API, unpacking nibbles and reducing int16 products costs
 * more instructions than float FMAs on 16 lanes). The system property {@code maya1.activations=q8|f32} sets both
 * for the whole JVM. Formats without an integer kernel (F32, BF16, the K-quants) always take float32 activations.
 */
public enum ActivationFormat {
    /** Activations quantized to Q8_0 blocks, integer dot products (the default). */
    Q8,
    /** Float32 activations, the exact dequantize-and-multiply path. */
    F32;

    /** {@code maya1.activations} ("q8" or "f32", case-insensitive), null when unset. */
    public static ActivationFormat fromSystemProperty() {
        String s = System.getProperty("maya1.activations");
        return s == null || s.isBlank() ? null : parse(s);
    }

    /** The default for a weight format: {@code maya1.activations} when set, else Q8 for Q8_0 and F32 otherwise. */
    public static ActivationFormat defaultFor(ai.maya1.weights.DType type) {
        ActivationFormat forced = fromSystemProperty();
        if (forced != null) {
            return forced;
        }
        return type == ai.maya1.weights.DType.Q8_0 ? Q8 : F32;
    }

    /** Parses "q8" / "q8_0" / "int8" or "f32" / "float" / "exact" (null or blank = {@link #Q8}). */
    public static ActivationFormat parse(String s) {
        if (s == null || s.isBlank()) {
            return Q8;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "q8", "q8_0", "int8" -> Q8;
            case "f32", "float", "float32", "exact" -> F32;
            default -> throw new IllegalArgumentException("unknown activation format '" + s + "' (expected q8 or f32)");
        };
    }
}
