package ai.maya1.bench.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A varied, mixed-language corpus for tokenizer benchmarks: documents of a target UTF-8 size built from sentences
 * in a dozen scripts, emoji, code, numbers and Maya1 emotion tags, each document different (seeded).
 */
public final class MixedCorpus {
    private static final String[] SENTENCES = {
        "The quick brown fox jumps over the lazy dog, and then it rests under the old oak tree.",
        "Realistic male voice in the 30s age with american accent. Normal pitch, warm timbre, conversational pacing.",
        "I can't believe it's already %d o'clock <laugh> we should've left an hour ago!",
        "She said: \"Don't worry, we'll fix it tomorrow\" — but nobody believed her <sigh>.",
        "Ein deutscher Satz mit Umlauten: Grüße aus München, Größe und Übermaß, %d Straßen weiter.",
        "Le café était délicieux, mais l'addition s'élevait à %d,50 € pour deux personnes.",
        "¿Dónde está la biblioteca? Necesito %d libros para mañana por la mañana.",
        "Москва — столица России, в ней живёт более %d миллионов человек.",
        "机器学习是人工智能的一个分支，它使用统计技术让计算机系统从数据中学习。",
        "東京は日本の首都です。今日は%d人が集まりました。ありがとうございます！",
        "서울은 대한민국의 수도입니다. 오늘 날씨가 정말 좋네요 %d도.",
        "مرحبا بالعالم، هذا اختبار للنص العربي مع الأرقام %d.",
        "नमस्ते दुनिया, यह हिंदी में एक परीक्षण वाक्य है।",
        "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.",
        "ภาษาไทยเป็นภาษาที่มีวรรณยุกต์ สวัสดีครับ",
        "Emoji time 😀🎉🇩🇪👨\u200d👩\u200d👧 and more: ✨🔥💯 <giggle>",
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // dot product #%d",
        "def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text]\n",
        "https://example.com/path/to/resource?id=%d&lang=en-US#section-2",
        "Prices: $1,299.99, €%d.00, ¥15000, 3.14159, 2.71828, 1e-10, 0x7FFF_FFFF.",
        "WOW <gasp> that was CLOSE... <whisper> don't tell ANYONE, okay?",
        "\tIndented line with tabs\tand   multiple    spaces   \n\n",
        "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic.",
        "x86_64 snake_case camelCaseIdentifier SCREAMING_CASE kebab-case %d",
    };

    private MixedCorpus() {
    }

    /** {@code count} different documents of about {@code bytes} UTF-8 bytes each. */
    public static List<String> documents(int bytes, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> docs = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            StringBuilder sb = new StringBuilder(bytes);
            int size = 0;
            while (size < bytes) {
                String s = SENTENCES[rnd.nextInt(SENTENCES.length)];
                if (s.contains("%d")) {
                    s = s.replace("%d", Integer.toString(rnd.nextInt(100_000)));
                }
                if (rnd.nextInt(8) == 0) {
                    s = s.toUpperCase(java.util.Locale.ROOT);
                }
                String piece = (rnd.nextInt(6) == 0 ? "\n" : " ") + s;
                sb.append(piece);
                size += piece.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
            docs.add(sb.toString());
        }
        return docs;
    }
}
