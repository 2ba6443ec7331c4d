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
    void progressFormatting() {
        assertEquals("1.5 KiB", DownloadCommand.ConsoleProgress.size(1536));
        assertEquals("6.1 GiB", DownloadCommand.ConsoleProgress.size(6_601_886_504L));
        assertEquals("1:01:05", DownloadCommand.ConsoleProgress.duration(3665));
        assertEquals("0:07", DownloadCommand.ConsoleProgress.duration(6.2));
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DownloadCommand.ConsoleProgress p = new DownloadCommand.ConsoleProgress(new java.io.PrintStream(b, true), false);
        p.fileStarted("model.safetensors", 2048, 1024);
        p.bytes(1024);
        p.fileDone("model.safetensors", 2048, false);
        assertEquals("downloading model.safetensors (2.0 KiB, resuming at 1.0 KiB)\ndone model.safetensors (2.0 KiB)\n", b.toString());
        b.reset();
        DownloadCommand.ConsoleProgress t = new DownloadCommand.ConsoleProgress(new java.io.PrintStream(b, true), true);
        t.fileStarted("w.bin", 1 << 20, 0);
        t.bytes(1 << 19);
        t.fileDone("w.bin", 1 << 20, false);
        assertTrue(b.toString().contains("\rw.bin") && b.toString().contains("ETA") && b.toString().contains("/s"), b.toString());
    }
}
