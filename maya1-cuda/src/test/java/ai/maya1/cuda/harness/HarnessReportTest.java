package ai.maya1.cuda.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device run's JSON (run.sh embeds it verbatim in report.json, so it must stay strict JSON at every moment). */
class HarnessReportTest {
    @TempDir
    Path dir;

    JsonNode read(Path f) throws IOException {
        return new ObjectMapper().readTree(f.toFile());
    }

    @Test
    void everyEntryIsOnDiskAtOnceSoAKilledStepKeepsWhatItMeasured() throws IOException {
        Path f = dir.resolve("step.json");
        HarnessReport r = new HarnessReport("decode-bf16", f);
        r.figure("bf16.decode.tokensPerSecond", 123.456789, "tokens/s");
        JsonNode j = read(f);
        assertEquals("running", j.get("status").asText());
        assertEquals(123.4568, j.get("figures").get("bf16.decode.tokensPerSecond").get("value").asDouble());
    }

    @Test
    void aNonFiniteErrorIsWrittenAsNullAndFailsTheCheck() throws IOException {
        Path f = dir.resolve("step.json");
        HarnessReport r = new HarnessReport("parity", f);
        assertFalse(r.check("lengths differ (this test expects FAIL)", Double.POSITIVE_INFINITY, 1e-4));
        JsonNode c = read(f).get("checks").get(0);
        assertTrue(c.get("maxAbsError").isNull());
        assertFalse(c.get("pass").asBoolean());
        assertTrue(r.failed());
    }

    @Test
    void anInformationalCheckNeverFailsTheStep() throws IOException {
        HarnessReport r = new HarnessReport("parity", dir.resolve("step.json"));
        r.info("Q8_0 greedy tokens identical", false);
        r.finish(r.failed() ? "fail" : "pass");
        assertEquals("pass", read(dir.resolve("step.json")).get("status").asText());
    }
}
