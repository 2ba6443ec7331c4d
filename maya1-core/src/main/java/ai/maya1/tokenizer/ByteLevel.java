package ai.maya1.tokenizer;

/**
 * GPT-2's byte-to-unicode table used by Hugging Face's ByteLevel pre-tokenizer and decoder: printable bytes map to
 * themselves, the others to U+0100 onwards, so every byte string is a printable string.
 */
final class ByteLevel {
    /** byte (0..255) to its char. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** char to its byte, or -1; indexed by char up to 0x143. */
    static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The bytes of a byte-level token string, or null when a char is outside the table. */
    static byte[] toBytes(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) {
                return null;
            }
            out[i] = (byte) CHAR_TO_BYTE[c];
        }
        return out;
    }

    /** UTF-8 of s[from, to); a lone surrogate becomes U+FFFD (EF BF BD), as Rust strings cannot hold one. Returns the length. */
    static int utf8(String s, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate((char) c)) {
                if (Character.isHighSurrogate((char) c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint((char) c, s.charAt(++i));
                    out[n++] = (byte) (0xF0 | (cp >> 18));
                    out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    out[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    out[n++] = (byte) 0xEF;
                    out[n++] = (byte) 0xBF;
                    out[n++] = (byte) 0xBD;
                }
            } else {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /**
     * Decodes UTF-8 like Rust's {@code String::from_utf8_lossy}: each maximal ill-formed subpart becomes one U+FFFD.
     */
    static String lossyUtf8(byte[] b, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = 0;
        while (i < len) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= len) {
                    ok = false;
                    break;
                }
                int bk = b[j] & 0xFF;
                if (bk < lo || bk > hi) {
                    ok = false;
                    break;
                }
                lo = 0x80;
                hi = 0xBF;
                cp = (cp << 6) | (bk & 0x3F);
            }
            if (ok) {
                sb.appendCodePoint(cp);
            } else {
                sb.append('\uFFFD');
            }
            i = j;
        }
        return sb.toString();
    }
}
