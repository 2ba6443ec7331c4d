package ai.maya1.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(s)) == s for any valid string; no exception on any input (lone surrogates, any ids). */
class HfTokenizerPropertiesTest {
    private static final String[] PIECES = {" ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u200b", "'s", "'LL", "don't", "123456",
        "<|eot_id|>", "<laugh>", "é", "e\u0301", "中文", "😀", "🇩🇪", "👨\u200d👩\u200d👧", "ſ", "Hello", " world", "!!", "..."};

    @Provide
    Arbitrary<String> validText() {
        Arbitrary<String> codePoints = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF).list().ofMaxSize(40)
                .map(l -> l.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').withChars('\n', '\t').ofMaxLength(60);
        Arbitrary<String> pieces = Arbitraries.of(PIECES).list().ofMaxSize(20).map(l -> String.join("", l));
        return Arbitraries.oneOf(codePoints, ascii, pieces);
    }

    @Property(tries = 600)
    void decodeInvertsEncode(@ForAll("validText") String s) {
        HfTokenizer tok = Llama3Fixture.llama3();
        assertEquals(s, tok.decode(tok.encode(s, false)));
        assertEquals(s, tok.decode(tok.encode(s, true)));
    }

    @Property(tries = 400)
    void anyStringEncodesWithoutException(@ForAll String s) {
        HfTokenizer tok = Llama3Fixture.llama3();
        int[] ids = tok.encode(s, false);
        // lone surrogates cannot be UTF-8: they come back as U+FFFD, everything else exactly
        assertEquals(replaceLoneSurrogates(s), tok.decode(ids));
        Maya1PromptTest.BOS.encode(s, true);
        Maya1PromptTest.BOS.encodeTrusted(s, true);
    }

    @Property(tries = 300)
    void anyIdsDecodeWithoutException(@ForAll int[] ids) {
        Llama3Fixture.llama3().decode(ids);
        Maya1PromptTest.PLAIN.decode(ids);
    }

    @Property(tries = 200)
    void anyBytesDecodeLikeRustLossyUtf8(@ForAll byte[] bytes) {
        // for valid UTF-8 the lossy decoder equals the JDK decoder
        String viaJdk = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        String lossy = ByteLevel.lossyUtf8(bytes, bytes.length);
        if (!viaJdk.contains("\uFFFD")) {
            assertEquals(viaJdk, lossy);
        }
    }

    static String replaceLoneSurrogates(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
