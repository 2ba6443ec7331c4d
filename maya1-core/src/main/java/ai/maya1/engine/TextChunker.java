package ai.maya1.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits long text into pieces the LM speaks well in one go: at sentence ends first, then at clause boundaries
 * ({@code , ; :} and dashes), then between words. Never inside a word or an emotion tag: a single word longer
 * than the limit becomes a piece of its own. Whitespace runs are collapsed, so joining the pieces with one space
 * gives back the normalized text exactly (nothing is lost or reordered).
 *
 * <p>Sentence ends are {@code . ! ? …} (plus closing quotes/brackets) followed by whitespace, and the CJK
 * {@code 。！？} anywhere. A period does not end a sentence after a common abbreviation (Mr., Dr., e.g.), after a
 * single initial, or when the next word starts in lower case or with a digit.
 */
public final class TextChunker {
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e",
            "no", "inc", "ltd", "co", "mt", "fig", "approx", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
            "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m");
    private static final String CLOSERS = "\"')]}\u201d\u2019\u00bb";

    private TextChunker() {
    }

    /** Collapses whitespace runs to one space and trims. */
    public static String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = sb.length() > 0;
            } else {
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * @param maxChars longest piece wanted (a single longer word is kept whole)
     * @return non-empty pieces; {@code String.join(" ", pieces).equals(normalize(text))}
     */
    public static List<String> split(String text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
        }
        String norm = normalize(text);
        List<String> out = new ArrayList<>();
        if (norm.isEmpty()) {
            return out;
        }
        if (norm.length() <= maxChars) {
            out.add(norm);
            return out;
        }
        List<String> units = new ArrayList<>();
        for (String sentence : sentences(norm)) {
            if (sentence.length() <= maxChars) {
                units.add(sentence);
                continue;
            }
            for (String clause : clauses(sentence)) {
                if (clause.length() <= maxChars) {
                    units.add(clause);
                } else {
                    units.addAll(words(clause));
                }
            }
        }
        pack(units, maxChars, out);
        return out;
    }

    /** Greedy packing of units (joined by single spaces) into pieces of at most maxChars. */
    private static void pack(List<String> units, int maxChars, List<String> out) {
        StringBuilder cur = new StringBuilder();
        for (String u : units) {
            if (cur.length() == 0) {
                cur.append(u);
            } else if (cur.length() + 1 + u.length() <= maxChars) {
                cur.append(' ').append(u);
            } else {
                out.add(cur.toString());
                cur.setLength(0);
                cur.append(u);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
    }

    /** Splits normalized text into sentences (each without the separating space). */
    static List<String> sentences(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\u3002' || c == '\uff01' || c == '\uff1f') {
                int end = i + 1;
                while (end < n && (isTerminator(s.charAt(end)) || CLOSERS.indexOf(s.charAt(end)) >= 0)) {
                    end++;
                }
                addTrimmed(out, s, start, end);
                start = end;
                i = end;
                continue;
            }
            if (c == '.' || c == '!' || c == '?' || c == '\u2026') {
                int end = i + 1;
                while (end < n && (isTerminator(s.charAt(end)))) {
                    end++;
                }
                while (end < n && CLOSERS.indexOf(s.charAt(end)) >= 0) {
                    end++;
                }
                if (end < n && s.charAt(end) == ' ' && endsSentence(s, start, i, end)) {
                    addTrimmed(out, s, start, end);
                    start = end + 1;
                }
                i = end;
                continue;
            }
            i++;
        }
        addTrimmed(out, s, start, n);
        return out;
    }

    private static boolean isTerminator(char c) {
        return c == '.' || c == '!' || c == '?' || c == '\u2026' || c == '\u3002' || c == '\uff01' || c == '\uff1f';
    }

    /** Whether the terminator run starting at {@code dot} (ending at {@code end}, a space follows) ends a sentence. */
    private static boolean endsSentence(String s, int sentenceStart, int dot, int end) {
        // next word
        int next = end + 1;
        if (next < s.length()) {
            char nc = s.charAt(next);
            if (Character.isLowerCase(nc) || Character.isDigit(nc)) {
                return false;
            }
        }
        if (s.charAt(dot) != '.' || end - dot > 1 && s.charAt(dot + 1) == '.') {
            return true; // ! ? … and ellipses "..." always end a sentence here
        }
        // word before the period
        int w = dot;
        while (w > sentenceStart && s.charAt(w - 1) != ' ') {
            w--;
        }
        String word = s.substring(w, dot).toLowerCase(Locale.ROOT);
        while (!word.isEmpty() && "\"'([{\u201c\u2018\u00ab".indexOf(word.charAt(0)) >= 0) {
            word = word.substring(1);
        }
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return false; // an initial: "J. K. Rowling"
        }
        return !ABBREVIATIONS.contains(word);
    }

    /** Splits a sentence after {@code , ; :} followed by a space, and before spaced dashes. */
    static List<String> clauses(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if ((c == ',' || c == ';' || c == ':' || c == '\uff0c' || c == '\u3001' || c == '\uff1b') && i + 1 < n && s.charAt(i + 1) == ' ') {
                addTrimmed(out, s, start, i + 1);
                start = i + 2;
            } else if ((c == '\u2014' || c == '\u2013' || c == '-') && i > 0 && s.charAt(i - 1) == ' ' && i + 1 < n && s.charAt(i + 1) == ' ') {
                addTrimmed(out, s, start, i - 1);
                start = i;
            }
        }
        addTrimmed(out, s, start, n);
        return out;
    }

    /** Splits at spaces; emotion tags and words stay whole. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.split(" ")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static void addTrimmed(List<String> out, String s, int from, int to) {
        if (from >= to) {
            return;
        }
        String t = s.substring(from, to).strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }
}
