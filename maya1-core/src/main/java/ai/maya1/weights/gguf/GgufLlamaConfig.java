package ai.maya1.weights.gguf;

import ai.maya1.weights.LlamaTensorNames;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Builds a Hugging Face {@code LlamaConfig} JSON from GGUF metadata ({@code llama.*} keys), so the Java Llama
 * model loads a GGUF file exactly like a Hugging Face folder. llama3 RoPE scaling is not in the metadata: the
 * converter stores the per-frequency factors as {@code rope_freqs.weight}; the parameters are recovered from
 * them and the recovered scaling is checked to reproduce every stored factor.
 */
final class GgufLlamaConfig {
    private GgufLlamaConfig() {
    }

    static ObjectNode build(GgufFile f) {
        String arch = f.architecture();
        if (!arch.equals("llama")) {
            throw new ModelFormatException(f.file(), "general.architecture", -1, "architecture '" + arch + "' is not llama");
        }
        Map<String, Object> v = f.values();
        ObjectNode c = ModelJson.mapper().createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        long hidden = integer(f, "llama.embedding_length", -1);
        long heads = integer(f, "llama.attention.head_count", -1);
        long kvHeads = integer(f, "llama.attention.head_count_kv", heads);
        long layers = integer(f, "llama.block_count", -1);
        long ffn = integer(f, "llama.feed_forward_length", -1);
        long headDim = integer(f, "llama.attention.key_length", hidden / heads);
        c.put("hidden_size", hidden);
        c.put("intermediate_size", ffn);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("head_dim", headDim);
        c.put("max_position_embeddings", integer(f, "llama.context_length", 2048));
        c.put("rms_norm_eps", real(f, "llama.attention.layer_norm_rms_epsilon", 1e-5));
        double theta = real(f, "llama.rope.freq_base", 10000.0);
        c.put("rope_theta", theta);
        long vocab;
        if (v.get("llama.vocab_size") != null) {
            vocab = integer(f, "llama.vocab_size", -1);
        } else if (v.get("tokenizer.ggml.tokens") instanceof List<?> toks) {
            vocab = toks.size();
        } else {
            GgufFile.TensorInfo e = f.tensorInfos().get(LlamaTensorNames.EMBED);
            if (e == null) {
                throw new ModelFormatException(f.file(), "llama.vocab_size", -1, "cannot tell the vocabulary size");
            }
            vocab = e.ggufDims()[e.ggufDims().length - 1];
        }
        c.put("vocab_size", vocab);
        c.put("hidden_act", "silu");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("tie_word_embeddings", !f.tensorInfos().containsKey(LlamaTensorNames.LM_HEAD));
        if (v.get("tokenizer.ggml.bos_token_id") != null) {
            c.put("bos_token_id", integer(f, "tokenizer.ggml.bos_token_id", -1));
        }
        if (v.get("tokenizer.ggml.eos_token_id") != null) {
            c.put("eos_token_id", integer(f, "tokenizer.ggml.eos_token_id", -1));
        }
        long ropeDim = integer(f, "llama.rope.dimension_count", headDim);
        float[] factors = f.ropeFreqs().orElse(null);
        String scalingType = v.get("llama.rope.scaling.type") instanceof String s ? s : "none";
        if (factors != null) {
            c.set("rope_scaling", llama3Scaling(f, factors, ropeDim, theta, (long) integerOr(f, "llama.rope.scaling.original_context_length", 8192)));
        } else if (scalingType.equals("linear") || scalingType.equals("yarn")) {
            ObjectNode rs = c.putObject("rope_scaling");
            rs.put("rope_type", scalingType);
            rs.put("factor", real(f, "llama.rope.scaling.factor", 1.0));
            if (v.get("llama.rope.scaling.original_context_length") != null) {
                rs.put("original_max_position_embeddings", integer(f, "llama.rope.scaling.original_context_length", -1));
            }
        } else if (!scalingType.equals("none")) {
            throw new ModelFormatException(f.file(), "llama.rope.scaling.type", -1, "unsupported RoPE scaling '" + scalingType + "'");
        } else {
            c.putNull("rope_scaling");
        }
        return c;
    }

    /**
     * Recovers (factor, low_freq_factor, high_freq_factor, original_max_position_embeddings) from the llama3
     * factors. Only the ratios original/low and original/high are determined by the data; the usual
     * low=1, high=4 and the metadata's original context are tried first, then solved for.
     */
    static ObjectNode llama3Scaling(GgufFile f, float[] factors, long ropeDim, double theta, long original) {
        if (factors.length * 2L != ropeDim) {
            throw new ModelFormatException(f.file(), GgufFile.ROPE_FREQS, -1, "rope_freqs.weight has " + factors.length
                    + " entries, expected rope dimension / 2 = " + ropeDim / 2);
        }
        double factor = 1;
        for (float x : factors) {
            factor = Math.max(factor, x);
        }
        double[] wavelen = new double[factors.length];
        for (int i = 0; i < factors.length; i++) {
            float freq = (float) (1.0 / Math.pow(theta, (2.0 * i) / ropeDim));
            wavelen[i] = 2 * Math.PI / freq;
        }
        double[][] candidates = {{factor, 1, 4, original}};
        double[] found = null;
        for (double[] cand : candidates) {
            if (matches(factors, wavelen, cand)) {
                found = cand;
            }
        }
        if (found == null) {
            // smoothed entries: 1/r = (1-s)/factor + s  =>  s = (1/r - 1/factor) / (1 - 1/factor) = a/wavelen + b
            double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
            int n = 0;
            for (int i = 0; i < factors.length; i++) {
                if (factors[i] > 1.0001 && factors[i] < factor * 0.9999) {
                    double s = (1 / factors[i] - 1 / factor) / (1 - 1 / factor);
                    double x = 1 / wavelen[i];
                    sumX += x; sumY += s; sumXX += x * x; sumXY += x * s;
                    n++;
                }
            }
            if (n >= 2) {
                double a = (n * sumXY - sumX * sumY) / (n * sumXX - sumX * sumX);
                double b = (sumY - a * sumX) / n;
                // a = old/(hi-lo), b = -lo/(hi-lo)
                double span = original / a;
                double lo = -b * span;
                double[] cand = {factor, round(lo), round(lo + span), original};
                if (matches(factors, wavelen, cand)) {
                    found = cand;
                }
            } else if (n == 1) {
                for (int i = 0; i < factors.length && found == null; i++) {
                    if (factors[i] > 1.0001 && factors[i] < factor * 0.9999) {
                        double s = (1 / factors[i] - 1 / factor) / (1 - 1 / factor);
                        double old = Math.rint(wavelen[i] * (3 * s + 1));
                        double[] cand = {factor, 1, 4, old};
                        if (matches(factors, wavelen, cand)) {
                            found = cand;
                        }
                    }
                }
            }
        }
        if (found == null) {
            throw new ModelFormatException(f.file(), GgufFile.ROPE_FREQS, -1, "rope_freqs.weight does not follow llama3 RoPE scaling");
        }
        ObjectNode rs = ModelJson.mapper().createObjectNode();
        rs.put("rope_type", "llama3");
        rs.put("factor", found[0]);
        rs.put("low_freq_factor", found[1]);
        rs.put("high_freq_factor", found[2]);
        rs.put("original_max_position_embeddings", (long) found[3]);
        return rs;
    }

    private static double round(double x) {
        double r = Math.rint(x * 1e4) / 1e4;
        return Math.abs(r - Math.rint(r)) < 1e-4 ? Math.rint(r) : r;
    }

    /** The factors llama.cpp's converter computes for these parameters, compared with what is stored. */
    private static boolean matches(float[] factors, double[] wavelen, double[] p) {
        double factor = p[0], lo = p[1], hi = p[2], old = p[3];
        if (!(hi > lo) || !(lo > 0) || !(old > 0)) {
            return false;
        }
        double lowWl = old / lo, highWl = old / hi;
        for (int i = 0; i < factors.length; i++) {
            double expect;
            if (wavelen[i] < highWl) {
                expect = 1;
            } else if (wavelen[i] > lowWl) {
                expect = factor;
            } else {
                double smooth = (old / wavelen[i] - lo) / (hi - lo);
                expect = 1 / ((1 - smooth) / factor + smooth);
            }
            if (Math.abs(expect - factors[i]) > 1e-5 * Math.max(1, Math.abs(expect))) {
                return false;
            }
        }
        return true;
    }

    private static long integer(GgufFile f, String key, long dflt) {
        Object o = f.values().get(key);
        if (o == null) {
            if (dflt >= 0) {
                return dflt;
            }
            throw new ModelFormatException(f.file(), key, -1, "missing metadata key");
        }
        if (!(o instanceof Long l) || l < 0) {
            throw new ModelFormatException(f.file(), key, -1, "metadata value must be a non-negative integer, got " + GgufFile.render(o));
        }
        return l;
    }

    private static double integerOr(GgufFile f, String key, long dflt) {
        return f.values().get(key) == null ? dflt : integer(f, key, -1);
    }

    private static double real(GgufFile f, String key, double dflt) {
        Object o = f.values().get(key);
        if (o == null) {
            return dflt;
        }
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof Long l) {
            return l;
        }
        throw new ModelFormatException(f.file(), key, -1, "metadata value must be a number, got " + GgufFile.render(o));
    }
}
