package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Redis Streams batch workers against a real redis-server. */
class SpeechWorkerTest {
    static final String LONG = "A long job for the worker. It has several sentences so that it takes a while. "
            + "The worker is killed while it synthesizes this text. Another worker must then take the job over. "
            + "And its result must be written exactly once, whatever happened before.";

    static SpeechWorker.Options fast(String name) {
        return new SpeechWorker.Options(name, Duration.ofMillis(500), Duration.ofMillis(200), 3, 5, Duration.ofMinutes(10));
    }

    static Thread run(SpeechWorker w) {
        return Thread.ofPlatform().name("test-" + w.hashCode()).daemon(true).start(w);
    }

    @Test
    void severalWorkersShareAStreamAndWriteEachJobOnce() throws Exception {
        String prefix = "test:" + UUID.randomUUID();
        try (SpeechJobs jobs = new SpeechJobs(RedisProcess.shared().uri(), prefix)) {
            SpeechWorker a = new SpeechWorker(TestEngine.shared(), jobs, fast("a"), null);
            SpeechWorker b = new SpeechWorker(TestEngine.shared(), jobs, fast("b"), null);
            run(a);
            run(b);
            try {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String id = "job-" + i;
                    ids.add(id);
                    jobs.submit(id, Map.of("input", "Job number " + i + ".", "voice", "alloy", "seed", Integer.toString(i)));
                }
                Set<String> workers = new HashSet<>();
                for (String id : ids) {
                    byte[] audio = jobs.await(id, Duration.ofMinutes(3)).orElseThrow(() -> new AssertionError("no result for " + id));
                    assertEquals(24_000, Wav.read(audio).sampleRate());
                    assertEquals(1, jobs.writes(id));
                    workers.add(jobs.resultMeta(id).get("worker"));
                }
                assertEquals(Set.of("a", "b"), workers, "both workers took jobs");
                // a job submitted again under the same id is acknowledged without a second write
                jobs.submit("job-0", Map.of("input", "Job number 0.", "seed", "0"));
                long t = System.nanoTime();
                while (jobs.backlog() > 0 && System.nanoTime() - t < 30_000_000_000L) {
                    Thread.sleep(50);
                }
                assertEquals(0, jobs.backlog());
                assertEquals(1, jobs.writes("job-0"));
            } finally {
                a.closeAndWait(Duration.ofSeconds(30));
                b.closeAndWait(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void badJobsAreDeadLetteredAndFailingOnesRetriedThenDeadLettered() throws Exception {
        String prefix = "test:" + UUID.randomUUID();
        Maya1Tts closed = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).warmUpOnStart(false).build());
        closed.close(); // every synthesis fails: a worker whose engine is broken
        try (SpeechJobs jobs = new SpeechJobs(RedisProcess.shared().uri(), prefix)) {
            jobs.submit("bad-voice", Map.of("input", "Hello.", "voice", "nobody"));
            SpeechWorker good = new SpeechWorker(TestEngine.shared(), jobs, fast("good"), null);
            run(good);
            long t = System.nanoTime();
            while (jobs.deadLetters().isEmpty() && System.nanoTime() - t < 30_000_000_000L) {
                Thread.sleep(50);
            }
            good.closeAndWait(Duration.ofSeconds(30));
            assertEquals(1, jobs.deadLetters().size());
            assertEquals("bad-voice", jobs.deadLetters().getFirst().get("job_id"));
            assertTrue(jobs.deadLetters().getFirst().get("error").contains("unknown voice"), jobs.deadLetters().toString());

            jobs.submit("unlucky", Map.of("input", "Hello.", "seed", "1"));
            SpeechWorker broken = new SpeechWorker(closed, jobs, fast("broken"), null);
            run(broken);
            t = System.nanoTime();
            while (jobs.deadLetters().size() < 2 && System.nanoTime() - t < 30_000_000_000L) {
                Thread.sleep(50);
            }
            broken.closeAndWait(Duration.ofSeconds(30));
            assertEquals(2, jobs.deadLetters().size(), jobs.deadLetters().toString());
            Map<String, String> dl = jobs.deadLetters().get(1);
            assertEquals("unlucky", dl.get("job_id"));
            assertTrue(dl.get("error").startsWith("failed 3 times"), dl.toString());
            assertEquals("3", dl.get("deliveries"), "retried by redelivery");
            assertEquals(0, jobs.backlog());
            assertTrue(jobs.result("unlucky").isEmpty());
        }
    }

}
