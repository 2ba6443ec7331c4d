package ai.maya1.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The code point classes of the Llama 3 pre-tokenizer regex exactly as Hugging Face's Oniguruma sees them
 * ({@code \p{L}}, {@code \p{N}}, {@code \s}, and the case-insensitive letters of the contractions). The ranges
 * come from {@code llama3-char-classes.txt}, generated from the tokenizers library itself by
 * {@code tools/fixtures/tokenizer/gen_char_classes.py}: Java's {@link Character} follows a newer Unicode version,
 * so it would split some newly assigned letters differently.
 */
final class CharClasses {
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int SPACE = 4;
    /** Set on '\r' and '\n' in addition to SPACE. */
    static final int NEWLINE = 8;

    /** Class bits of every BMP char; surrogates are 0 (a lone surrogate counts as "other"). */
    private static final byte[] BMP = new byte[0x10000];
    /** Supplementary ranges: sorted starts, ends (inclusive) and class bits. */
    private static final int[] SUPP_START;
    private static final int[] SUPP_END;
    private static final byte[] SUPP_BITS;
    /** Case-insensitive matches of the contraction letters s t r e v m l d (index by letter - 'a'). */
    private static final int[][] FOLD = new int[26][];

    static {
        List<int[]> supp = new ArrayList<>();
        try (InputStream in = CharClasses.class.getResourceAsStream("llama3-char-classes.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing resource ai/maya1/tokenizer/llama3-char-classes.txt");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<List<Integer>> folds = new ArrayList<>();
            for (int i = 0; i < 26; i++) {
                folds.add(new ArrayList<>());
            }
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                String[] f = line.split(" ");
                int a = Integer.parseInt(f[1], 16);
                int b = Integer.parseInt(f[2], 16);
                int bits = switch (f[0]) {
                    case "L" -> LETTER;
                    case "N" -> NUMBER;
                    case "S" -> SPACE;
                    default -> 0;
                };
                if (bits == 0) {
                    List<Integer> fold = folds.get(f[0].charAt(f[0].length() - 1) - 'a');
                    for (int c = a; c <= b; c++) {
                        fold.add(c);
                    }
                    continue;
                }
                for (int c = a; c <= Math.min(b, 0xFFFF); c++) {
                    BMP[c] |= (byte) bits;
                }
                if (b > 0xFFFF) {
                    supp.add(new int[] {Math.max(a, 0x10000), b, bits});
                }
            }
            for (int i = 0; i < 26; i++) {
                FOLD[i] = folds.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BMP['\r'] |= NEWLINE;
        BMP['\n'] |= NEWLINE;
        supp.sort((x, y) -> Integer.compare(x[0], y[0]));
        SUPP_START = supp.stream().mapToInt(x -> x[0]).toArray();
        SUPP_END = supp.stream().mapToInt(x -> x[1]).toArray();
        SUPP_BITS = new byte[supp.size()];
        for (int i = 0; i < supp.size(); i++) {
            SUPP_BITS[i] = (byte) supp.get(i)[2];
        }
    }

    private CharClasses() {
    }

    /** Class bits of a BMP char (surrogates give 0). */
    static int ofChar(char c) {
        return BMP[c];
    }

    /** Class bits of any code point. */
    static int of(int cp) {
        if (cp < 0x10000) {
            return BMP[cp];
        }
        int i = Arrays.binarySearch(SUPP_START, cp);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && cp <= SUPP_END[i] ? SUPP_BITS[i] : 0;
    }

    /** Whether {@code c} matches the letter {@code lower} under the regex's case folding ({@code (?i:s)} also takes U+017F). */
    static boolean foldsTo(char c, char lower) {
        for (int f : FOLD[lower - 'a']) {
            if (f == c) {
                return true;
            }
        }
        return false;
    }

    /** Unicode White_Space, as Oniguruma's and Rust regex's {@code \s}. */
    static boolean isSpace(int cp) {
        return cp < 0x10000 && (BMP[cp] & SPACE) != 0;
    }

    /** Rust regex's Unicode {@code \w} (used by added tokens' single_word). */
    static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.DECIMAL_DIGIT_NUMBER || t == Character.CONNECTOR_PUNCTUATION;
    }
}
