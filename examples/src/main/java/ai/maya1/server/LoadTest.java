package ai.maya1.server;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded load test of the speech server on loopback: for each concurrency level, {@code --requests} requests
 * (count bound) or until {@code --seconds} pass (time bound), whichever comes first; reports p50/p95/p99 of time to
 * first audio byte and of the whole request, errors and throughput. Starts its own server on the given model unless
 * {@code --port} names one already running on 127.0.0.1. Only loopback is ever contacted.
 *
 * <pre>java -cp maya1-cli.jar ai.maya1.server.LoadTest --model test --levels 1,2,4 --requests 12 --seconds 120</pre>
 */
public final class LoadTest {
    private LoadTest() {
    }

    record Sample(long ttfbNanos, long totalNanos, int status) {
    }

    public static void main(String[] args) throws Exception {
        String model = "test";
        int[] levels = {1, 2, 4};
        int requests = 12;
        int seconds = 120;
        int port = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--levels" -> levels = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (requests < 1 || requests > 10_000 || seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("requests must be in [1, 10000] and seconds in [1, 3600]");
        }
        SpeechServer server = null;
        if (port < 0) {
            int max = Arrays.stream(levels).max().orElse(1);
            server = SpeechServer.start(ServerConfig.builder().port(0).model(model).rateLimit(1_000_000, 1_000_000)
                    .maxConcurrent(max).maxQueued(4 * max).build());
            if (!server.awaitReady(Duration.ofMinutes(10))) {
                throw new IllegalStateException("server not ready");
            }
            port = server.port();
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        System.out.printf(Locale.ROOT, "model %s, %d cores, Java %s; per level: %d requests or %d s%n", model,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), requests, seconds);
        System.out.println("concurrency  done  errors  req/s   ttfa p50/p95/p99 ms         total p50/p95/p99 ms");
        AtomicInteger seq = new AtomicInteger();
        try {
            for (int level : levels) {
                List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger left = new AtomicInteger(requests);
                long deadline = System.nanoTime() + seconds * 1_000_000_000L;
                long t0 = System.nanoTime();
                int p = port;
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int c = 0; c < level; c++) {
                        fs.add(pool.submit(() -> {
                            while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                                samples.add(one(client, p, "Load test request number " + seq.incrementAndGet() + ", with a sentence of usual length."));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                long errors = samples.stream().filter(s -> s.status() != 200).count();
                long[] ttfb = samples.stream().filter(s -> s.status() == 200).mapToLong(Sample::ttfbNanos).sorted().toArray();
                long[] total = samples.stream().filter(s -> s.status() == 200).mapToLong(Sample::totalNanos).sorted().toArray();
                System.out.printf(Locale.ROOT, "%11d %5d %7d %6.2f   %6.0f %6.0f %6.0f          %6.0f %6.0f %6.0f%n", level, samples.size(), errors,
                        samples.size() / wall, pct(ttfb, 50), pct(ttfb, 95), pct(ttfb, 99), pct(total, 50), pct(total, 95), pct(total, 99));
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    static Sample one(HttpClient client, int port, String text) {
        long t0 = System.nanoTime();
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech")).timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tts-1\",\"voice\":\"alloy\",\"response_format\":\"pcm\",\"input\":\"" + text + "\"}"))
                    .build();
            HttpResponse<InputStream> resp = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
            long ttfb;
            try (InputStream in = resp.body()) {
                int first = in.read();
                ttfb = System.nanoTime() - t0;
                if (first >= 0) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return new Sample(ttfb, System.nanoTime() - t0, resp.statusCode());
        } catch (Exception e) {
            return new Sample(0, System.nanoTime() - t0, -1);
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
