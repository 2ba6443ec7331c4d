package ai.maya1.tokenizer;

import ai.maya1.Maya1Tokens;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Maya1's prompt ids exactly as the reference does: the string
 * {@code SOH BOS <description="D"> T EOT EOH SOA SOS}, encoded the way the reference calls the tokenizer
 * ({@code tokenizer(prompt)}: control tokens recognized, the model's post-processor applied). So the ids are
 *
 * <pre>
 *   [post-processor prefix]  128259 128000  ids('&lt;description="D"&gt; T')  128009 128260 128261 128257  [post-processor suffix]
 * </pre>
 *
 * where the prefix is {@code 128000} when the tokenizer.json has a TemplateProcessing that adds BOS (the Hugging Face
 * Maya1 repository) and empty with a plain ByteLevel post-processor. Unlike the reference, control tokens typed in
 * the description or text stay text (no prompt injection): only this class inserts control ids.
 *
 * <p>Inputs are checked: empty text, text or description over the configured limits, control characters (text may
 * hold tab, CR and LF), lone surrogates, and {@code "} or {@code >} in a description (they would end the
 * {@code <description="...">} header) give an {@link InvalidTextException} with the position. Emotion tags
 * ({@link EmotionTags}) are written inline in the text; a tag the tokenizer does not keep as one token is logged
 * once, an unknown {@code <tag>} is read as plain text (each encode logs only how many there were, at DEBUG, never
 * their text) or, in strict mode, rejected.
 *
 * <p>Immutable and thread-safe.
 */
public final class Maya1Prompt {
    private static final Logger LOG = LoggerFactory.getLogger(Maya1Prompt.class);

    // the protocol ids, as defined by Maya1Tokens (kept here for the prompt's readers)
    public static final int BOS = Maya1Tokens.BOS;
    public static final int EOT = Maya1Tokens.EOT;
    /** Start of speech: the first code follows (also CODE_START). */
    public static final int SOS = Maya1Tokens.SOS;
    public static final int CODE_END = Maya1Tokens.CODE_END;
    /** Start of human turn. */
    public static final int SOH = Maya1Tokens.SOH;
    /** End of human turn. */
    public static final int EOH = Maya1Tokens.EOH;
    /** Start of AI turn. */
    public static final int SOA = Maya1Tokens.SOA;
    /** First SNAC code id; codes are 128266..156937. */
    public static final int CODE_OFFSET = Maya1Tokens.CODE_OFFSET;

    /**
     * Prompt options.
     *
     * @param strictTags           reject an unknown {@code <tag>} instead of logging it
     * @param maxTextLength        most UTF-16 chars of text
     * @param maxDescriptionLength most UTF-16 chars of description
     */
    public record Options(boolean strictTags, int maxTextLength, int maxDescriptionLength) {
        public static final Options DEFAULT = new Options(false, 10_000, 1_000);

        public Options {
            if (maxTextLength < 1 || maxDescriptionLength < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builder for {@link Options}. */
        public static final class Builder {
            private boolean strictTags = DEFAULT.strictTags;
            private int maxTextLength = DEFAULT.maxTextLength;
            private int maxDescriptionLength = DEFAULT.maxDescriptionLength;

            public Builder strictTags(boolean v) {
                strictTags = v;
                return this;
            }

            public Builder maxTextLength(int v) {
                maxTextLength = v;
                return this;
            }

            public Builder maxDescriptionLength(int v) {
                maxDescriptionLength = v;
                return this;
            }

            public Options build() {
                return new Options(strictTags, maxTextLength, maxDescriptionLength);
            }
        }
    }

    private final TextTokenizer tokenizer;
    private final Options options;
    private final int[] prefix;
    private final int[] suffix;
    private final boolean stripBeforeEot;
    private final Map<String, Boolean> tagIsOneToken = new ConcurrentHashMap<>();
    private final Set<String> splitTagsWarned = ConcurrentHashMap.newKeySet();

    private Maya1Prompt(TextTokenizer tokenizer, Options options) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.options = Objects.requireNonNull(options, "options");
        String src = tokenizer instanceof HfTokenizer h ? h.source() : tokenizer.getClass().getSimpleName();
        for (int id : new int[] {SOH, BOS, EOT, EOH, SOA, SOS}) {
            if (tokenizer.tokenString(id) == null) {
                throw new TokenizerFormatException(src, "added_tokens", "the tokenizer has no Maya1 control token id " + id
                        + " (is this Maya1's tokenizer?)");
            }
        }
        if (tokenizer instanceof HfTokenizer h) {
            prefix = h.prefixIds();
            suffix = h.suffixIds();
            stripBeforeEot = h.addedToken(EOT).map(AddedToken::lstrip).orElse(false);
        } else {
            int[] plain = tokenizer.encode("a", false);
            int[] full = tokenizer.encode("a", true);
            int at = indexOf(full, plain);
            prefix = at < 0 ? new int[0] : Arrays.copyOfRange(full, 0, at);
            suffix = at < 0 ? new int[0] : Arrays.copyOfRange(full, at + plain.length, full.length);
            stripBeforeEot = false;
        }
        for (String name : EmotionTags.ALL) {
            tagIsOneToken.put(name, tokenizer.encode(EmotionTags.tag(name), false).length == 1);
        }
    }

    /** A prompt builder with the default options. */
    public static Maya1Prompt forTokenizer(TextTokenizer tokenizer) {
        return new Maya1Prompt(tokenizer, Options.DEFAULT);
    }

    /** A prompt builder with the given options. */
    public static Maya1Prompt forTokenizer(TextTokenizer tokenizer, Options options) {
        return new Maya1Prompt(tokenizer, options);
    }

    public Options options() {
        return options;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The prompt ids (see the class comment for the layout). */
    public int[] encode(String description, String text) {
        String body = body(description, text);
        if (stripBeforeEot) {
            int e = body.length();
            while (e > 0 && CharClasses.isSpace(body.charAt(e - 1))) {
                e--;
            }
            body = body.substring(0, e);
        }
        int[] mid = tokenizer.encode(body, false);
        int[] out = new int[prefix.length + 2 + mid.length + 4 + suffix.length];
        int n = 0;
        System.arraycopy(prefix, 0, out, n, prefix.length);
        n += prefix.length;
        out[n++] = SOH;
        out[n++] = BOS;
        System.arraycopy(mid, 0, out, n, mid.length);
        n += mid.length;
        out[n++] = EOT;
        out[n++] = EOH;
        out[n++] = SOA;
        out[n++] = SOS;
        System.arraycopy(suffix, 0, out, n, suffix.length);
        return out;
    }

    /**
     * The reference prompt string (control tokens as their token strings, without the post-processor's
     * additions): {@code SOH BOS <description="D"> T EOT EOH SOA SOS}.
     */
    public String render(String description, String text) {
        return tokenizer.tokenString(SOH) + tokenizer.tokenString(BOS) + body(description, text) + tokenizer.tokenString(EOT)
                + tokenizer.tokenString(EOH) + tokenizer.tokenString(SOA) + tokenizer.tokenString(SOS);
    }

    private String body(String description, String text) {
        checkDescription(description);
        checkText(text);
        return "<description=\"" + description + "\"> " + text;
    }

    private void checkDescription(String d) {
        if (d == null || d.isBlank()) {
            throw new InvalidTextException("description", 0, "empty description");
        }
        if (d.length() > options.maxDescriptionLength()) {
            throw new InvalidTextException("description", options.maxDescriptionLength(), "description of " + d.length()
                    + " chars is longer than the limit of " + options.maxDescriptionLength());
        }
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (c == '"' || c == '>') {
                // says what is not allowed without showing the internal prompt it would break
                throw new InvalidTextException("description", i, "'" + c + "' is not allowed in a voice description");
            }
            checkChar(d, i, "description", false);
        }
    }

    private void checkText(String t) {
        if (t == null || t.isBlank()) {
            throw new InvalidTextException("text", 0, "empty text");
        }
        if (t.length() > options.maxTextLength()) {
            throw new InvalidTextException("text", options.maxTextLength(), "text of " + t.length()
                    + " chars is longer than the limit of " + options.maxTextLength());
        }
        int unknownTags = 0;
        for (int i = 0; i < t.length(); i++) {
            checkChar(t, i, "text", true);
            if (t.charAt(i) == '<') {
                int j = i + 1;
                while (j < t.length() && j - i <= 32 && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_')) {
                    j++;
                }
                if (j < t.length() && t.charAt(j) == '>' && j > i + 1 && !checkTag(t.substring(i + 1, j), i)) {
                    unknownTags++;
                }
            }
        }
        if (unknownTags > 0) {
            // a count only: the tag names are the caller's text, which is never logged
            LOG.debug("{} unknown <tag>(s) in the text are read as plain text; Maya1 knows {}", unknownTags, EmotionTags.ALL);
        }
    }

    private static void checkChar(String s, int i, String field, boolean allowLineBreaks) {
        char c = s.charAt(i);
        if (Character.isISOControl(c) && !(allowLineBreaks && (c == '\n' || c == '\r' || c == '\t'))) {
            throw new InvalidTextException(field, i, String.format("control character U+%04X", (int) c));
        }
        if (Character.isHighSurrogate(c)) {
            if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                throw new InvalidTextException(field, i, "lone surrogate");
            }
        } else if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
            throw new InvalidTextException(field, i, "lone surrogate");
        }
    }

    /** Whether {@code name} is a known emotion tag; an unknown one is rejected in strict mode. */
    private boolean checkTag(String name, int position) {
        Boolean one = tagIsOneToken.get(name);
        if (one == null) {
            if (options.strictTags()) {
                throw new InvalidTextException("text", position, "unknown tag <" + name + "> (known: " + EmotionTags.ALL + ")");
            }
            return false;
        }
        // known tag names only (a fixed set), so this set stays small and the line names no caller text
        if (!one && splitTagsWarned.add(name)) {
            LOG.warn("the tokenizer does not have the emotion tag <{}> as one token; it is encoded as several", name);
        }
        return true;
    }

    private static int indexOf(int[] hay, int[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
