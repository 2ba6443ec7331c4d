package ai.maya1.tokenizer;

/**
 * A hand-written scanner equivalent to the Llama 3 pre-tokenizer regex run by Oniguruma with Hugging Face's
 * Split(behavior=Isolated):
 *
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 *
 * <p>Every code point is matched by some alternative (other chars by the fourth, white space by the last), so the
 * pieces tile the input. Each alternative is tried in order as the backtracking engine does; the comments give
 * the backtracking result each branch reproduces. Lone surrogates count as "other" (neither letter, number nor
 * space). About 10x faster than java.util.regex and exact with respect to Oniguruma's Unicode tables.
 */
final class Llama3Splitter implements PreTokenSplitter {
    static final String PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @Override
    public void split(String s, int from, int to, IntList ends) {
        int pos = from;
        while (pos < to) {
            int end = matchAt(s, pos, to);
            ends.add(end);
            pos = end;
        }
    }

    private static int cls(String s, int i, int to) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
            return CharClasses.of(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return CharClasses.ofChar(c);
    }

    private static int width(String s, int i, int to) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    private static final int LNS = CharClasses.LETTER | CharClasses.NUMBER | CharClasses.SPACE;

    static int matchAt(String s, int pos, int to) {
        char c = s.charAt(pos);
        // 1: (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && pos + 1 < to) {
            char c1 = s.charAt(pos + 1);
            if (CharClasses.foldsTo(c1, 's') || CharClasses.foldsTo(c1, 't') || CharClasses.foldsTo(c1, 'm') || CharClasses.foldsTo(c1, 'd')) {
                return pos + 2;
            }
            if (pos + 2 < to) {
                char c2 = s.charAt(pos + 2);
                if ((CharClasses.foldsTo(c1, 'r') && CharClasses.foldsTo(c2, 'e')) || (CharClasses.foldsTo(c1, 'v') && CharClasses.foldsTo(c2, 'e'))
                        || (CharClasses.foldsTo(c1, 'l') && CharClasses.foldsTo(c2, 'l'))) {
                    return pos + 3;
                }
            }
        }
        int k = cls(s, pos, to);
        int w = width(s, pos, to);
        // 2: [^\r\n\p{L}\p{N}]?\p{L}+
        if ((k & CharClasses.LETTER) != 0) {
            return letters(s, pos + w, to);
        }
        if ((k & (CharClasses.NEWLINE | CharClasses.NUMBER)) == 0 && pos + w < to && (cls(s, pos + w, to) & CharClasses.LETTER) != 0) {
            return letters(s, pos + w, to);
        }
        // 3: \p{N}{1,3}
        if ((k & CharClasses.NUMBER) != 0) {
            int p = pos + w;
            for (int n = 1; n < 3 && p < to && (cls(s, p, to) & CharClasses.NUMBER) != 0; n++) {
                p += width(s, p, to);
            }
            return p;
        }
        // 4: ?[^\s\p{L}\p{N}]+[\r\n]*
        if ((k & LNS) == 0) {
            return newlines(s, others(s, pos, to), to);
        }
        if (c == ' ' && pos + 1 < to && (cls(s, pos + 1, to) & LNS) == 0) {
            return newlines(s, others(s, pos + 1, to), to);
        }
        // white space from here on (all white space is BMP)
        int j = pos + 1;
        int lastNewline = (k & CharClasses.NEWLINE) != 0 ? pos : -1;
        while (j < to) {
            int kj = CharClasses.ofChar(s.charAt(j));
            if ((kj & CharClasses.SPACE) == 0) {
                break;
            }
            if ((kj & CharClasses.NEWLINE) != 0) {
                lastNewline = j;
            }
            j++;
        }
        // 5: \s*[\r\n]+ : greedy \s* backs off to the last newline of the run
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        // 6: \s+(?!\S) : the whole run at the end, else the run minus its last char
        if (j == to) {
            return j;
        }
        if (j - pos >= 2) {
            return j - 1;
        }
        // 7: \s+
        return j;
    }

    private static int letters(String s, int p, int to) {
        while (p < to) {
            char c = s.charAt(p);
            if (c < 0x80) {
                if ((CharClasses.ofChar(c) & CharClasses.LETTER) == 0) {
                    return p;
                }
                p++;
                continue;
            }
            if ((cls(s, p, to) & CharClasses.LETTER) == 0) {
                return p;
            }
            p += width(s, p, to);
        }
        return p;
    }

    private static int others(String s, int p, int to) {
        while (p < to && (cls(s, p, to) & LNS) == 0) {
            p += width(s, p, to);
        }
        return p;
    }

    private static int newlines(String s, int p, int to) {
        while (p < to && (s.charAt(p) == '\r' || s.charAt(p) == '\n')) {
            p++;
        }
        return p;
    }
}
