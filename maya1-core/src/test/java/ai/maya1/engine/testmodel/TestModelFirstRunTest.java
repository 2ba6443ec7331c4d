package ai.maya1.engine.testmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First runs on an empty cache that start together: every one of them gets the complete test model. */
class TestModelFirstRunTest {
    private static final int PROCESSES = 4;
    private static final int THREADS = 6;

    /** The child process: writes the test model into the cache folder given as the only argument. */
    public static final class EnsureMain {
        public static void main(String[] args) {
            TestModel.Folders f = TestModel.ensure(Path.of(args[0]));
            System.out.println("ok " + f.root());
        }
    }

    @Test
    void processesStartedTogetherOnAnEmptyCacheAllSucceed(@TempDir Path cache) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            started.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EnsureMain.class.getName(), cache.toString())
                    .redirectErrorStream(true).start());
        }
        for (int i = 0; i < PROCESSES; i++) {
            Process p = started.get(i);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "process " + i + " did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "process " + i + " failed: " + out);
            assertTrue(out.contains("ok "), "process " + i + " printed: " + out);
        }
        assertOneCompleteModel(cache);
    }

    @Test
    void threadsStartedTogetherOnAnEmptyCacheAllSucceed(@TempDir Path cache) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> new Thread(r, "test-model-first-run"));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestModel.Folders>> got = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return TestModel.ensure(cache);
                }));
            }
            go.countDown();
            for (Future<TestModel.Folders> f : got) {
                assertTrue(Files.isRegularFile(f.get(5, TimeUnit.MINUTES).lmDir().resolve("model.safetensors")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertOneCompleteModel(cache);
    }

    @Test
    void aStaleIncompleteFolderFromAKilledRunIsReplaced(@TempDir Path cache) throws Exception {
        Path root = cache.resolve("test-model").resolve(TestModel.VERSION);
        Files.createDirectories(root.resolve("lm"));
        Files.writeString(root.resolve("lm").resolve("config.json"), "{", StandardCharsets.UTF_8);
        Files.createDirectories(cache.resolve("test-model").resolve(TestModel.VERSION + ".tmp-123"));
        TestModel.ensure(cache);
        assertOneCompleteModel(cache);
    }

    private static void assertOneCompleteModel(Path cache) throws IOException {
        Path root = cache.resolve("test-model").resolve(TestModel.VERSION);
        assertTrue(Files.isRegularFile(root.resolve("COMPLETE")), "no COMPLETE marker in " + root);
        try (Stream<Path> s = Files.list(cache.resolve("test-model"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(TestModel.VERSION, TestModel.VERSION + ".lock"), names, "left beside the model: " + names);
        }
        TestModel.Folders f = new TestModel.Folders(root, root.resolve("lm"), root.resolve("snac"));
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.lmDir().resolve("config.json").toFile()).has("vocab_size"));
    }
}
