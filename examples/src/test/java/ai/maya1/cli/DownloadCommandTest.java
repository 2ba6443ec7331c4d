package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DownloadCommandTest {
    @Test
    void badRepoIdsAndRevisionsAreOneLineErrorsWithExitTwo() {
        InspectCommandTest.Run r = InspectCommandTest.run("download", "../../etc", "--cache-dir", "target/none");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: invalid repo id '../../etc'"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        r = InspectCommandTest.run("download", "org/model", "--revision", "../x", "--cache-dir", "target/none");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: invalid revision '../x'"), r.err());
    }

    @Test
    void sizesAreHumanReadable() {
        assertEquals("1.5 KiB", DownloadCommand.ConsoleProgress.size(1536));
        assertEquals("6.1 GiB", DownloadCommand.ConsoleProgress.size(6_601_886_504L));
    }

    @Test
    void withoutATerminalEachFileIsOnePlainLineAtStartAndEnd() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DownloadCommand.ConsoleProgress p = new DownloadCommand.ConsoleProgress(new java.io.PrintStream(b, true), false, 80);
        p.fileStarted("model.safetensors", 2048, 1024);
        p.bytes(1024);
        p.fileDone("model.safetensors", 2048, false);
        assertEquals("downloading model.safetensors (2.0 KiB, resuming at 1.0 KiB)\ndone model.safetensors (2.0 KiB)\n", b.toString());
    }

    @Test
    void onATerminalABarShowsBytesRateAndEta() throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DownloadCommand.ConsoleProgress t = new DownloadCommand.ConsoleProgress(new java.io.PrintStream(b, true, java.nio.charset.StandardCharsets.UTF_8), true, 120);
        t.fileStarted("w.bin", 8L << 20, 0);
        t.bytes(4L << 20);
        Thread.sleep(450); // the bar redraws every 200 ms
        t.fileDone("w.bin", 8L << 20, false);
        String drawn = b.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(drawn.contains("w.bin"), drawn);
        assertTrue(drawn.contains("MiB"), "no byte counts in: " + drawn);
        assertTrue(drawn.contains("MiB/s"), "no rate in: " + drawn);
        assertTrue(drawn.matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), "no elapsed / ETA in: " + drawn);
        assertTrue(drawn.contains("8/8") || drawn.contains("8.0/8.0") || drawn.contains("100%"), "the bar does not end complete: " + drawn);
    }
}
