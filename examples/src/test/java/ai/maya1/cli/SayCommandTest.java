package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.Mp3;
import ai.maya1.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The say/stream CLI contracts, on the built-in test model (as on a fresh clone without weights). */
class SayCommandTest {

    record Run(int code, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Maya1Cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void sayWritesAWavAndPrintsTtfaRtfAndWhereItWent(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("hello.wav");
        Run r = run("say", "Hello from the JVM <laugh> this is a test.", "--out", wav.toString(), "--model", "test", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test model: output is not speech"), r.out());
        assertTrue(r.out().contains("wrote " + wav.toAbsolutePath()), r.out());
        assertTrue(r.out().matches("(?s).*TTFA \\d+ ms, RTF \\d+\\.\\d+.*"), r.out());
        Wav.Decoded d = Wav.read(Files.readAllBytes(wav));
        assertEquals(24_000, d.sampleRate());
        assertTrue(d.samples().length > 2048);
    }

    @Test
    void formatsFollowTheOptionOrTheExtension(@TempDir Path dir) throws Exception {
        Path ulaw = dir.resolve("a.ulaw");
        assertEquals(0, run("say", "Telephony.", "--out", ulaw.toString(), "--model", "test", "--seed", "1", "-q").code());
        Path pcm = dir.resolve("a.raw");
        assertEquals(0, run("say", "Telephony.", "--out", pcm.toString(), "--format", "pcm", "--model", "test", "--seed", "1", "-q").code());
        long n24 = Files.size(pcm) / 2;
        assertEquals((long) Math.ceil(n24 / 3.0), Files.size(ulaw), "8 kHz mu-law: one byte per sample at a third of the rate");
        Path mp3 = dir.resolve("a.mp3");
        assertEquals(0, run("say", "Telephony.", "--out", mp3.toString(), "--model", "test", "--seed", "1", "-q").code());
        assertEquals(24_000, Mp3.decode(Files.readAllBytes(mp3)).sampleRate());
    }

    @Test
    void streamWritesTheSameAudioAsSay(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("say.wav");
        Path b = dir.resolve("stream.wav");
        assertEquals(0, run("say", "Same seed, same audio.", "--out", a.toString(), "--model", "test", "--seed", "7", "-q").code());
        Run r = run("stream", "Same seed, same audio.", "--out", b.toString(), "--model", "test", "--seed", "7");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("test model: output is not speech"), r.err());
        Wav.Decoded streamed = Wav.read(Files.readAllBytes(b));
        assertTrue(!streamed.streamingHeader(), "a file gets its exact sizes when the stream ends");
        assertEquals(java.util.Arrays.toString(Wav.read(Files.readAllBytes(a)).samples()), java.util.Arrays.toString(streamed.samples()));
        float[] pcm = AudioEncoders.decode(Files.readAllBytes(a), AudioFormat.WAV);
        assertTrue(pcm.length > 0);
    }

    @Test
    void badInputExitsTwoWithOneErrorLine(@TempDir Path dir) {
        Run empty = run("say", "--out", dir.resolve("x.wav").toString(), "--model", "test");
        assertEquals(2, empty.code());
        assertTrue(empty.err().startsWith("error: "), empty.err());
        Run badFormat = run("say", "Hi", "--format", "ogg", "--model", "test");
        assertEquals(2, badFormat.code());
        Run badVoice = run("say", "Hi", "--voice", "nobody", "--model", "test", "--out", dir.resolve("y.wav").toString());
        assertEquals(2, badVoice.code());
        assertTrue(badVoice.err().contains("unknown voice preset"), badVoice.err());
        Run strict = run("say", "Hi <nonsense>", "--strict-tags", "--model", "test", "--out", dir.resolve("z.wav").toString());
        assertEquals(2, strict.code());
        Run missing = run("say", "Hi", "--model", dir.resolve("nothing-here").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("say", "--help");
        assertEquals(0, r.code());
        for (String o : new String[] {"--out", "--format", "--voice", "--description", "--seed", "--temperature", "--top-p", "--max-tokens", "--model"}) {
            assertTrue(r.out().contains(o), o);
        }
    }
}
