package ai.maya1.server;

import ai.maya1.Maya1Exception;
import ai.maya1.audio.AudioFormat;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.Voice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Consumes synthesis jobs from a Redis Stream (layout in {@link SpeechJobs}) as one consumer of the group; any
 * number of workers, in any number of processes, share a stream.
 *
 * <p>Delivery is at-least-once and the result write is idempotent, so each job's result is written exactly once:
 * <ol>
 *   <li>new entries are read with {@code XREADGROUP ... >}; entries left pending by a crashed or failed worker are
 *       taken over with {@code XAUTOCLAIM} once idle for {@code claimIdle} (the retry back-off);</li>
 *   <li>a job whose result exists is only acknowledged (a previous delivery wrote it and died before the ack);</li>
 *   <li>the result is written by one Lua script: {@code SET NX} of the audio, its metadata, and one entry in the
 *       done stream — all or nothing, and never twice;</li>
 *   <li>then {@code XACK}. A failure leaves the entry pending and counts an attempt; after {@code maxAttempts}
 *       failed attempts, or {@code maxDeliveries} deliveries (a job that keeps killing workers), or at once for a
 *       request the engine rejects as invalid, the job goes to the dead-letter stream and is acknowledged.</li>
 * </ol>
 */
public final class SpeechWorker implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpeechWorker.class);

    /** Worker settings. */
    public record Options(String consumer, Duration claimIdle, Duration block, int maxAttempts, int maxDeliveries,
                          Duration resultTtl) {
        public Options {
            Objects.requireNonNull(consumer, "consumer");
            if (maxAttempts < 1 || maxDeliveries < 1) {
                throw new IllegalArgumentException("maxAttempts and maxDeliveries must be >= 1");
            }
        }

        /** Defaults: claim after 60 s idle, block 2 s, 3 attempts, 5 deliveries, results kept 7 days. */
        public static Options defaults(String consumer) {
            return new Options(consumer, Duration.ofSeconds(60), Duration.ofSeconds(2), 3, 5, Duration.ofDays(7));
        }
    }

    private final Maya1Tts tts;
    private final SpeechJobs jobs;
    private final RedisClient redis;
    private final Options options;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Counter done;
    private final Counter duplicates;
    private final Counter failed;
    private final Counter dead;
    private volatile Thread thread;

    public SpeechWorker(Maya1Tts tts, SpeechJobs jobs, Options options, MeterRegistry registry) {
        this.tts = Objects.requireNonNull(tts, "tts");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.redis = jobs.redis();
        this.options = Objects.requireNonNull(options, "options");
        MeterRegistry r = registry != null ? registry : new SimpleMeterRegistry();
        this.done = Counter.builder("maya1.worker.jobs").tag("result", "written").register(r);
        this.duplicates = Counter.builder("maya1.worker.jobs").tag("result", "duplicate").register(r);
        this.failed = Counter.builder("maya1.worker.jobs").tag("result", "failed_attempt").register(r);
        this.dead = Counter.builder("maya1.worker.jobs").tag("result", "dead_letter").register(r);
        jobs.ensureGroup();
    }

    /** Runs until {@link #close()}; Redis errors are logged and retried after a pause. */
    @Override
    public void run() {
        thread = Thread.currentThread();
        long nextClaim = 0;
        LOG.info("worker {} consuming {} (group {})", options.consumer(), jobs.stream(), jobs.group());
        while (running.get()) {
            try {
                if (System.nanoTime() - nextClaim >= 0) {
                    reclaim();
                    nextClaim = System.nanoTime() + Math.max(options.claimIdle().toNanos() / 2, 50_000_000L);
                }
                var read = redis.xreadGroup(jobs.group(), options.consumer(),
                        XReadGroupParams.xReadGroupParams().count(1).block((int) options.block().toMillis()),
                        Map.of(jobs.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                if (read != null) {
                    for (var stream : read) {
                        for (StreamEntry e : stream.getValue()) {
                            handle(e);
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (!running.get()) {
                    break;
                }
                LOG.warn("worker {}: {}; retrying in 1 s", options.consumer(), e.toString());
                sleep(1000);
            }
        }
        LOG.info("worker {} stopped", options.consumer());
    }

    /** Takes over entries idle for longer than claimIdle (crashed consumers, failed attempts). */
    int reclaim() {
        int n = 0;
        StreamEntryID cursor = new StreamEntryID(0, 0);
        do {
            Map.Entry<StreamEntryID, List<StreamEntry>> r = redis.xautoclaim(jobs.stream(), jobs.group(), options.consumer(),
                    options.claimIdle().toMillis(), cursor, XAutoClaimParams.xAutoClaimParams().count(10));
            for (StreamEntry e : r.getValue()) {
                if (!running.get()) {
                    return n;
                }
                if (e.getFields() == null) {
                    continue; // deleted meanwhile
                }
                handle(e);
                n++;
            }
            cursor = r.getKey();
        } while (running.get() && !cursor.equals(new StreamEntryID(0, 0)));
        return n;
    }

    private void handle(StreamEntry e) {
        Map<String, String> f = e.getFields();
        String jobId = f.get("job_id");
        if (jobId == null || jobId.isBlank()) {
            deadLetter(e, "job has no job_id", 1);
            return;
        }
        long deliveries = deliveries(e.getID());
        if (redis.exists(jobs.resultKey(jobId))) {
            LOG.info("job {} already has a result (delivery {}): acknowledging", jobId, deliveries);
            duplicates.increment();
            ack(e);
            return;
        }
        if (deliveries > options.maxDeliveries()) {
            deadLetter(e, "delivered " + deliveries + " times without a result", deliveries);
            return;
        }
        LOG.info("job {} started by {} (delivery {})", jobId, options.consumer(), deliveries);
        try {
            SpeechRequest request = request(f);
            Speech speech = tts.synthesize(request);
            byte[] audio = speech.bytes();
            Object written = redis.eval(utf8(SpeechJobs.WRITE_RESULT),
                    List.of(utf8(jobs.resultKey(jobId)), utf8(jobs.metaKey(jobId)), utf8(jobs.doneStream())),
                    List.of(audio, utf8(Long.toString(options.resultTtl().toMillis())), utf8(jobId),
                            utf8(request.format().name().toLowerCase(Locale.ROOT)), utf8(String.format(Locale.ROOT, "%.3f", speech.seconds())),
                            utf8(options.consumer()), utf8(speech.stats().finishReason().name())));
            if (Long.valueOf(1).equals(written)) {
                done.increment();
                LOG.info("job {} written by {}: {}", jobId, options.consumer(), speech.stats().summary());
            } else {
                duplicates.increment();
                LOG.info("job {} was written meanwhile by another worker", jobId);
            }
            ack(e);
            redis.hdel(jobs.failuresKey(), jobId);
        } catch (Maya1Exception | IllegalArgumentException bad) {
            if (bad instanceof ai.maya1.tts.OverloadedException) {
                attemptFailed(e, jobId, bad, deliveries);
            } else {
                deadLetter(e, "rejected: " + bad.getMessage(), deliveries); // bad input: retrying cannot help
            }
        } catch (RuntimeException fail) {
            if (!running.get()) {
                return; // shutting down: leave it pending for another worker
            }
            attemptFailed(e, jobId, fail, deliveries);
        }
    }

    private void attemptFailed(StreamEntry e, String jobId, Exception fail, long deliveries) {
        failed.increment();
        long attempts = redis.hincrBy(jobs.failuresKey(), jobId, 1);
        if (attempts >= options.maxAttempts()) {
            deadLetter(e, "failed " + attempts + " times, last: " + fail, deliveries);
            redis.hdel(jobs.failuresKey(), jobId);
        } else {
            LOG.warn("job {} attempt {} of {} failed ({}); retried after {} s", jobId, attempts, options.maxAttempts(), fail,
                    options.claimIdle().toSeconds());
        }
    }

    private SpeechRequest request(Map<String, String> f) {
        SpeechRequest.Builder b = SpeechRequest.builder().text(f.get("input"));
        String instructions = f.get("instructions");
        String voice = f.get("voice");
        if (instructions != null && !instructions.isBlank()) {
            b.voice(Voice.description(instructions));
        } else if (voice != null && !voice.isBlank()) {
            String preset = new VoiceCatalog(tts.voicePresets()).resolve(voice)
                    .orElseThrow(() -> new IllegalArgumentException("unknown voice '" + voice + "'"));
            b.voice(Voice.preset(preset));
        }
        String format = f.getOrDefault("response_format", "wav");
        b.format(AudioFormat.parse(format));
        if (f.get("seed") != null) {
            b.seed(Long.parseLong(f.get("seed").trim()));
        }
        return b.build();
    }

    private long deliveries(StreamEntryID id) {
        List<StreamPendingEntry> p = redis.xpending(jobs.stream(), jobs.group(), XPendingParams.xPendingParams(id, id, 1));
        return p.isEmpty() ? 1 : p.getFirst().getDeliveredTimes();
    }

    private void deadLetter(StreamEntry e, String error, long deliveries) {
        Map<String, String> f = new LinkedHashMap<>(e.getFields() == null ? Map.of() : e.getFields());
        f.put("error", error.length() > 500 ? error.substring(0, 500) : error);
        f.put("deliveries", Long.toString(deliveries));
        f.put("stream_id", e.getID().toString());
        f.put("worker", options.consumer());
        redis.xadd(jobs.deadStream(), XAddParams.xAddParams(), f);
        ack(e);
        dead.increment();
        LOG.warn("job {} dead-lettered: {}", f.get("job_id"), error);
    }

    private void ack(StreamEntry e) {
        redis.xack(jobs.stream(), jobs.group(), e.getID());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the job in hand (its result is written or it stays pending for another worker). */
    @Override
    public void close() {
        running.set(false);
    }

    /** Stops and waits for the worker's thread to end. */
    public void closeAndWait(Duration timeout) throws InterruptedException {
        close();
        Thread t = thread;
        if (t != null) {
            t.join(timeout);
        }
    }
}
