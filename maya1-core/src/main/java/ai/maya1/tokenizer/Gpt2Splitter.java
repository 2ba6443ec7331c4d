package ai.maya1.tokenizer;

/**
 * The GPT-2 pattern that Hugging Face's ByteLevel pre-tokenizer applies when {@code use_regex} is true:
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * (case-sensitive contractions), with the same Oniguruma character classes as {@link Llama3Splitter}.
 */
final class Gpt2Splitter implements PreTokenSplitter {
    private static final int LNS = CharClasses.LETTER | CharClasses.NUMBER | CharClasses.SPACE;

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

    private static int run(String s, int p, int to, int want) {
        while (p < to) {
            int k = cls(s, p, to);
            boolean in = want == 0 ? (k & LNS) == 0 : (k & want) != 0;
            if (!in) {
                break;
            }
            p += width(s, p, to);
        }
        return p;
    }

    static int matchAt(String s, int pos, int to) {
        char c = s.charAt(pos);
        if (c == '\'' && pos + 1 < to) {
            char c1 = s.charAt(pos + 1);
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                return pos + 2;
            }
            if (pos + 2 < to) {
                char c2 = s.charAt(pos + 2);
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                    return pos + 3;
                }
            }
        }
        int start = pos;
        int k = cls(s, pos, to);
        if (c == ' ' && pos + 1 < to) {
            int k1 = cls(s, pos + 1, to);
            if ((k1 & CharClasses.SPACE) == 0) {
                start = pos + 1;
                k = k1;
            }
        }
        if ((k & CharClasses.LETTER) != 0) {
            return run(s, start, to, CharClasses.LETTER);
        }
        if ((k & CharClasses.NUMBER) != 0) {
            return run(s, start, to, CharClasses.NUMBER);
        }
        if ((k & LNS) == 0) {
            return run(s, start, to, 0);
        }
        int j = pos + 1;
        while (j < to && CharClasses.isSpace(s.charAt(j))) {
            j++;
        }
        if (j == to) {
            return j;
        }
        return j - pos >= 2 ? j - 1 : j;
    }
}
