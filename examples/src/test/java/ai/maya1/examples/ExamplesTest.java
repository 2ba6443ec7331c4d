package ai.maya1.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.G711;
import ai.maya1.audio.Pcm;
import ai.maya1.audio.Wav;
import ai.maya1.server.TestEngine;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example program run on the built-in test model. */
class ExamplesTest {
    static final SpeechRequest HELLO = SpeechRequest.builder().text("Hello from the examples.").seed(11).build();

    static Maya1Tts tts() {
        return TestEngine.shared();
    }

    @Test
    void speakToSpeakersDeliversTheUtteranceAsPcmWhileItIsMade() {
        ByteArrayOutputStream played = new ByteArrayOutputStream();
        List<Integer> writes = new ArrayList<>();
        SpeechStats stats = SpeakToSpeakers.speak(tts(), HELLO, b -> {
            writes.add(b.length);
            played.writeBytes(b);
        });
        Speech whole = tts().synthesize(HELLO);
        assertArrayEquals(Pcm.toS16le(whole.samples()), played.toByteArray(), "what was played is the utterance");
        assertEquals(stats.samples() * 2, played.size());
        assertEquals(24_000f, SpeakToSpeakers.FORMAT.getSampleRate());
        assertEquals(16, SpeakToSpeakers.FORMAT.getSampleSizeInBits());
    }

    @Test
    void streamToFileWritesAnExactWav(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("out.wav");
        SpeechStats stats = StreamToFile.write(tts(), HELLO, f);
        Wav.Decoded w = Wav.read(Files.readAllBytes(f));
        assertEquals(24_000, w.sampleRate());
        assertEquals(stats.samples(), w.samples().length);
        assertEquals(44 + 2 * stats.samples(), Files.size(f), "header sizes patched, no trailing bytes");
    }

    @Test
    void audiobookWithChapters(@TempDir Path tmp) throws Exception {
        String book = "# The Start\nIt begins here. A second sentence.\n\n# The End\nAnd so it ends.\n";
        assertEquals(2, Audiobook.chapters(book).size());
        Audiobook.Result r = Audiobook.write(tts(), book, tmp, "narrator", 7);
        assertEquals(2, r.chapterFiles().size());
        assertTrue(r.chapterFiles().get(0).getFileName().toString().equals("01-the-start.wav"));
        double first = Wav.read(Files.readAllBytes(r.chapterFiles().get(0))).samples().length / 24_000.0;
        assertEquals(0.0, r.startSeconds()[0]);
        assertEquals(first + 1.0, r.startSeconds()[1], 1e-6);
        String cue = Files.readString(r.cue());
        assertTrue(cue.contains("TRACK 01") && cue.contains("TRACK 02") && cue.contains("TITLE \"The End\""), cue);
        int total = Wav.read(Files.readAllBytes(r.book())).samples().length;
        int chapters = 0;
        for (Path p : r.chapterFiles()) {
            chapters += Wav.read(Files.readAllBytes(p)).samples().length;
        }
        assertEquals(chapters + 24_000, total, "book = chapters + 1 s gap");
        assertTrue(Files.readString(r.playlist()).contains("01-the-start.wav"));
    }

    @Test
    void telephonyMuLawFramesAt8k() {
        List<byte[]> frames = new ArrayList<>();
        Telephony.frames(tts(), HELLO, frames::add);
        Speech whole = tts().synthesize(HELLO);
        for (byte[] f : frames) {
            assertEquals(Telephony.FRAME_BYTES, f.length);
        }
        byte[] ulaw = AudioEncoders.encodeAll(whole.samples(), AudioFormat.ULAW);
        int expectedFrames = (ulaw.length + Telephony.FRAME_BYTES - 1) / Telephony.FRAME_BYTES;
        assertTrue(Math.abs(frames.size() - expectedFrames) <= 1, frames.size() + " frames, expected about " + expectedFrames);
        // 8 kHz: one third of the 24 kHz sample count, and it decodes to audio of the same energy
        assertTrue(Math.abs(frames.size() * 160 - whole.sampleCount() / 3) <= 320);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        frames.forEach(all::writeBytes);
        float[] decoded = G711.decodeUlaw(all.toByteArray(), 0, all.size());
        double e8 = energy(decoded);
        double e24 = energy(whole.samples());
        assertTrue(e8 > 0.2 * e24 && e8 < 2 * e24 + 1e-9, "energy 8k " + e8 + " vs 24k " + e24);
    }

    static double energy(float[] s) {
        double e = 0;
        for (float v : s) {
            e += v * v;
        }
        return e / Math.max(1, s.length);
    }
}
