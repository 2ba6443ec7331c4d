package ai.maya1.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.tts.EngineInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded CLI jar as a user runs it, each run a fresh JVM with an empty test-model cache: first runs started
 * together all succeed, the test-model notice appears once, and {@code --quiet} prints nothing.
 */
class CliFirstRunIT {
    private static final int TOGETHER = 3;

    record Result(int code, String out, String err) {
    }

    static Path jar() {
        String p = System.getProperty("maya1.cli.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the shaded CLI jar is missing (" + p + "): run the integration tests with 'mvn verify'");
        }
        return Path.of(p);
    }

    static Process start(Path cache, Path dir, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("MAYA1_CACHE", cache.toString());
        pb.environment().put("HF_HUB_CACHE", dir.resolve("empty-hf-cache").toString());
        pb.environment().put("HF_HUB_OFFLINE", "1");
        return pb.start();
    }

    static Result finish(Process p, Path dir, String name) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " did not finish");
        // the JVM's own notice of the incubator module is the launcher's to filter; it is not the CLI's output
        String err = Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8)
                .replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        return new Result(p.exitValue(), Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8), err);
    }

    @Test
    void firstRunsStartedTogetherOnAnEmptyCacheAllSucceed(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < TOGETHER; i++) {
            runs.add(start(cache, dir, "run" + i, "say", "hi", "--out", "run" + i + ".wav", "--threads", "1", "--quiet"));
        }
        for (int i = 0; i < TOGETHER; i++) {
            Result r = finish(runs.get(i), dir, "run" + i);
            assertEquals(0, r.code(), "run " + i + ": " + r.err());
            assertEquals("", r.out(), "run " + i + " is --quiet");
            assertEquals("", r.err(), "run " + i + " is --quiet");
            assertTrue(Files.size(dir.resolve("run" + i + ".wav")) > 44, "run " + i + " wrote no audio");
        }
    }

    @Test
    void theTestModelNoticeAppearsOncePerRun(@TempDir Path dir) throws Exception {
        Result r = finish(start(dir.resolve("cache"), dir, "say", "say", "hi", "--out", "a.wav", "--threads", "1"), dir, "say");
        assertEquals(0, r.code(), r.err());
        String both = r.out() + r.err();
        assertEquals(1, both.split(EngineInfo.TEST_MODEL_LABEL, -1).length - 1, both);
    }
}
