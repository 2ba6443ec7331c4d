package ai.maya1.weights.gguf;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.ModelJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the embedded {@code tokenizer.ggml.*} metadata of a byte-level BPE model ({@code tokenizer.ggml.model
 * = gpt2}, as llama.cpp writes Llama 3 and Maya1) back into the tokenizer.json tree Hugging Face's
 * {@code tokenizers} uses: control / user-defined tokens become {@code added_tokens} (special / not special),
 * the rest the BPE vocabulary; {@code tokenizer.ggml.pre} picks the pre-tokenizer regex; {@code add_bos_token}
 * adds the BOS template as Meta's Llama 3 tokenizer.json does.
 */
final class GgufTokenizer {
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private GgufTokenizer() {
    }

    static JsonNode build(GgufFile f) {
        Map<String, Object> v = f.values();
        Object model = v.get("tokenizer.ggml.model");
        if (model == null) {
            throw new ModelFormatException(f.file(), "tokenizer.ggml.model", -1, "the file embeds no tokenizer");
        }
        if (!"gpt2".equals(model)) {
            throw new ModelFormatException(f.file(), "tokenizer.ggml.model", -1, "unsupported tokenizer model '" + model + "' (supported: gpt2 byte-level BPE)");
        }
        String pre = v.get("tokenizer.ggml.pre") instanceof String s ? s : "default";
        String regex = switch (pre) {
            case "llama-bpe", "llama3", "llama-v3", "smaug-bpe" -> LLAMA3_REGEX;
            case "default", "gpt2", "gpt-2" -> GPT2_REGEX;
            default -> throw new ModelFormatException(f.file(), "tokenizer.ggml.pre", -1, "unsupported pre-tokenizer '" + pre
                    + "' (supported: llama-bpe, default)");
        };
        if (!(v.get("tokenizer.ggml.tokens") instanceof List<?> tokensRaw) || (!tokensRaw.isEmpty() && !(tokensRaw.getFirst() instanceof String))) {
            throw new ModelFormatException(f.file(), "tokenizer.ggml.tokens", -1, "missing or not an array of strings");
        }
        @SuppressWarnings("unchecked")
        List<String> tokens = (List<String>) tokensRaw;
        long[] types = null;
        if (v.get("tokenizer.ggml.token_type") != null) {
            if (!(v.get("tokenizer.ggml.token_type") instanceof long[] t) || t.length != tokens.size()) {
                throw new ModelFormatException(f.file(), "tokenizer.ggml.token_type", -1, "must be an integer array as long as tokenizer.ggml.tokens ("
                        + tokens.size() + ")");
            }
            types = t;
        }
        List<?> merges = v.get("tokenizer.ggml.merges") instanceof List<?> m ? m : List.of();
        ObjectNode root = ModelJson.mapper().createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = ModelJson.mapper().createObjectNode();
        Map<String, Integer> seen = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            String t = tokens.get(id);
            int type = types == null ? NORMAL : (int) types[id];
            if (type == CONTROL || type == USER_DEFINED) {
                ObjectNode a = added.addObject();
                a.put("id", id);
                a.put("content", t);
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", type != CONTROL);
                a.put("special", type == CONTROL);
            } else {
                Integer prev = seen.putIfAbsent(t, id);
                if (prev != null) {
                    throw new ModelFormatException(f.file(), "tokenizer.ggml.tokens", -1, "token " + id + " repeats token " + prev + " ("
                            + ModelJson.mapper().valueToTree(t) + ")");
                }
                vocab.put(t, id);
            }
        }
        root.putNull("normalizer");
        ObjectNode preTok = root.putObject("pre_tokenizer");
        preTok.put("type", "Sequence");
        ArrayNode seq = preTok.putArray("pretokenizers");
        ObjectNode split = seq.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", regex);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        ObjectNode bl = seq.addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("trim_offsets", true);
        bl.put("use_regex", false);
        ObjectNode byteLevelPost = ModelJson.mapper().createObjectNode();
        byteLevelPost.put("type", "ByteLevel");
        byteLevelPost.put("add_prefix_space", true);
        byteLevelPost.put("trim_offsets", false);
        byteLevelPost.put("use_regex", true);
        boolean addBos = Boolean.TRUE.equals(v.get("tokenizer.ggml.add_bos_token"));
        if (addBos && v.get("tokenizer.ggml.bos_token_id") instanceof Long bos && bos >= 0 && bos < tokens.size()) {
            String bosText = tokens.get((int) (long) bos);
            ObjectNode post = root.putObject("post_processor");
            post.put("type", "Sequence");
            ArrayNode procs = post.putArray("processors");
            procs.add(byteLevelPost);
            ObjectNode tp = procs.addObject();
            tp.put("type", "TemplateProcessing");
            ArrayNode single = tp.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", bosText).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = tp.putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", bosText).put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", bosText).put("type_id", 1);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode st = tp.putObject("special_tokens").putObject(bosText);
            st.put("id", bosText);
            st.putArray("ids").add(bos);
            st.putArray("tokens").add(bosText);
        } else {
            root.set("post_processor", byteLevelPost);
        }
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        m.putNull("unk_token");
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", false);
        m.put("byte_fallback", false);
        m.put("ignore_merges", pre.startsWith("llama") || pre.equals("smaug-bpe"));
        m.set("vocab", vocab);
        ArrayNode mergesOut = m.putArray("merges");
        for (Object o : merges) {
            if (!(o instanceof String s) || s.indexOf(' ') <= 0) {
                throw new ModelFormatException(f.file(), "tokenizer.ggml.merges", -1, "merge entries must be strings 'left right'");
            }
            mergesOut.add(s);
        }
        return root;
    }
}
