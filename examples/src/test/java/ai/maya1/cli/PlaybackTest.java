package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code say --play} / {@code stream --play}: what reaches the sound line, and the one-line error where there is none. */
class PlaybackTest {

    /** True where the JVM can open a 24 kHz output line (a desktop); false on servers and CI. */
    static boolean soundOutputAvailable() {
        try {
            SourceDataLine line = AudioSystem.getSourceDataLine(Playback.PCM_24K);
            line.open(Playback.PCM_24K);
            line.close();
            return true;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            return false;
        }
    }

    @Test
    void sayPlayFailsWithOneErrorLineAndNoFileWhereThereIsNoSoundOutput(@TempDir Path dir) {
        Assumptions.assumeFalse(soundOutputAvailable(), "this machine has a sound output: the no-device path cannot be shown here");
        Path wav = dir.resolve("hello.wav");
        SayCommandTest.Run r = SayCommandTest.run("say", "Hello there.", "--play", "--out", wav.toString(), "--model", "test");
        assertNotEquals(0, r.code(), "exit code");
        assertEquals(1, r.err().lines().count(), "stderr should be one line: " + r.err());
        assertTrue(r.err().startsWith("error: no audio output device to play on ("), r.err());
        assertTrue(r.err().contains("--out FILE"), r.err());
        assertFalse(Files.exists(wav), "nothing should be synthesized or written");
    }

    @Test
    void streamPlayFailsWithOneErrorLineWhereThereIsNoSoundOutput() {
        Assumptions.assumeFalse(soundOutputAvailable(), "this machine has a sound output: the no-device path cannot be shown here");
        SayCommandTest.Run r = SayCommandTest.run("stream", "Hello there.", "--play", "--model", "test");
        assertNotEquals(0, r.code(), "exit code");
        assertEquals(1, r.err().lines().count(), "stderr should be one line: " + r.err());
        assertTrue(r.err().startsWith("error: no audio output device to play on ("), r.err());
        assertEquals("", r.out(), "no audio on stdout");
    }

    @Test
    void playedChunksReachTheLineAsSigned16BitPcmInOrderAndCloseDrainsOnce() {
        ByteArrayOutputStream played = new ByteArrayOutputStream();
        List<String> calls = new ArrayList<>();
        SourceDataLine line = (SourceDataLine) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SourceDataLine.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    if (method.getName().equals("write")) {
                        played.write((byte[]) args[0], (int) args[1], (int) args[2]);
                        return args[2];
                    }
                    return null;
                });
        float[] first = {0f, 0.5f, -0.5f};
        float[] second = {1f, -1f};
        Playback playback = new Playback(line);
        playback.play(first);
        playback.play(second);
        playback.close();
        playback.close();
        assertArrayEquals(AudioEncoders.encodeAll(new float[] {0f, 0.5f, -0.5f, 1f, -1f}, AudioFormat.PCM_S16LE), played.toByteArray());
        assertEquals(List.of("write", "write", "drain", "close"), calls);
    }
}
