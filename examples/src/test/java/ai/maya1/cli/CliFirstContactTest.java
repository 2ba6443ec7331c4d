package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import ai.maya1.tts.EngineInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer meets first: error lines that say why, outputs checked before the work, formats, progress. */
class CliFirstContactTest {
    private static final String LONG_TEXT = "This is the first sentence of a longer text. "
            + "It goes on for a while so that the engine splits it into pieces at the sentence ends. ".repeat(8);

    static SayCommandTest.Run run(String... args) {
        return SayCommandTest.run(args);
    }

    static void assertOneErrorLine(SayCommandTest.Run r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + expected + "\n", r.err().replace("\r\n", "\n"));
    }

    @Test
    void aMissingTextFileNamesTheFileAndTheReason() {
        assertOneErrorLine(run("say", "--text-file", "/nope.txt", "--model", "test"), "/nope.txt: no such file or directory");
    }

    @Test
    void anUnwritableOutputFailsBeforeTheSynthesisAndSaysWhy() {
        SayCommandTest.Run r = run("say", "hi", "--out", "/proc/x.wav", "--model", "test");
        assertOneErrorLine(r, "cannot write /proc/x.wav: no such file or directory");
        assertEquals("", r.out(), "nothing may run before the output is known to be writable");
    }

    @Test
    void anOutputThatIsAFolderIsRefused(@TempDir Path dir) {
        assertOneErrorLine(run("say", "hi", "--out", dir.toString(), "--model", "test"), "cannot write " + dir + ": it is a folder");
    }

    @Test
    void streamChecksItsOutputFileBeforeTheSynthesisToo() {
        SayCommandTest.Run r = run("stream", "hi", "--out", "/proc/x.wav", "--model", "test");
        assertOneErrorLine(r, "cannot write /proc/x.wav: no such file or directory");
    }

    @Test
    void decodeCodesChecksItsOutputBeforeDecoding(@TempDir Path dir) throws Exception {
        Path codes = Files.writeString(dir.resolve("codes.json"), "{\"codes\": [[[1]], [[1, 2]], [[1, 2, 3, 4]]]}");
        SayCommandTest.Run r = run("decode-codes", "--snac", dir.resolve("no-snac").toString(), "--codes", codes.toString(), "--out", "/proc/x.wav");
        assertOneErrorLine(r, "cannot write /proc/x.wav: no such file or directory");
    }

    @Test
    void aFileThatIsNoModelIsNamedAsSuchNotAsAMissingVocoder(@TempDir Path dir) throws Exception {
        Path readme = Files.writeString(dir.resolve("README.md"), "# not a model\n");
        SayCommandTest.Run r = run("say", "hi", "--model", readme.toString(), "--out", dir.resolve("a.wav").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + readme + " is not a model: --model takes"), r.err());
        SayCommandTest.Run withSnac = run("say", "hi", "--model", readme.toString(), "--snac", dir.toString(), "--out", dir.resolve("a.wav").toString());
        assertTrue(withSnac.err().startsWith("error: " + readme + " is not a model"), withSnac.err());
        assertFalse(Files.exists(dir.resolve("a.wav")), "a failed run leaves no empty output file");
    }

    @Test
    void anUnknownExtensionIsRefusedInsteadOfWritingWavBytes(@TempDir Path dir) {
        SayCommandTest.Run r = run("say", "hi", "--out", dir.resolve("f.ogg").toString(), "--model", "test");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: cannot tell the audio format of ") && r.err().contains("'.ogg'"), r.err());
        assertFalse(Files.exists(dir.resolve("f.ogg")));
    }

    @Test
    void anExtensionThatContradictsFormatIsRefused(@TempDir Path dir) {
        SayCommandTest.Run r = run("say", "hi", "--out", dir.resolve("f.wav").toString(), "--format", "mp3", "--model", "test");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is named .wav but --format mp3 writes .mp3"), r.err());
    }

    @Test
    void formatGivenExplicitlyAllowsAnyOtherExtension(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("voice.audio");
        SayCommandTest.Run r = run("say", "hi", "--out", out.toString(), "--format", "wav", "--model", "test", "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(24_000, Wav.read(Files.readAllBytes(out)).sampleRate());
    }

    @Test
    void anUnknownOptionIsOneLineWithAHint() {
        SayCommandTest.Run r = run("say", "hi", "--bogus");
        assertOneErrorLine(r, "Unknown option: '--bogus' (see 'maya1 say --help')");
        assertEquals("", r.out());
    }

    // the engine's own log line is checked in a fresh process by CliFirstRunIT: in this JVM other tests may have
    // created that logger before the CLI configures it
    @Test
    void theTestModelNoticeIsPrintedOnceOnStdout(@TempDir Path dir) {
        SayCommandTest.Run r = run("say", "hi", "--out", dir.resolve("a.wav").toString(), "--model", "test");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().split(EngineInfo.TEST_MODEL_LABEL, -1).length - 1, r.out());
    }

    @Test
    void quietPrintsNothingOnStdout(@TempDir Path dir) {
        SayCommandTest.Run r = run("say", "hi", "--out", dir.resolve("a.wav").toString(), "--model", "test", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void streamToAFileWritesExactWavSizes(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("so.wav");
        SayCommandTest.Run r = run("stream", "Exact sizes at close.", "--out", wav.toString(), "--model", "test", "--seed", "3", "-q");
        assertEquals(0, r.code(), r.err());
        byte[] b = Files.readAllBytes(wav);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.length - 8, Integer.toUnsignedLong(h.getInt(4)), "RIFF size");
        assertEquals(b.length - 44, Integer.toUnsignedLong(h.getInt(40)), "data size");
        assertFalse(Wav.read(b).streamingHeader());
    }

    @Test
    void streamToAFileWritesExactSizesForTelephonyWavToo(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("ulaw.wav");
        SayCommandTest.Run r = run("stream", "Odd byte counts.", "--out", wav.toString(), "--format", "wav-ulaw", "--model", "test", "-q");
        assertEquals(0, r.code(), r.err());
        Wav.Decoded d = Wav.read(Files.readAllBytes(wav));
        assertFalse(d.streamingHeader());
        assertEquals(8_000, d.sampleRate());
        assertEquals(Files.size(wav) - 8, Integer.toUnsignedLong(ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN).getInt(4)));
    }

    @Test
    void longTextShowsProgressOnATerminal(@TempDir Path dir) {
        String was = System.getProperty(Tty.STDERR_PROPERTY);
        System.setProperty(Tty.STDERR_PROPERTY, "true");
        try {
            SayCommandTest.Run r = run("say", LONG_TEXT, "--out", dir.resolve("long.wav").toString(), "--model", "test", "--max-tokens", "64");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("speaking"), "no progress bar on stderr: " + r.err());
            assertTrue(r.err().contains("pieces") && r.err().contains("s audio, RTF"), "the bar shows pieces, audio seconds and RTF: " + r.err());
        } finally {
            restore(was);
        }
    }

    @Test
    void progressStaysQuietWhenStderrIsNotATerminal(@TempDir Path dir) {
        String was = System.getProperty(Tty.STDERR_PROPERTY);
        System.setProperty(Tty.STDERR_PROPERTY, "false");
        try {
            SayCommandTest.Run r = run("say", LONG_TEXT, "--out", dir.resolve("long.wav").toString(), "--model", "test", "--max-tokens", "64");
            assertEquals(0, r.code(), r.err());
            assertFalse(r.err().contains("speaking"), r.err());
            assertFalse(r.err().contains("\r"), r.err());
        } finally {
            restore(was);
        }
    }

    private static void restore(String was) {
        if (was == null) {
            System.clearProperty(Tty.STDERR_PROPERTY);
        } else {
            System.setProperty(Tty.STDERR_PROPERTY, was);
        }
    }
}
