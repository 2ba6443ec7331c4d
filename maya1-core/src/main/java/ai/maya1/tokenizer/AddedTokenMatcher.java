package ai.maya1.tokenizer;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text as Hugging Face's AddedVocabulary does: Aho-Corasick leftmost-longest matches, then
 * the single_word / lstrip / rstrip rules per match. Matches of skipped tokens (special tokens in safe mode) still
 * consume their text, as in Hugging Face with {@code split_special_tokens}.
 */
final class AddedTokenMatcher {
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        AddedToken token;
    }

    private final Node root = new Node();
    private final BitSet firstChars = new BitSet(0x10000);

    AddedTokenMatcher(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            Node n = root;
            for (int i = 0; i < t.content().length(); i++) {
                n = n.next.computeIfAbsent(t.content().charAt(i), c -> new Node());
            }
            if (n.token == null) {
                n.token = t;
            }
            firstChars.set(t.content().charAt(0));
        }
    }

    /** Receives the pieces of a split: text stretches and matched tokens, in order. */
    interface Sink {
        void text(int from, int to);

        void token(AddedToken token);
    }

    /**
     * Splits s[from, to) (a whole "sentence" for the flag rules) into text and tokens.
     *
     * @param skipSpecial special tokens consume their match but yield nothing (their text is left to the model)
     */
    void split(String s, int from, int to, boolean skipSpecial, Sink sink) {
        int startOffset = from;
        int i = from;
        while (i < to) {
            if (!firstChars.get(s.charAt(i))) {
                i++;
                continue;
            }
            Node n = root;
            AddedToken best = null;
            int bestEnd = -1;
            for (int j = i; j < to; j++) {
                n = n.next.get(s.charAt(j));
                if (n == null) {
                    break;
                }
                if (n.token != null) {
                    best = n.token;
                    bestEnd = j + 1;
                }
            }
            if (best == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = bestEnd;
            i = bestEnd; // the automaton resumes after the match
            if (skipSpecial && best.special()) {
                continue;
            }
            if (best.singleWord()) {
                boolean startSpace = start == from || !CharClasses.isWordChar(s.codePointBefore(start));
                boolean stopSpace = stop == to || !CharClasses.isWordChar(s.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;
                }
            }
            if (best.lstrip()) {
                int ns = start;
                while (ns > from && CharClasses.isSpace(s.charAt(ns - 1))) {
                    ns--;
                }
                start = Math.max(ns, startOffset);
            }
            if (best.rstrip()) {
                while (stop < to && CharClasses.isSpace(s.charAt(stop))) {
                    stop++;
                }
            }
            start = Math.max(start, startOffset);
            if (startOffset < start) {
                sink.text(startOffset, start);
            }
            sink.token(best);
            startOffset = stop;
        }
        if (startOffset < to) {
            sink.text(startOffset, to);
        }
    }
}
