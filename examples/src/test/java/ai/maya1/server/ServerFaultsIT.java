package ai.maya1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded fault run against one server on loopback (test model, JWT auth, a short request timeout, small admission
 * limits): normal, streaming and SSE clients, clients that hang up, send slowly or stall, requests that hit the
 * deadline, bad tokens and malformed requests, all at once for a fixed time. Then: no 5xx other than 503/504 (by
 * design: overload and deadline), no ERROR or stack trace in the log, platform threads and RSS back near their
 * baseline, and the server's request metrics equal what the clients saw.
 */
class ServerFaultsIT {
    static final Duration RUN = Duration.ofSeconds(Long.getLong("maya1.faults.seconds", 30));
    static final String SHORT = "Hello there, this is a short one.";
    static final String VERY_LONG = ("This is the first sentence of a longer text. Here comes the second one, with a clause. "
            + "The third sentence follows the second. A fourth sentence makes the request longer still. ").repeat(12);

    /** What the clients saw, as the status the server should have recorded ("499|504": either, see disconnect). */
    final Map<String, AtomicInteger> saw = new ConcurrentHashMap<>();
    SpeechServer server;
    Http http;
    String token;

    void saw(String key) {
        saw.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Test
    @Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aMixOfNormalSlowBrokenAndHostileClientsLeavesNo5xxNoErrorsNoLeaksAndTrueMetrics() throws Exception {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(savedErr, log), true, StandardCharsets.UTF_8));
        try {
            server = SpeechServer.start(ServerConfig.builder().port(0).model("test").auth("hs256").jwtSecret(Tokens.SECRET)
                    .audience(Tokens.AUDIENCE).rateLimit(1_000_000, 1_000_000).maxConcurrent(2).maxQueued(4)
                    .requestTimeout(Duration.ofSeconds(6)).readTimeout(Duration.ofSeconds(2)).maxBodyBytes(16_384).build());
            assertTrue(server.awaitReady(Duration.ofMinutes(2)));
            http = new Http(server.port());
            token = Tokens.hs256("fault-client", Tokens.AUDIENCE, Duration.ofHours(1));

            // a first round warms up every pool, thread and heap region the server uses; it sets the baseline
            runMix(RUN.dividedBy(2));
            awaitQuiet();
            saw.clear();
            Map<String, Long> before = serverStatuses();
            long rejectedBefore = rejected413();
            long threadsBefore = platformThreads();
            String threadNamesBefore = threadNames();
            long rssBefore = rssBytes();
            long heapBefore = heapUsed();

            runMix(RUN);
            awaitQuiet();

            // 1. statuses: nothing but the 5xx the design has (503 overload, 504 deadline)
            Map<String, Long> after = serverStatuses();
            Map<String, Long> delta = new TreeMap<>();
            after.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d != 0) {
                    delta.put(k, d);
                }
            });
            for (String status : delta.keySet()) {
                int s = Integer.parseInt(status);
                assertTrue(s < 500 || s == 503 || s == 504, "server answered " + status + ": " + delta);
            }
            // 2. the metrics agree with the clients (a hang-up may race a deadline abort: 499 and 504 are one group)
            Map<String, Long> clientSaw = new TreeMap<>();
            saw.forEach((k, v) -> clientSaw.put(k, (long) v.get()));
            String both = "metrics " + delta + " vs clients " + clientSaw;
            for (Map.Entry<String, Long> e : clientSaw.entrySet()) {
                if (!e.getKey().contains("|") && !e.getKey().equals("499") && !e.getKey().equals("504") && !e.getKey().startsWith("rejected")) {
                    assertEquals(e.getValue(), delta.getOrDefault(e.getKey(), 0L), "status " + e.getKey() + ": " + both);
                }
            }
            for (String k : delta.keySet()) {
                if (!k.equals("499") && !k.equals("504")) {
                    assertTrue(clientSaw.containsKey(k), "status " + k + " was never seen by a client: " + both);
                }
            }
            long clientGroup = clientSaw.getOrDefault("499|504", 0L) + clientSaw.getOrDefault("499", 0L) + clientSaw.getOrDefault("504", 0L);
            assertEquals(clientGroup, delta.getOrDefault("499", 0L) + delta.getOrDefault("504", 0L), "499 + 504: " + both);
            assertEquals((long) clientSaw.getOrDefault("rejected:413", 0L), rejected413() - rejectedBefore, "413 before routing: " + both);
            for (String kind : new String[] {"200", "400", "401", "408", "rejected:413"}) {
                assertTrue(clientSaw.getOrDefault(kind, 0L) > 0, "the mix did not cover " + kind + ": " + both);
            }
            assertTrue(clientGroup > 0, "the mix had no hang-up or deadline: " + both);

            // 3. no thread or memory growth on the server once the connections are gone
            long threadsAfter = platformThreads();
            long rssAfter = rssBytes();
            long heapAfter = heapUsed();
            assertTrue(heapAfter <= heapBefore + 64L * 1024 * 1024, "heap in use after GC " + heapBefore / 1_048_576 + " MiB -> "
                    + heapAfter / 1_048_576 + " MiB");
            assertTrue(threadsAfter <= threadsBefore + 4, "platform threads " + threadsBefore + " -> " + threadsAfter + ": "
                    + threadNamesBefore + " -> " + threadNames());
            assertTrue(rssAfter <= rssBefore + rssBefore / 4 + 64L * 1024 * 1024, "RSS " + rssBefore / 1_048_576 + " MiB -> " + rssAfter / 1_048_576 + " MiB");
            savedErr.println("fault run: " + both + "; threads " + threadsBefore + " -> " + threadsAfter + "; RSS "
                    + rssBefore / 1_048_576 + " -> " + rssAfter / 1_048_576 + " MiB; heap in use " + heapBefore / 1_048_576 + " -> "
                    + heapAfter / 1_048_576 + " MiB");
        } finally {
            if (server != null) {
                server.close();
            }
            System.setErr(savedErr);
        }
        // 4. nothing in the log is an error or a stack trace
        String text = log.toString(StandardCharsets.UTF_8);
        List<String> bad = text.lines().filter(l -> l.contains(" ERROR ") || l.startsWith("\tat ") || l.contains("Exception")).limit(20).toList();
        assertTrue(bad.isEmpty(), "the log has errors or stack traces:\n" + String.join("\n", bad));
    }

    /** Every role on two client threads, each in a loop, until {@code time} has passed. */
    void runMix(Duration time) throws Exception {
        // a fresh client pool per round: a connection left idle between rounds may be closed by the server's idle
        // check just as it is reused, a race of HTTP keep-alive itself and not what this test is about
        http = new Http(server.port());
        int n = Role.values().length * 2;
        ExecutorService clients = Executors.newFixedThreadPool(n, Thread.ofPlatform().name("fault-client-", 0).factory());
        try {
            long end = System.nanoTime() + time.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                Role role = Role.values()[c % Role.values().length];
                running.add(clients.submit(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        role.run(this, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    static long heapUsed() {
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Waits until no speech request runs and idle connections have been closed by the server. */
    void awaitQuiet() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.registry().get("maya1.server.requests.in.flight").gauge().value() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(0.0, server.registry().get("maya1.server.requests.in.flight").gauge().value(), "speech requests still running");
        Thread.sleep(1000);
        System.gc();
        Thread.sleep(200);
    }

    Map<String, Long> serverStatuses() {
        Map<String, Long> m = new TreeMap<>();
        for (Timer t : server.registry().find("maya1.server.requests").tag("route", "speech").timers()) {
            m.merge(t.getId().getTag("status"), t.count(), Long::sum);
        }
        return m;
    }

    long rejected413() {
        Counter c = server.registry().find("maya1.server.rejected").tag("status", "413").counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Platform threads of this JVM, less the test's own HTTP client threads (its pool idles out on its own time). */
    static long platformThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("HttpClient-")
                && !t.getName().startsWith("fault-client-")).count();
    }

    /** Platform thread names with digits folded, counted: what kinds of threads there are. */
    static String threadNames() {
        Map<String, Integer> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            m.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return m.toString();
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    String body(String text, String format, String extra) {
        return Http.body(text, extra).replace("\"wav\"", "\"" + format + "\"");
    }

    /** Classifies a JSON error answer: its status, after checking the documented shape. */
    void sawError(int status, byte[] body) throws IOException {
        JsonNode e = Http.JSON.readTree(body).get("error");
        assertTrue(e != null && e.hasNonNull("message") && e.hasNonNull("type") && e.hasNonNull("code") && e.has("param"),
                () -> status + " without the JSON error shape: " + new String(body, StandardCharsets.UTF_8));
        saw(Integer.toString(status));
        if (status == 503) {
            try {
                Thread.sleep(1000); // as Retry-After says
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    enum Role {
        NORMAL {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                HttpResponse<InputStream> r = t.http.speechStream(t.body(SHORT + " " + i, "wav", null), t.token);
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        t.sawError(r.statusCode(), in.readAllBytes());
                        return;
                    }
                    byte[] wav;
                    try {
                        wav = in.readAllBytes();
                    } catch (IOException aborted) {
                        t.saw("504");
                        return;
                    }
                    assertTrue(Wav.read(wav).samples().length > 0, "an empty WAV with status 200");
                    t.saw("200");
                }
            }
        },
        STREAM {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                HttpResponse<InputStream> r = t.http.speechStream(t.body(SHORT + " Streamed " + i, "pcm", null), t.token);
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        t.sawError(r.statusCode(), in.readAllBytes());
                        return;
                    }
                    long n;
                    try {
                        n = in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (IOException aborted) {
                        t.saw("504");
                        return;
                    }
                    assertTrue(n > 0, "an empty PCM body with status 200");
                    t.saw("200");
                }
            }
        },
        SSE {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                HttpResponse<byte[]> r = t.http.speech(t.body(SHORT + " Events " + i, "pcm", "\"stream_format\":\"sse\""), t.token);
                if (r.statusCode() != 200) {
                    t.sawError(r.statusCode(), r.body());
                    return;
                }
                String[] events = new String(r.body(), StandardCharsets.US_ASCII).split("\n\n");
                JsonNode last = Http.JSON.readTree(events[events.length - 1].substring("data: ".length()));
                if (last.get("type").asText().equals("error")) {
                    t.saw(Integer.toString(last.get("error").get("code").asText().equals("timeout") ? 504 : 500));
                } else {
                    assertEquals("speech.audio.done", last.get("type").asText());
                    t.saw("200");
                }
            }
        },
        DISCONNECT {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                try (RawHttp c = new RawHttp(t.server.port())) {
                    byte[] b = t.body(VERY_LONG, "pcm", null).getBytes(StandardCharsets.UTF_8);
                    c.send("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer " + t.token
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n");
                    c.socket.getOutputStream().write(b);
                    String head = c.readHead();
                    int status = RawHttp.status(head);
                    if (status != 200) {
                        t.sawError(status, chunkedOrPlainBody(c, head));
                        return;
                    }
                    byte[] some = c.socket.getInputStream().readNBytes(200);
                    c.reset();
                    t.saw(some.length == 200 ? "499|504" : "504");
                }
            }
        },
        SLOW_SEND {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                try (RawHttp c = new RawHttp(t.server.port())) {
                    byte[] b = t.body(SHORT + " Slowly " + i, "pcm", null).getBytes(StandardCharsets.UTF_8);
                    c.send("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer " + t.token
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n");
                    if (i % 3 == 1) {
                        // stalls past the read timeout: the server gives up on the body (408) and closes
                        c.socket.getOutputStream().write(b, 0, 5);
                        c.readToClose(15_000);
                        t.saw("408");
                        return;
                    }
                    int third = b.length / 3;
                    for (int p = 0; p < 3; p++) {
                        c.socket.getOutputStream().write(b, p * third, p == 2 ? b.length - 2 * third : third);
                        c.socket.getOutputStream().flush();
                        Thread.sleep(300);
                    }
                    byte[] all = c.readToClose(60_000);
                    String text = new String(all, StandardCharsets.ISO_8859_1);
                    int status = RawHttp.status(text);
                    if (status != 200) {
                        t.sawError(status, dechunk(RawHttp.body(text)));
                        return;
                    }
                    // a complete chunked body ends with the zero-length chunk; an aborted one does not
                    t.saw(text.endsWith("0\r\n\r\n") ? "200" : "504");
                }
            }
        },
        DEADLINE {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                HttpResponse<InputStream> r = t.http.speechStream(t.body(VERY_LONG, "pcm", null), t.token);
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        t.sawError(r.statusCode(), in.readAllBytes());
                        return;
                    }
                    try {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                        t.saw("200");
                    } catch (IOException aborted) {
                        t.saw("504");
                    }
                }
            }
        },
        BAD_TOKEN {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                String bad = switch (i % 3) {
                    case 0 -> "not.a.jwt";
                    case 1 -> Tokens.hs256("someone", Tokens.AUDIENCE, Duration.ofSeconds(-60));
                    default -> Tokens.hs256("someone", "another-audience", Duration.ofHours(1));
                };
                HttpResponse<byte[]> r = t.http.speech(t.body(SHORT, "wav", null), bad);
                assertEquals(401, r.statusCode());
                t.sawError(401, r.body());
                Thread.sleep(100);
            }
        },
        MALFORMED {
            @Override
            void once(ServerFaultsIT t, int i) throws Exception {
                switch (i % 6) {
                    case 0 -> expect400(t, t.http.speech("{\"model\": \"tts-1\", \"input\": ", t.token));
                    case 1 -> expect400(t, t.http.speech(t.body(SHORT, "wav", null).replace("\"alloy\"", "\"nobody\""), t.token));
                    case 2 -> expect400(t, t.http.speech(t.body(SHORT, "wav", "\"instructions\":\"calm > loud\""), t.token));
                    case 3 -> expect400(t, t.http.speech(t.body(SHORT, "wav", null), "x".repeat(20_000)));
                    case 4 -> {
                        try (RawHttp c = new RawHttp(t.server.port())) {
                            c.send("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + t.token
                                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
                            c.socket.shutdownOutput();
                            String r = new String(c.readToClose(15_000), StandardCharsets.ISO_8859_1);
                            assertEquals(400, RawHttp.status(r), r);
                            t.sawError(400, RawHttp.body(r).getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                    default -> {
                        try (RawHttp c = new RawHttp(t.server.port())) {
                            String r = new String(c.send(RawHttp.speechHead(50_000_000) + "{").readToClose(15_000), StandardCharsets.ISO_8859_1);
                            assertEquals(413, RawHttp.status(r), r);
                            JsonNode e = Http.JSON.readTree(RawHttp.body(r)).get("error");
                            assertEquals("request_too_large", e.get("code").asText());
                            t.saw("rejected:413");
                        }
                    }
                }
                Thread.sleep(100);
            }

            private void expect400(ServerFaultsIT t, HttpResponse<byte[]> r) throws IOException {
                assertEquals(400, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
                t.sawError(400, r.body());
            }
        };

        abstract void once(ServerFaultsIT t, int i) throws Exception;

        void run(ServerFaultsIT t, int i) throws Exception {
            try {
                once(t, i);
            } catch (Exception | AssertionError e) {
                throw new AssertionError(name() + " #" + i + " failed: " + e, e);
            }
        }
    }

    static byte[] chunkedOrPlainBody(RawHttp c, String head) throws IOException {
        byte[] rest = c.readToClose(15_000);
        String body = new String(rest, StandardCharsets.ISO_8859_1);
        return head.toLowerCase().contains("transfer-encoding: chunked") ? dechunk(body) : rest;
    }

    static byte[] dechunk(String body) {
        if (body.startsWith("{")) {
            return body.getBytes(StandardCharsets.ISO_8859_1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (p < body.length()) {
            int eol = body.indexOf("\r\n", p);
            int size = Integer.parseInt(body.substring(p, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.writeBytes(body.substring(eol + 2, eol + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
            p = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    /** Copies what is written to stderr into the captured log as well. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
