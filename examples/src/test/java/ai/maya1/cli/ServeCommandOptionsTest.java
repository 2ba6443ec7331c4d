package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandOptionsTest {
    @Test
    void connectionLimitsAndWavStreamingHaveTheDocumentedDefaults() {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs();
        assertEquals(Duration.ofSeconds(30), c.readTimeout);
        assertEquals(1000, c.maxConnections);
        assertFalse(c.streamWav);
        assertTrue(c.batching);
    }

    @Test
    void connectionLimitsAndWavStreamingAreSetFromTheCommandLine() {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs("--read-timeout", "PT5S", "--max-connections", "7", "--stream-wav", "--no-batching");
        assertEquals(Duration.ofSeconds(5), c.readTimeout);
        assertEquals(7, c.maxConnections);
        assertTrue(c.streamWav);
        assertFalse(c.batching);
    }
}
