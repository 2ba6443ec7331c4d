package ai.maya1.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

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
 * <p>Immutable and thread-safe. The file is read by {@link TokenizerJsonReader}; one pre-token is merged by
 * {@link ByteLevelBpe} (with a bounded word cache); this class finds added tokens, pre-tokenizes, adds the
 * post-processor's ids, and decodes.
 */
public final class HfTokenizer implements TextTokenizer {
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

    /** The GPT-2 split regex (ByteLevel use_regex=true), accepted as a Split pattern too. */
    public static final String GPT2_SPLIT_REGEX = TokenizerJsonReader.GPT2_SPLIT_REGEX;
    /** The Llama 3 split regex, exactly as tokenizer.json writes it (for trees built from GGUF metadata). */
    public static final String LLAMA3_SPLIT_REGEX = Llama3Splitter.PATTERN;

    private final String source;
    private final String[] idToToken;
    private final byte[][] idToBytes;
    private final Map<String, Integer> vocab;
    private final Map<String, AddedToken> addedByContent = new HashMap<>();
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final List<AddedToken> addedTokens;
    private final ByteLevelBpe bpe;
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

    /** Loads a tokenizer.json file. */
    public static HfTokenizer load(Path tokenizerJson) {
        return new HfTokenizer(TokenizerJsonReader.read(tokenizerJson));
    }

    /** Parses tokenizer.json text. */
    public static HfTokenizer fromJsonString(String json, String sourceName) {
        return new HfTokenizer(TokenizerJsonReader.read(json, sourceName));
    }

    /** Builds a tokenizer from a tokenizer.json tree (the GGUF reader builds an equivalent tree). */
    public static HfTokenizer fromJson(JsonNode root, String sourceName) {
        return new HfTokenizer(TokenizerJsonReader.read(root, sourceName));
    }

    private HfTokenizer(TokenizerModel m) {
        source = m.source();
        vocab = m.vocab();
        addedTokens = m.addedTokens();
        vocabSize = m.vocabSize();
        idToToken = m.idToToken();
        idToBytes = m.idToBytes();
        bpe = m.bpe();
        splitter = m.splitter();
        addPrefixSpace = m.addPrefixSpace();
        addPrefixSpacePerPiece = m.addPrefixSpacePerPiece();
        prefixIds = m.prefixIds();
        suffixIds = m.suffixIds();
        for (AddedToken t : addedTokens) {
            addedByContent.putIfAbsent(t.content(), t);
            addedById.put(t.id(), t);
        }
        // added tokens are matched in two passes: as written (normalized=false), then in the normalized text
        List<AddedToken> raw = new ArrayList<>();
        List<AddedToken> norm = new ArrayList<>();
        for (AddedToken t : addedTokens) {
            (t.normalized() ? norm : raw).add(t);
        }
        rawMatcher = raw.isEmpty() ? null : new AddedTokenMatcher(raw);
        normalizedMatcher = norm.isEmpty() ? null : new AddedTokenMatcher(norm);
        rawHasNonSpecial = raw.stream().anyMatch(t -> !t.special());
        normalizedHasNonSpecial = norm.stream().anyMatch(t -> !t.special());
    }


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
                bpe.encodePiece(piece, 0, piece.length(), out);
            } else {
                bpe.encodePiece(s, start, end, out);
            }
            start = end;
        }
    }

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
