package ai.maya1.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Typed, bounded reading of the fields of a model {@code config.json}. A value of the wrong JSON type (a number
 * given as a string, a float where a size belongs, a string where an object belongs), out of its range, or
 * missing when required is a {@link ModelFormatException} naming the file and the key (nested keys with their
 * path, e.g. {@code rope_scaling.factor}). Nothing is coerced: Jackson's lenient {@code asInt()} /
 * {@code asDouble()} would turn {@code "4096"} into 4096 and {@code "abc"} into 0.
 */
public final class ConfigFields {
    private final JsonNode node;
    private final Path source;
    private final String prefix;

    private ConfigFields(JsonNode node, Path source, String prefix) {
        this.node = node;
        this.source = source;
        this.prefix = prefix;
    }

    /** The fields of the top-level object of {@code source} (which only names the file in errors; may be null). */
    public static ConfigFields of(JsonNode root, Path source) {
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source, null, -1, "config is not a JSON object");
        }
        return new ConfigFields(root, source, "");
    }

    /** The file named in errors (may be null). */
    public Path source() {
        return source;
    }

    /** The full key of {@code key} as errors name it ({@code rope_scaling.factor} inside {@code rope_scaling}). */
    public String keyOf(String key) {
        return prefix + key;
    }

    /** True when {@code key} is present with a value other than {@code null}. */
    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** A typed error naming the file and {@code key}. */
    public ModelFormatException error(String key, String message) {
        return new ModelFormatException(source, keyOf(key), -1, message);
    }

    /** The nested object {@code key}, or null when absent or {@code null}; another JSON type is an error. */
    public ConfigFields object(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isObject()) {
            throw error(key, keyOf(key) + " must be a JSON object, got " + describe(v));
        }
        return new ConfigFields(v, source, keyOf(key) + ".");
    }

    /** A required JSON integer in {@code [min, max]}. */
    public int requiredInt(String key, int min, int max) {
        if (!has(key)) {
            throw error(key, "required key " + keyOf(key) + " is missing (an integer in " + min + ".." + max + ")");
        }
        return intValue(key, min, max);
    }

    /** An optional JSON integer in {@code [min, max]}; {@code dflt} when absent or {@code null}. */
    public int optionalInt(String key, int dflt, int min, int max) {
        return has(key) ? intValue(key, min, max) : dflt;
    }

    private int intValue(String key, int min, int max) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber()) {
            throw error(key, keyOf(key) + " must be a JSON integer, got " + describe(v));
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw error(key, keyOf(key) + " = " + v.asText() + " is outside " + min + ".." + max);
        }
        return v.intValue();
    }

    /** A required finite JSON number {@code > 0} and {@code <= max}. */
    public double requiredPositive(String key, double max) {
        if (!has(key)) {
            throw error(key, "required key " + keyOf(key) + " is missing (a number > 0)");
        }
        return positiveValue(key, max);
    }

    /** An optional finite JSON number {@code > 0} and {@code <= max}; {@code dflt} when absent or {@code null}. */
    public double optionalPositive(String key, double dflt, double max) {
        return has(key) ? positiveValue(key, max) : dflt;
    }

    private double positiveValue(String key, double max) {
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(key, keyOf(key) + " must be a JSON number, got " + describe(v));
        }
        double d = v.doubleValue();
        if (!(d > 0) || !(d <= max)) {
            throw error(key, keyOf(key) + " = " + v.asText() + " must be > 0 and <= " + max);
        }
        return d;
    }

    /** A required finite JSON number in {@code [min, max]}. */
    public double requiredNumber(String key, double min, double max) {
        if (!has(key)) {
            throw error(key, "required key " + keyOf(key) + " is missing (a number in " + min + ".." + max + ")");
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(key, keyOf(key) + " must be a JSON number, got " + describe(v));
        }
        double d = v.doubleValue();
        if (!(d >= min) || !(d <= max)) {
            throw error(key, keyOf(key) + " = " + v.asText() + " is outside " + min + ".." + max);
        }
        return d;
    }

    /** An optional JSON boolean; {@code dflt} when absent or {@code null}. */
    public boolean optionalBoolean(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, keyOf(key) + " must be true or false, got " + describe(v));
        }
        return v.booleanValue();
    }

    /** An optional JSON string; {@code dflt} when absent or {@code null}. */
    public String optionalString(String key, String dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw error(key, keyOf(key) + " must be a JSON string, got " + describe(v));
        }
        return v.textValue();
    }

    /** {@code a * b}, or an error naming {@code key} when the product leaves {@code [0, max]}. */
    public long product(String key, long a, long b, long max) {
        long p;
        try {
            p = Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw error(key, "size product " + a + " x " + b + " overflows");
        }
        if (p < 0 || p > max) {
            throw error(key, "size product " + a + " x " + b + " = " + p + " exceeds " + max);
        }
        return p;
    }

    /** A short description of a JSON value for messages: its type and (abbreviated) text. */
    static String describe(JsonNode v) {
        String type = v.isTextual() ? "string" : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number" : v.isBoolean() ? "boolean"
                : v.isArray() ? "array" : v.isObject() ? "object" : "null";
        String text = v.toString();
        return type + " " + (text.length() > 40 ? text.substring(0, 37) + "..." : text);
    }
}
