package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * A worker process ({@code maya1 worker} from the shaded jar) is killed with SIGKILL while it synthesizes a job;
 * another worker takes the job over after the claim idle time and writes its result exactly once.
 */
class WorkerKillIT {
    static final String LONG = SpeechWorkerTest.LONG;

    static Thread run(SpeechWorker w) {
        return SpeechWorkerTest.run(w);
    }

    static SpeechWorker.Options fast(String name) {
        return SpeechWorkerTest.fast(name);
    }

    @Test
    void workerKilledMidJobIsRedeliveredAndWrittenExactlyOnce(@TempDir Path tmp) throws Exception {
        String prefix = "test:" + UUID.randomUUID();
        try (SpeechJobs jobs = new SpeechJobs(RedisProcess.shared().uri(), prefix)) {
            jobs.ensureGroup();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path log = tmp.resolve("doomed.log");
            Process doomed = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-jar", CliJar.path().toString(), "worker", "--redis", RedisProcess.shared().uri(), "--stream", prefix,
                    "--consumer", "doomed", "--model", "test", "--claim-idle", "PT1S")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // wait until the worker is a consumer of the group, then queue the job
                long t = System.nanoTime();
                while (!read(log).contains("consumer(s) on " + prefix)) {
                    assertTrue(doomed.isAlive(), () -> "worker died (exit " + doomed.exitValue() + "): " + read(log));
                    assertTrue(System.nanoTime() - t < 120_000_000_000L, () -> "worker did not start: " + read(log));
                    Thread.sleep(50);
                }
                jobs.submit("precious", Map.of("input", LONG, "seed", "9"));
                // kill -9 as soon as the job is delivered to it (pending, not acknowledged)
                t = System.nanoTime();
                while (true) {
                    List<StreamPendingEntry> p = jobs.redis().xpending(jobs.stream(), jobs.group(), XPendingParams.xPendingParams().count(10));
                    if (!p.isEmpty()) {
                        assertTrue(p.getFirst().getConsumerName().startsWith("doomed"));
                        break;
                    }
                    assertTrue(System.nanoTime() - t < 60_000_000_000L, () -> "job never delivered: " + read(log));
                    Thread.sleep(10);
                }
                doomed.destroyForcibly().waitFor();
            } finally {
                doomed.destroyForcibly();
            }
            assertTrue(jobs.result("precious").isEmpty(), () -> "the worker finished before it was killed: " + read(log));
            assertEquals(1, jobs.backlog(), "the job is pending on the dead consumer");

            SpeechWorker heir = new SpeechWorker(TestEngine.shared(), jobs, fast("heir"), null);
            run(heir);
            try {
                byte[] audio = jobs.await("precious", Duration.ofMinutes(3)).orElseThrow();
                assertTrue(Wav.read(audio).samples().length > 0);
                long t = System.nanoTime();
                while (jobs.backlog() > 0 && System.nanoTime() - t < 30_000_000_000L) {
                    Thread.sleep(50);
                }
            } finally {
                heir.closeAndWait(Duration.ofSeconds(30));
            }
            assertEquals(1, jobs.writes("precious"), "written exactly once");
            assertEquals("heir", jobs.resultMeta("precious").get("worker"));
            assertEquals(0, jobs.backlog());
            assertTrue(jobs.deadLetters().isEmpty());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
