package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker does not run here, so the image's command is run directly: ENTRYPOINT + CMD of deploy/Dockerfile (and
 * Dockerfile.cuda), with the jar path of the image mapped to the shaded jar built by {@code package} and the
 * image's environment, serves speech on the test model.
 */
class DockerCommandIT {

    static List<String> command(Path dockerfile) throws Exception {
        List<String> cmd = new ArrayList<>();
        List<String> entry = null;
        List<String> args = null;
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("ENTRYPOINT [")) {
                entry = List.of(json.readValue(line.substring("ENTRYPOINT ".length()), String[].class));
            } else if (line.startsWith("CMD [")) {
                args = List.of(json.readValue(line.substring("CMD ".length()), String[].class));
            }
        }
        assertTrue(entry != null && args != null, "Dockerfile needs exec-form ENTRYPOINT and CMD");
        cmd.addAll(entry);
        cmd.addAll(args);
        return cmd;
    }

    @Test
    void bothDockerfilesRunTheSameCommand() throws Exception {
        Path deploy = CliJar.projectRoot().resolve("deploy");
        assertEquals(command(deploy.resolve("Dockerfile")), command(deploy.resolve("Dockerfile.cuda")));
    }

    @Test
    void serverJarStartsWithTheDockerfileCommand(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(command(CliJar.projectRoot().resolve("deploy/Dockerfile")));
        assertEquals("java", cmd.getFirst());
        cmd.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int jar = cmd.indexOf("/app/maya1.jar");
        assertTrue(jar > 0, "the command runs /app/maya1.jar");
        cmd.set(jar, CliJar.path().toString());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile());
        pb.environment().put("MAYA1_HOST", "127.0.0.1"); // the image says 0.0.0.0; loopback only in tests
        pb.environment().put("MAYA1_PORT", Integer.toString(port));
        pb.environment().put("MAYA1_MODEL", "test");
        Process p = pb.start();
        try {
            Http h = new Http(port);
            long end = System.nanoTime() + 180_000_000_000L;
            int status = 0;
            while (System.nanoTime() < end && p.isAlive()) {
                try {
                    status = h.get("/health/ready", null).statusCode();
                    if (status == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            assertEquals(200, status, () -> "not ready; log:\n" + read(tmp.resolve("server.log")));
            HttpResponse<byte[]> r = h.speech(Http.body("Hello from the container command.", null), null);
            assertEquals(200, r.statusCode(), () -> new String(r.body()));
            assertEquals("audio/wav", r.headers().firstValue("content-type").orElseThrow());
        } finally {
            p.destroy();
            p.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);
            p.destroyForcibly();
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
