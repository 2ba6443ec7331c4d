package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    @Test
    void shortTextIsOnePiece() {
        assertEquals(List.of("Hello from the JVM <laugh> this is a test."), TextChunker.split("  Hello from the JVM <laugh>  this is a test. ", 200));
    }

    @Test
    void splitsAtSentencesAndPacksThem() {
        String t = "First sentence here. Second one follows! Is this the third? Yes. And a fourth sentence that is long enough.";
        List<String> p = TextChunker.split(t, 45);
        assertEquals(List.of("First sentence here. Second one follows!", "Is this the third? Yes.", "And a fourth sentence that is long enough."), p);
    }

    @Test
    void abbreviationsInitialsAndDecimalsDoNotEndSentences() {
        assertEquals(List.of("Dr. Smith met J. K. Rowling at 3.5 p.m. today.", "Then they left."),
                TextChunker.sentences("Dr. Smith met J. K. Rowling at 3.5 p.m. today. Then they left."));
        assertEquals(List.of("It costs 3. dollars."), TextChunker.sentences("It costs 3. dollars."));
        assertEquals(List.of("Wait...", "What?", "\"Yes!\"", "She said."), TextChunker.sentences("Wait... What? \"Yes!\" She said."));
    }

    @Test
    void longSentencesSplitAtClausesThenWords() {
        String t = "one two three four five six, seven eight nine ten eleven twelve; thirteen fourteen fifteen sixteen";
        for (String p : TextChunker.split(t, 30)) {
            assertTrue(p.length() <= 30, p);
        }
        List<String> w = TextChunker.split("a".repeat(50) + " b c", 20);
        assertEquals(List.of("a".repeat(50), "b c"), w); // an over-long word stays whole
    }

    @Test
    void emotionTagsStayWhole() {
        String t = "I can't believe it <laugh_harder> really, that is <gasp> amazing and <whisper> quiet";
        for (String p : TextChunker.split(t, 22)) {
            assertEquals(count(p, '<'), count(p, '>'), p);
        }
    }

    @Test
    void cjkSentenceEnds() {
        assertEquals(List.of("你好。", "今天很好！", "是吗？"), TextChunker.sentences("你好。今天很好！是吗？"));
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }

    @Property(tries = 300)
    void piecesJoinBackToTheNormalizedTextAndNeverCutWords(@ForAll @StringLength(max = 600) String raw, @ForAll @IntRange(min = 16, max = 120) int max) {
        String text = raw.replaceAll("[\\u3002\\uff01\\uff1f]", ".");
        List<String> pieces = TextChunker.split(text, max);
        String norm = TextChunker.normalize(text);
        assertEquals(norm, String.join(" ", pieces));
        for (String p : pieces) {
            assertTrue(!p.isEmpty() && p.equals(p.strip()));
            // a piece longer than max is a single word
            assertTrue(p.length() <= max || !p.contains(" "), p);
        }
        // words are never cut: every piece boundary is a space in the normalized text
        int pos = 0;
        for (int i = 0; i < pieces.size() - 1; i++) {
            pos += pieces.get(i).length();
            assertEquals(' ', norm.charAt(pos));
            pos++;
        }
    }
}
