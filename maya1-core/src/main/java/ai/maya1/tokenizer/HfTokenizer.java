package ai.maya1.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pure-Java Hugging Face tokenizer for byte-level BPE models (Llama 3, Maya1, GPT-2 style), id-for-id identical to
 * the Rust {@code tokenizers} library for the features it accepts:
 *
 * <ul>
 *   <li>model {@code BPE} with merges as {@code "a b"} or {@code ["a","b"]}, {@code ignore_merges}, optional
 *       {@code unk_token}/{@code fuse_unk};</li>
 *   <li>{@code added_tokens} with {@code special}, {@code lstrip}, {@code rstrip}, {@code single_word},
 *       {@code normalized}; ids are kept as written (sparse ids allowed);</li>
 *   <li>pre-tokenizer {@code Sequence[Split(Llama 3 regex, Isolated), ByteLevel(use_regex=false)]} or
 *       {@code ByteLevel(use_regex=true)} (GPT-2 regex), both run by exact hand-written scanners;</li>
 *   <li>post-processors {@code ByteLevel}, {@code TemplateProcessing} and their {@code Sequence};
 *       decoder {@code ByteLevel}.</li>
 * </ul>
 * Anything else (a normalizer, another model or pre-tokenizer, dropout, byte fallback, ...) is refused with a
 * {@link TokenizerFormatException} naming the field.
 *
 * <p>Security: {@link #encode(String, boolean)} never turns special tokens typed in the text (for example
 * {@code <|eot_id|>}) into control ids; they are tokenized as plain text, like Hugging Face with
 * {@code split_special_tokens=True}. Only a prompt builder inserts control ids. Files are read with caps on size,
 * nesting depth, string length and ids.
 *
 * <p>Immutable and thread-safe; a bounded word cache speeds up pre-tokens that are not whole vocabulary entries.
 */
public final class HfTokenizer implements TextTokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizer.class);

    /** Largest tokenizer.json accepted. */
    public static final long MAX_FILE_BYTES = 512L << 20;
    /** Largest id accepted (ids index arrays). */
    public static final int MAX_ID = (1 << 21) - 1;
    /** Most vocab entries and merges accepted (the largest real vocabularies have about 260 000 entries). */
    public static final int MAX_VOCAB = 1 << 21;
    public static final int MAX_MERGES = 1 << 22;
    /** Most added tokens, and most chars over all of them (they build a trie). */
    public static final int MAX_ADDED = 1 << 20;
    public static final int MAX_ADDED_CHARS = 1 << 23;
    static final int MAX_TOKEN_CHARS = 1 << 16;
    private static final int MAX_DEPTH = 64;
    private static final int CACHE_MAX_ENTRIES = 1 << 16;
    private static final int CACHE_MAX_WORD_CHARS = 64;
    /** Words at most this long merge with the quadratic scan; longer ones with a heap (no quadratic blow-up). */
    private static final int SMALL_WORD = 48;

    private final String source;
    private final String[] idToToken;
    private final byte[][] idToBytes;
    private final Map<String, Integer> vocab;
    private final Map<String, AddedToken> addedByContent;
    private final Map<Integer, AddedToken> addedById;
    private final List<AddedToken> addedTokens;
    private final int[] byteToId = new int[256];
    private final MergeTable merges;
    private final StringIdTable wholeWords; // ignore_merges: pre-token text -> vocab id
    private final boolean ignoreMerges;
    private final int unkId;
    private final boolean fuseUnk;
    private final PreTokenSplitter splitter;
    private final boolean addPrefixSpace;
    private final boolean addPrefixSpacePerPiece;
    private final AddedTokenMatcher rawMatcher;       // normalized=false tokens
    private final AddedTokenMatcher normalizedMatcher; // normalized=true tokens
    private final boolean rawHasNonSpecial;
    private final boolean normalizedHasNonSpecial;
    private final int[] prefixIds;
    private final int[] suffixIds;
    private final int vocabSize;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /** Loads a tokenizer.json file. */
    public static HfTokenizer load(Path tokenizerJson) {
        String src = String.valueOf(tokenizerJson);
        long size;
        try {
            size = Files.size(tokenizerJson);
        } catch (IOException e) {
            throw new TokenizerFormatException(src, null, "cannot read tokenizer file: " + e.getMessage(), e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new TokenizerFormatException(src, null, "tokenizer file is " + size + " bytes, more than the " + MAX_FILE_BYTES + " accepted");
        }
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            long t0 = System.nanoTime();
            ObjectMapper mapper = mapper();
            ModelData[] data = new ModelData[1];
            JsonNode root = streamRoot(mapper, in, src, data);
            long t1 = System.nanoTime();
            HfTokenizer t = new HfTokenizer(root, data[0], src);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: parsed in {} ms, built in {} ms", src, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            }
            return t;
        } catch (IOException e) {
            throw new TokenizerFormatException(src, null, "not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Parses tokenizer.json text. */
    public static HfTokenizer fromJsonString(String json, String sourceName) {
        try {
            return fromJson(mapper().readTree(json), sourceName);
        } catch (IOException e) {
            throw new TokenizerFormatException(sourceName, null, "not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Builds a tokenizer from a tokenizer.json tree (the GGUF reader builds an equivalent tree). */
    public static HfTokenizer fromJson(JsonNode root, String sourceName) {
        return new HfTokenizer(root, null, sourceName == null ? "<memory>" : sourceName);
    }

    /** A Jackson mapper with the caps used for tokenizer files (depth, string length, document size). */
    static ObjectMapper mapper() {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_TOKEN_CHARS * 4).maxDocumentLength(MAX_FILE_BYTES)
                .maxNumberLength(64).build()).build();
        return new ObjectMapper(f);
    }

    /** The bulk of a BPE model (vocab and merges), read either from a tree or straight from the stream. */
    private static final class ModelData {
        final HashMap<String, Integer> vocab = new HashMap<>(1 << 18);
        final ArrayList<String> left = new ArrayList<>();
        final ArrayList<String> right = new ArrayList<>();
        int maxId = -1;

        void addToken(String token, long id, String source) {
            if (id < 0 || id > MAX_ID) {
                throw new TokenizerFormatException(source, "model.vocab[" + abbreviate(token) + "]", "id " + id + " is outside 0.." + MAX_ID);
            }
            if (token.length() > MAX_TOKEN_CHARS) {
                throw new TokenizerFormatException(source, "model.vocab", "token of " + token.length() + " chars is longer than " + MAX_TOKEN_CHARS);
            }
            if (vocab.put(token, (int) id) == null && vocab.size() > MAX_VOCAB) {
                throw new TokenizerFormatException(source, "model.vocab", "more than " + MAX_VOCAB + " vocab entries");
            }
            maxId = Math.max(maxId, (int) id);
        }

        void checkMergeCount(String source) {
            if (left.size() >= MAX_MERGES) {
                throw new TokenizerFormatException(source, "model.merges", "more than " + MAX_MERGES + " merges");
            }
        }

        void addMergeLine(String line, String source) {
            checkMergeCount(source);
            int sp = line.indexOf(' ');
            if (sp < 0 || line.indexOf(' ', sp + 1) >= 0) {
                throw new TokenizerFormatException(source, "model.merges[" + left.size() + "]", "merge '" + abbreviate(line)
                        + "' is not two tokens separated by one space");
            }
            left.add(line.substring(0, sp));
            right.add(line.substring(sp + 1));
        }

        TokenizerFormatException badMerge(String source) {
            return new TokenizerFormatException(source, "model.merges[" + left.size() + "]", "a merge must be \"a b\" or [\"a\", \"b\"]");
        }

        static ModelData fromTree(JsonNode model, String source) {
            ModelData d = new ModelData();
            JsonNode vocabNode = model.get("vocab");
            if (vocabNode == null || !vocabNode.isObject()) {
                throw new TokenizerFormatException(source, "model.vocab", "missing vocab object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode id = e.getValue();
                if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                    throw new TokenizerFormatException(source, "model.vocab[" + abbreviate(e.getKey()) + "]", "id must be an integer");
                }
                d.addToken(e.getKey(), id.longValue(), source);
            }
            JsonNode mergesNode = model.get("merges");
            if (mergesNode == null || mergesNode.isNull()) {
                return d;
            }
            if (!mergesNode.isArray()) {
                throw new TokenizerFormatException(source, "model.merges", "must be an array");
            }
            for (JsonNode m : mergesNode) {
                if (m.isTextual()) {
                    d.addMergeLine(m.asText(), source);
                } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                    d.checkMergeCount(source);
                    d.left.add(m.get(0).asText());
                    d.right.add(m.get(1).asText());
                } else {
                    throw d.badMerge(source);
                }
            }
            return d;
        }
    }

    /**
     * Reads tokenizer.json as a tree except model.vocab and model.merges, which are streamed straight into
     * {@code data[0]} (a third of the load time and far less memory than 400 000 tree nodes).
     */
    private static JsonNode streamRoot(ObjectMapper mapper, InputStream in, String source, ModelData[] data) throws IOException {
        try (JsonParser p = mapper.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerFormatException(source, null, "tokenizer.json must be a JSON object");
            }
            ObjectNode root = mapper.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"model".equals(name) || t != JsonToken.START_OBJECT) {
                    root.set(name, mapper.readTree(p));
                    continue;
                }
                ModelData d = new ModelData();
                boolean sawVocab = false;
                ObjectNode model = mapper.createObjectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("vocab".equals(f) && v == JsonToken.START_OBJECT) {
                        sawVocab = true;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String token = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                                throw new TokenizerFormatException(source, "model.vocab[" + abbreviate(token) + "]", "id must be an integer");
                            }
                            d.addToken(token, p.getLongValue(), source);
                        }
                    } else if ("merges".equals(f) && v == JsonToken.START_ARRAY) {
                        for (JsonToken m = p.nextToken(); m != JsonToken.END_ARRAY; m = p.nextToken()) {
                            if (m == JsonToken.VALUE_STRING) {
                                d.addMergeLine(p.getText(), source);
                            } else if (m == JsonToken.START_ARRAY) {
                                String a = p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                                String b = a != null && p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
                                if (b == null || p.nextToken() != JsonToken.END_ARRAY) {
                                    throw d.badMerge(source);
                                }
                                d.checkMergeCount(source);
                                d.left.add(a);
                                d.right.add(b);
                            } else {
                                throw d.badMerge(source);
                            }
                        }
                    } else {
                        model.set(f, mapper.readTree(p));
                    }
                }
                root.set("model", model);
                data[0] = sawVocab ? d : null;
            }
            return root;
        }
    }

    private TokenizerFormatException bad(String field, String message) {
        return new TokenizerFormatException(source, field, message);
    }

    private HfTokenizer(JsonNode root, ModelData data, String source) {
        this.source = source;
        if (root == null || !root.isObject()) {
            throw bad(null, "tokenizer.json must be a JSON object");
        }
        for (String ignored : new String[] {"truncation", "padding"}) {
            if (root.hasNonNull(ignored)) {
                LOG.warn("{}: '{}' is ignored (this tokenizer never truncates or pads)", source, ignored);
            }
        }
        if (root.hasNonNull("normalizer")) {
            throw bad("normalizer.type", "normalizer '" + root.get("normalizer").path("type").asText("?") + "' is not supported (only null)");
        }

        // ---- model
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw bad("model", "missing model object");
        }
        String type = model.path("type").asText("BPE");
        if (!"BPE".equals(type)) {
            throw bad("model.type", "model type '" + type + "' is not supported (only BPE)");
        }
        if (model.hasNonNull("dropout") && model.get("dropout").asDouble() != 0.0) {
            throw bad("model.dropout", "BPE dropout is not supported");
        }
        for (String f : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (model.hasNonNull(f) && !model.get(f).asText().isEmpty()) {
                throw bad("model." + f, f + " is not supported");
            }
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw bad("model.byte_fallback", "byte_fallback is not supported (byte-level BPE only)");
        }
        ignoreMerges = model.path("ignore_merges").asBoolean(false);
        fuseUnk = model.path("fuse_unk").asBoolean(false);

        if (data == null) {
            data = ModelData.fromTree(model, source);
        }
        vocab = data.vocab;
        int maxId = data.maxId;

        // ---- added tokens
        List<AddedToken> added = new ArrayList<>();
        JsonNode addedNode = root.get("added_tokens");
        if (addedNode != null && !addedNode.isNull()) {
            if (!addedNode.isArray()) {
                throw bad("added_tokens", "must be an array");
            }
            if (addedNode.size() > MAX_ADDED) {
                throw bad("added_tokens", addedNode.size() + " added tokens, more than " + MAX_ADDED);
            }
            long addedChars = 0;
            for (int i = 0; i < addedNode.size(); i++) {
                JsonNode a = addedNode.get(i);
                String field = "added_tokens[" + i + "]";
                if (!a.isObject() || !a.path("content").isTextual()) {
                    throw bad(field, "needs a string 'content'");
                }
                String content = a.get("content").asText();
                if (content.isEmpty()) {
                    throw bad(field + ".content", "empty added token");
                }
                checkToken(content, field + ".content");
                addedChars += content.length();
                if (addedChars > MAX_ADDED_CHARS) {
                    throw bad(field + ".content", "added tokens hold more than " + MAX_ADDED_CHARS + " chars in all");
                }
                int id = checkId(a.get("id"), field + ".id");
                boolean special = bool(a, "special", false, field);
                added.add(new AddedToken(id, content, special, bool(a, "lstrip", false, field), bool(a, "rstrip", false, field),
                        bool(a, "single_word", false, field), bool(a, "normalized", !special, field)));
                maxId = Math.max(maxId, id);
            }
        }
        addedTokens = List.copyOf(added);
        addedByContent = new HashMap<>();
        addedById = new HashMap<>();
        for (AddedToken t : added) {
            addedByContent.putIfAbsent(t.content(), t);
            addedById.put(t.id(), t);
        }

        vocabSize = maxId + 1;
        idToToken = new String[vocabSize];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            idToToken[e.getValue()] = e.getKey();
        }
        for (AddedToken t : added) {
            idToToken[t.id()] = t.content();
        }
        idToBytes = new byte[vocabSize][];
        for (int id = 0; id < vocabSize; id++) {
            String t = idToToken[id];
            if (t != null) {
                byte[] b = ByteLevel.toBytes(t);
                idToBytes[id] = b != null ? b : t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }

        // ---- byte alphabet and merges
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
            byteToId[b] = id == null ? -1 : id;
        }
        String unk = model.hasNonNull("unk_token") ? model.get("unk_token").asText() : null;
        if (unk != null && !vocab.containsKey(unk)) {
            throw bad("model.unk_token", "unk_token '" + abbreviate(unk) + "' is not in the vocab");
        }
        unkId = unk == null ? -1 : vocab.get(unk);
        int missing = 0;
        for (int id : byteToId) {
            missing += id < 0 ? 1 : 0;
        }
        if (missing > 0) {
            LOG.warn("{}: {} of the 256 byte-level symbols are not in the vocab; such bytes are {}", source, missing,
                    unkId >= 0 ? "encoded as unk_token" : "dropped, as Hugging Face does without unk_token");
        }
        merges = new MergeTable(data.left.size());
        for (int rank = 0; rank < data.left.size(); rank++) {
            String a = data.left.get(rank);
            String b = data.right.get(rank);
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            Integer im = vocab.get(a.concat(b));
            if (ia == null || ib == null) {
                throw bad("model.merges[" + rank + "]", "merge token '" + abbreviate(ia == null ? a : b) + "' is not in the vocab");
            }
            if (im == null) {
                throw bad("model.merges[" + rank + "]", "merged token '" + abbreviate(a + b) + "' is not in the vocab");
            }
            merges.put(ia, ib, rank, im);
        }

        // whole-word table: with ignore_merges a pre-token that is a vocab entry is emitted as is
        if (ignoreMerges) {
            String[] keys = new String[vocab.size()];
            int[] vals = new int[vocab.size()];
            int n = 0;
            java.nio.charset.CharsetDecoder dec = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
            for (Map.Entry<String, Integer> e : vocab.entrySet()) {
                byte[] bytes = ByteLevel.toBytes(e.getKey());
                if (bytes == null) {
                    continue; // not byte-level: no pre-token can equal it
                }
                try {
                    keys[n] = dec.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                    vals[n++] = e.getValue();
                } catch (java.nio.charset.CharacterCodingException ex) {
                    // a partial UTF-8 sequence can never be a whole pre-token
                }
            }
            wholeWords = new StringIdTable(keys, vals, n);
        } else {
            wholeWords = null;
        }

        // ---- pre-tokenizer
        PreTokenizerSpec spec = parsePreTokenizer(root.get("pre_tokenizer"));
        splitter = spec.splitter;
        addPrefixSpace = spec.addPrefixSpace && !spec.perPiece;
        addPrefixSpacePerPiece = spec.addPrefixSpace && spec.perPiece;

        // ---- added token matching passes
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> norm = new ArrayList<>();
        for (AddedToken t : added) {
            (t.normalized() ? norm : raw).add(t);
        }
        rawMatcher = raw.isEmpty() ? null : new AddedTokenMatcher(raw);
        normalizedMatcher = norm.isEmpty() ? null : new AddedTokenMatcher(norm);
        rawHasNonSpecial = raw.stream().anyMatch(t -> !t.special());
        normalizedHasNonSpecial = norm.stream().anyMatch(t -> !t.special());

        // ---- post-processor and decoder
        int[][] ps = parsePostProcessor(root.get("post_processor"), "post_processor");
        prefixIds = ps[0];
        suffixIds = ps[1];
        parseDecoder(root.get("decoder"), "decoder");
    }

    /** addPrefixSpace: ByteLevel's add_prefix_space; perPiece: applied to each Split piece (ByteLevel after a Split). */
    private record PreTokenizerSpec(PreTokenSplitter splitter, boolean addPrefixSpace, boolean perPiece) {
    }

    private PreTokenizerSpec parsePreTokenizer(JsonNode p) {
        if (p == null || p.isNull()) {
            throw bad("pre_tokenizer", "a ByteLevel pre-tokenizer is required (byte-level BPE only)");
        }
        String type = p.path("type").asText();
        if ("ByteLevel".equals(type)) {
            boolean useRegex = p.path("use_regex").asBoolean(true);
            return new PreTokenizerSpec(useRegex ? new Gpt2Splitter() : WHOLE, p.path("add_prefix_space").asBoolean(false), false);
        }
        if (!"Sequence".equals(type)) {
            throw bad("pre_tokenizer.type", "pre-tokenizer '" + type + "' is not supported (Sequence[Split, ByteLevel] or ByteLevel)");
        }
        JsonNode list = p.get("pretokenizers");
        if (list == null || !list.isArray() || list.size() != 2) {
            throw bad("pre_tokenizer.pretokenizers", "only Sequence[Split(regex), ByteLevel] is supported");
        }
        JsonNode split = list.get(0);
        JsonNode bl = list.get(1);
        if (!"Split".equals(split.path("type").asText())) {
            throw bad("pre_tokenizer.pretokenizers[0].type", "expected Split, found '" + split.path("type").asText() + "'");
        }
        if (!"ByteLevel".equals(bl.path("type").asText())) {
            throw bad("pre_tokenizer.pretokenizers[1].type", "expected ByteLevel, found '" + bl.path("type").asText() + "'");
        }
        if (bl.path("use_regex").asBoolean(true)) {
            throw bad("pre_tokenizer.pretokenizers[1].use_regex", "a ByteLevel regex after a Split is not supported");
        }
        String regex = split.path("pattern").path("Regex").asText(null);
        if (regex == null) {
            throw bad("pre_tokenizer.pretokenizers[0].pattern", "only a Regex pattern is supported");
        }
        if (!"Isolated".equals(split.path("behavior").asText())) {
            throw bad("pre_tokenizer.pretokenizers[0].behavior", "only behavior Isolated is supported");
        }
        if (split.path("invert").asBoolean(false)) {
            throw bad("pre_tokenizer.pretokenizers[0].invert", "invert=true is not supported");
        }
        PreTokenSplitter s;
        if (Llama3Splitter.PATTERN.equals(regex)) {
            s = new Llama3Splitter();
        } else if (GPT2_SPLIT_REGEX.equals(regex)) {
            s = new Gpt2Splitter();
        } else {
            throw bad("pre_tokenizer.pretokenizers[0].pattern.Regex", "unsupported split regex '" + abbreviate(regex)
                    + "' (supported: the Llama 3 and GPT-2 patterns)");
        }
        return new PreTokenizerSpec(s, bl.path("add_prefix_space").asBoolean(false), true);
    }

    /** The GPT-2 split regex (ByteLevel use_regex=true), accepted as a Split pattern too. */
    public static final String GPT2_SPLIT_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** The Llama 3 split regex, exactly as tokenizer.json writes it (for trees built from GGUF metadata). */
    public static final String LLAMA3_SPLIT_REGEX = Llama3Splitter.PATTERN;
    private static final PreTokenSplitter WHOLE = (s, from, to, ends) -> ends.add(to);

    private int[][] parsePostProcessor(JsonNode p, String field) {
        int[][] none = {new int[0], new int[0]};
        if (p == null || p.isNull()) {
            return none;
        }
        String type = p.path("type").asText();
        switch (type) {
            case "ByteLevel":
                return none; // offsets only
            case "Sequence": {
                JsonNode list = p.get("processors");
                if (list == null || !list.isArray()) {
                    throw bad(field + ".processors", "must be an array");
                }
                IntList pre = new IntList(4);
                IntList suf = new IntList(4);
                for (int i = 0; i < list.size(); i++) {
                    int[][] r = parsePostProcessor(list.get(i), field + ".processors[" + i + "]");
                    // a later processor wraps the result of an earlier one
                    int[] oldPre = pre.toArray();
                    pre.clear();
                    pre.addAll(r[0]);
                    pre.addAll(oldPre);
                    suf.addAll(r[1]);
                }
                return new int[][] {pre.toArray(), suf.toArray()};
            }
            case "TemplateProcessing": {
                JsonNode single = p.get("single");
                if (single == null || !single.isArray()) {
                    throw bad(field + ".single", "must be an array");
                }
                JsonNode specials = p.path("special_tokens");
                IntList pre = new IntList(4);
                IntList suf = new IntList(4);
                int sequences = 0;
                for (int i = 0; i < single.size(); i++) {
                    JsonNode piece = single.get(i);
                    if (piece.has("Sequence")) {
                        String id = piece.get("Sequence").path("id").asText();
                        if (!"A".equals(id)) {
                            throw bad(field + ".single[" + i + "]", "a single template must use sequence A, found '" + id + "'");
                        }
                        sequences++;
                    } else if (piece.has("SpecialToken")) {
                        String name = piece.get("SpecialToken").path("id").asText();
                        JsonNode st = specials.get(name);
                        if (st == null || !st.path("ids").isArray()) {
                            throw bad(field + ".special_tokens", "template token '" + abbreviate(name) + "' has no ids");
                        }
                        for (JsonNode idNode : st.get("ids")) {
                            int id = checkId(idNode, field + ".special_tokens." + name);
                            (sequences == 0 ? pre : suf).add(id);
                        }
                    } else {
                        throw bad(field + ".single[" + i + "]", "unknown template piece");
                    }
                }
                if (sequences != 1) {
                    throw bad(field + ".single", "the single template must contain sequence A exactly once");
                }
                return new int[][] {pre.toArray(), suf.toArray()};
            }
            default:
                throw bad(field + ".type", "post-processor '" + type + "' is not supported (ByteLevel, TemplateProcessing, Sequence)");
        }
    }

    private void parseDecoder(JsonNode d, String field) {
        if (d == null || d.isNull()) {
            return; // decoded as ByteLevel
        }
        String type = d.path("type").asText();
        if ("ByteLevel".equals(type)) {
            return;
        }
        if ("Sequence".equals(type) && d.path("decoders").isArray()) {
            for (int i = 0; i < d.get("decoders").size(); i++) {
                parseDecoder(d.get("decoders").get(i), field + ".decoders[" + i + "]");
            }
            return;
        }
        throw bad(field + ".type", "decoder '" + type + "' is not supported (ByteLevel only)");
    }

    private int checkId(JsonNode n, String field) {
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw bad(field, "id must be an integer");
        }
        int id = n.intValue();
        if (id < 0 || id > MAX_ID) {
            throw bad(field, "id " + id + " is outside 0.." + MAX_ID);
        }
        return id;
    }

    private void checkToken(String s, String field) {
        if (s.length() > MAX_TOKEN_CHARS) {
            throw bad(field, "token of " + s.length() + " chars is longer than " + MAX_TOKEN_CHARS);
        }
    }

    private boolean bool(JsonNode obj, String name, boolean dflt, String field) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw bad(field + "." + name, "must be a boolean");
        }
        return n.booleanValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    // ------------------------------------------------------------------ encoding

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        return encode(text, addSpecialTokens, false);
    }

    /**
     * Encodes TRUSTED text in which special tokens typed as text (e.g. {@code <|eot_id|>}) do become control ids, as
     * Hugging Face does by default. Never call this with user input: use {@link #encode(String, boolean)}.
     */
    public int[] encodeTrusted(String text, boolean addSpecialTokens) {
        return encode(text, addSpecialTokens, true);
    }

    private int[] encode(String text, boolean addSpecialTokens, boolean matchSpecial) {
        IntList out = new IntList(text.length() / 3 + 8);
        if (addSpecialTokens) {
            out.addAll(prefixIds);
        }
        encodeText(text, matchSpecial, out);
        if (addSpecialTokens) {
            out.addAll(suffixIds);
        }
        return out.toArray();
    }

    private void encodeText(String text, boolean matchSpecial, IntList out) {
        boolean rawPass = rawMatcher != null && (matchSpecial || rawHasNonSpecial);
        boolean normPass = normalizedMatcher != null && (matchSpecial || normalizedHasNonSpecial);
        if (!rawPass && !normPass) {
            encodeSegment(text, 0, text.length(), out);
            return;
        }
        AddedTokenMatcher.Sink second = new AddedTokenMatcher.Sink() {
            @Override
            public void text(int from, int to) {
                encodeSegment(text, from, to, out);
            }

            @Override
            public void token(AddedToken token) {
                out.add(token.id());
            }
        };
        AddedTokenMatcher.Sink first = !normPass ? second : new AddedTokenMatcher.Sink() {
            @Override
            public void text(int from, int to) {
                normalizedMatcher.split(text, from, to, !matchSpecial, second);
            }

            @Override
            public void token(AddedToken token) {
                out.add(token.id());
            }
        };
        if (rawPass) {
            rawMatcher.split(text, 0, text.length(), !matchSpecial, first);
        } else {
            first.text(0, text.length());
        }
    }

    /** Pre-tokenizes and encodes one stretch of text without added tokens. */
    private void encodeSegment(String s, int from, int to, IntList out) {
        if (from >= to) {
            return;
        }
        if (addPrefixSpace && s.charAt(from) != ' ') {
            String t = " " + s.substring(from, to);
            encodeSegment0(t, 0, t.length(), out);
        } else {
            encodeSegment0(s, from, to, out);
        }
    }

    private void encodeSegment0(String s, int from, int to, IntList out) {
        IntList ends = new IntList(Math.min(1024, (to - from) / 3 + 4));
        splitter.split(s, from, to, ends);
        int start = from;
        for (int i = 0; i < ends.size(); i++) {
            int end = ends.get(i);
            if (addPrefixSpacePerPiece && s.charAt(start) != ' ') {
                String piece = " " + s.substring(start, end);
                encodePiece(piece, 0, piece.length(), out);
            } else {
                encodePiece(s, start, end, out);
            }
            start = end;
        }
    }

    /** Encodes one pre-token s[start, end): whole-word hit, cache hit, or byte-level BPE. */
    private void encodePiece(String s, int start, int end, IntList out) {
        if (wholeWords != null) {
            int id = wholeWords.get(s, start, end);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        String key = null;
        if (end - start <= CACHE_MAX_WORD_CHARS) {
            key = s.substring(start, end);
            int[] hit = cache.get(key);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        byte[] bytes = new byte[(end - start) * 3];
        int len = ByteLevel.utf8(s, start, end, bytes);
        int[] ids = bpe(bytes, len);
        if (key != null && cache.size() < CACHE_MAX_ENTRIES) {
            cache.put(key, ids);
        }
        out.addAll(ids);
    }

    /** Byte-level BPE of one pre-token, as Hugging Face's Word::merge_all (lowest rank first, then leftmost). */
    private int[] bpe(byte[] bytes, int len) {
        int[] sym = new int[len];
        int n = 0;
        boolean lastUnk = false;
        for (int i = 0; i < len; i++) {
            int id = byteToId[bytes[i] & 0xFF];
            if (id < 0) {
                if (unkId < 0) {
                    continue;
                }
                if (fuseUnk && lastUnk) {
                    continue;
                }
                id = unkId;
                lastUnk = true;
            } else {
                lastUnk = false;
            }
            sym[n++] = id;
        }
        if (n <= SMALL_WORD) {
            return mergeSmall(sym, n);
        }
        return mergeLarge(sym, n);
    }

    private int[] mergeSmall(int[] sym, int n) {
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int bestPos = -1;
            for (int i = 0; i < n - 1; i++) {
                long m = merges.get(sym[i], sym[i + 1]);
                if (m != MergeTable.NONE && m < best) {
                    best = m;
                    bestPos = i;
                }
            }
            if (bestPos < 0) {
                break;
            }
            sym[bestPos] = (int) best;
            System.arraycopy(sym, bestPos + 2, sym, bestPos + 1, n - bestPos - 2);
            n--;
        }
        return java.util.Arrays.copyOf(sym, n);
    }

    /** O(n log n) merging with a heap of (rank, position) and a linked list of symbols. */
    private int[] mergeLarge(int[] sym, int n) {
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(sym[i], sym[i + 1]);
            if (m != MergeTable.NONE) {
                heap.push((m >>> 32) << 32 | i);
            }
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            long rank = top >>> 32;
            if (dead[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            long m = merges.get(sym[pos], sym[right]);
            if (m == MergeTable.NONE || (m >>> 32) != rank) {
                continue; // stale entry
            }
            sym[pos] = (int) m;
            dead[right] = true;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                long mp = merges.get(sym[prev[pos]], sym[pos]);
                if (mp != MergeTable.NONE) {
                    heap.push((mp >>> 32) << 32 | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                long mn = merges.get(sym[pos], sym[next[pos]]);
                if (mn != MergeTable.NONE) {
                    heap.push((mn >>> 32) << 32 | pos);
                }
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
        return out.toArray();
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int n;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return n == 0;
        }

        void push(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) {
                    break;
                }
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--n];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && a[c + 1] < a[c]) {
                    c++;
                }
                if (a[c] >= v) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }

    // ------------------------------------------------------------------ decoding and lookups

    @Override
    public String decode(int[] ids) {
        int total = 0;
        for (int id : ids) {
            if (id >= 0 && id < vocabSize && idToBytes[id] != null) {
                total += idToBytes[id].length;
            }
        }
        byte[] buf = new byte[total];
        int n = 0;
        for (int id : ids) {
            if (id >= 0 && id < vocabSize && idToBytes[id] != null) {
                byte[] b = idToBytes[id];
                System.arraycopy(b, 0, buf, n, b.length);
                n += b.length;
            }
        }
        return ByteLevel.lossyUtf8(buf, n);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public OptionalInt tokenId(String token) {
        AddedToken a = addedByContent.get(token);
        if (a != null) {
            return OptionalInt.of(a.id());
        }
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String tokenString(int id) {
        return id >= 0 && id < vocabSize ? idToToken[id] : null;
    }

    /** The added tokens of the file, in file order. */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** The added token with this id, if any. */
    public java.util.Optional<AddedToken> addedToken(int id) {
        return java.util.Optional.ofNullable(addedById.get(id));
    }

    /** Ids the post-processor puts before the text when special tokens are added (e.g. BOS). */
    public int[] prefixIds() {
        return prefixIds.clone();
    }

    /** Ids the post-processor puts after the text when special tokens are added. */
    public int[] suffixIds() {
        return suffixIds.clone();
    }

    /** Where this tokenizer was loaded from. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + source + ", " + vocab.size() + " vocab, " + addedTokens.size() + " added, ids < " + vocabSize + "]";
    }

}
