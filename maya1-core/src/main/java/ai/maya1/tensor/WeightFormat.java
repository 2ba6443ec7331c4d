package ai.maya1.tensor;

import java.util.Locale;

/** How matrices are held in memory after loading. */
public enum WeightFormat {
    /** As the file stores them (BF16 stays BF16, F32 stays F32, GGUF blocks stay blocks; F16 is widened to F32). */
    AS_STORED,
    /** Widened / dequantized to float32 (twice the memory of BF16). */
    F32,
    /** Rounded to bfloat16 (round to nearest even); BF16 input is kept as is. */
    BF16,
    /** Quantized at load to GGUF Q8_0 blocks (bit-exact with ggml's quantizer); Q8_0 input is kept as is. */
    Q8_0;

    /** Parses "as-stored", "f32", "bf16", "q8_0" (case-insensitive; null or empty = as stored). */
    public static WeightFormat parse(String s) {
        if (s == null || s.isBlank()) {
            return AS_STORED;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "as_stored", "stored", "auto" -> AS_STORED;
            case "f32", "float32", "fp32" -> F32;
            case "bf16", "bfloat16" -> BF16;
            case "q8_0", "q8" -> Q8_0;
            default -> throw new IllegalArgumentException("unknown weight format '" + s + "' (expected as-stored, f32, bf16 or q8_0)");
        };
    }
}
