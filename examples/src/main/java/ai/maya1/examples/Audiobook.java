package ai.maya1.examples;

import ai.maya1.audio.AudioFormat;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a text file into an audiobook: chapters start at lines beginning with {@code # } (or {@code Chapter });
 * each chapter becomes {@code NN-title.wav}, plus {@code book.wav} (all chapters, 1 s apart) with a CUE sheet
 * {@code book.cue} marking where each chapter starts, and an M3U playlist. Long chapters are split into sentences
 * by the SDK and spoken with one voice and seed, so the narrator stays the same across the book.
 *
 * <pre>java -cp maya1-cli.jar ai.maya1.examples.Audiobook book.txt out/ [voice-preset]</pre>
 */
public final class Audiobook {
    /** A chapter: its title and its text. */
    public record Chapter(String title, String text) {
    }

    /** What was written. */
    public record Result(List<Path> chapterFiles, Path book, Path cue, Path playlist, double[] startSeconds) {
    }

    private Audiobook() {
    }

    public static List<Chapter> chapters(String book) {
        List<Chapter> out = new ArrayList<>();
        String title = "Introduction";
        StringBuilder text = new StringBuilder();
        for (String line : book.split("\\R")) {
            String t = line.strip();
            boolean heading = t.startsWith("# ") || t.toLowerCase(Locale.ROOT).matches("chapter\\s+\\S+.*");
            if (heading) {
                if (!text.toString().isBlank()) {
                    out.add(new Chapter(title, text.toString().strip()));
                }
                title = t.startsWith("# ") ? t.substring(2).strip() : t;
                text.setLength(0);
            } else if (!t.isEmpty()) {
                text.append(t).append(' ');
            }
        }
        if (!text.toString().isBlank()) {
            out.add(new Chapter(title, text.toString().strip()));
        }
        return out;
    }

    public static Result write(Maya1Tts tts, String bookText, Path outDir, String voicePreset, long seed) throws IOException {
        Files.createDirectories(outDir);
        List<Chapter> chapters = chapters(bookText);
        if (chapters.isEmpty()) {
            throw new IllegalArgumentException("the book has no text");
        }
        List<Path> files = new ArrayList<>();
        List<float[]> audio = new ArrayList<>();
        double[] starts = new double[chapters.size()];
        double t = 0;
        StringBuilder cue = new StringBuilder("TITLE \"audiobook\"\nFILE \"book.wav\" WAVE\n");
        StringBuilder m3u = new StringBuilder("#EXTM3U\n");
        for (int i = 0; i < chapters.size(); i++) {
            Chapter c = chapters.get(i);
            SpeechRequest.Builder b = SpeechRequest.builder().text(c.text()).seed(seed).format(AudioFormat.WAV);
            if (voicePreset != null) {
                b.voice(voicePreset);
            }
            Speech s = tts.synthesize(b.build());
            Path f = outDir.resolve(String.format(Locale.ROOT, "%02d-%s.wav", i + 1, slug(c.title())));
            s.write(f);
            files.add(f);
            audio.add(s.samples());
            starts[i] = t;
            long frames75 = Math.round(t * 75); // CUE time is mm:ss:ff with 75 frames per second
            cue.append(String.format(Locale.ROOT, "  TRACK %02d AUDIO\n    TITLE \"%s\"\n    INDEX 01 %02d:%02d:%02d\n", i + 1,
                    c.title().replace("\"", "'"), frames75 / (75 * 60), (frames75 / 75) % 60, frames75 % 75));
            m3u.append(String.format(Locale.ROOT, "#EXTINF:%d,%s\n%s\n", Math.round(s.seconds()), c.title(), f.getFileName()));
            t += s.seconds() + 1.0;
        }
        int gap = 24_000;
        int total = audio.stream().mapToInt(a -> a.length).sum() + gap * (audio.size() - 1);
        float[] all = new float[total];
        int off = 0;
        for (float[] a : audio) {
            System.arraycopy(a, 0, all, off, a.length);
            off += a.length + gap;
        }
        Path book = outDir.resolve("book.wav");
        Files.write(book, ai.maya1.audio.AudioEncoders.encodeAll(all, AudioFormat.WAV));
        Path cueFile = outDir.resolve("book.cue");
        Files.writeString(cueFile, cue, StandardCharsets.UTF_8);
        Path playlist = outDir.resolve("chapters.m3u");
        Files.writeString(playlist, m3u, StandardCharsets.UTF_8);
        return new Result(files, book, cueFile, playlist, starts);
    }

    static String slug(String title) {
        String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "chapter" : s.length() > 40 ? s.substring(0, 40) : s;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Audiobook <book.txt> <out-dir> [voice-preset]");
            System.exit(2);
        }
        try (Maya1Tts tts = Maya1Tts.create(Examples.config())) {
            Result r = write(tts, Files.readString(Path.of(args[0])), Path.of(args[1]), args.length > 2 ? args[2] : "narrator", 42);
            System.out.println(r.chapterFiles().size() + " chapters -> " + r.book() + " (" + r.cue() + ")");
        }
    }
}
