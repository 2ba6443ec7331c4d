package ai.maya1.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} for tests, on 127.0.0.1. {@link #shared()} uses the one {@code .ci/start-redis.sh}
 * started ({@code -Dmaya1.redis.port} or {@code $MAYA1_REDIS_PORT}) or else starts a private one;
 * {@link #startPrivate()} always starts a private one (tests that stop Redis on purpose). The binary is
 * {@code $MAYA1_REDIS_SERVER} or {@code redis-server} on the PATH. Without any, tests are skipped locally and
 * fail under CI ({@code CI=true}), so CI cannot pass without really running them.
 */
final class RedisProcess implements AutoCloseable {
    private static RedisProcess shared;

    final int port;
    private final Process process;
    private final Path dir;

    private RedisProcess(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    static synchronized RedisProcess shared() {
        if (shared != null) {
            return shared;
        }
        String p = System.getProperty("maya1.redis.port", System.getenv("MAYA1_REDIS_PORT"));
        if (p != null && !p.isBlank()) {
            int port = Integer.parseInt(p.trim());
            if (answers(port)) {
                shared = new RedisProcess(port, null, null);
                return shared;
            }
            unavailable("no Redis answers on 127.0.0.1:" + port + " (maya1.redis.port / MAYA1_REDIS_PORT)");
        }
        shared = startPrivate();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        return shared;
    }

    static RedisProcess startPrivate() {
        String bin = System.getenv().getOrDefault("MAYA1_REDIS_SERVER", "redis-server");
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("maya1-redis-test");
            Process proc = new ProcessBuilder(bin, "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "",
                    "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            RedisProcess r = new RedisProcess(port, proc, dir);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < end) {
                if (answers(port)) {
                    return r;
                }
                if (!proc.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            r.close();
            throw new IllegalStateException("redis-server did not start on port " + port + ": " + Files.readString(dir.resolve("redis.log")));
        } catch (IOException e) {
            unavailable("cannot run " + bin + " (" + e.getMessage() + "); run .ci/start-redis.sh to install it");
            throw new AssertionError("unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("Redis is required under CI: " + why);
        }
        Assumptions.abort("Redis not available: " + why);
    }

    static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 300);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] b = new byte[7];
            int n = s.getInputStream().read(b);
            return n > 0 && new String(b, 0, n).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** A client for assertions. */
    RedisClient client() {
        return RedisClient.create("127.0.0.1", port);
    }

    /** Kills the server at once (no shutdown save). */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // temp files
            }
        }
    }
}
