package ai.maya1.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;

/**
 * The Redis layout of batch synthesis, shared by producers ({@link #submit}) and {@link SpeechWorker}s.
 *
 * <ul>
 *   <li>{@code <prefix>} (default {@code maya1:jobs}): the job stream; each entry has {@code job_id}, {@code input}
 *       and optional {@code voice} (preset), {@code instructions} (voice description), {@code response_format}
 *       ({@code wav} by default), {@code seed}. Consumer group {@code <prefix>:workers}.</li>
 *   <li>{@code <prefix>:result:<job_id>}: the encoded audio, written once ({@code SET NX}) with a TTL;
 *       {@code <prefix>:meta:<job_id>}: a hash with format, seconds, worker, finish reason.</li>
 *   <li>{@code <prefix>:done}: a stream with one entry per written result (job id, worker): what a producer waits on;
 *       exactly one per job, since it is appended in the same script as the {@code SET NX}.</li>
 *   <li>{@code <prefix>:dead}: dead-letter stream: the job's fields plus {@code error} and {@code deliveries}.</li>
 *   <li>{@code <prefix>:failures}: a hash of failed attempts per job id.</li>
 * </ul>
 */
public final class SpeechJobs implements AutoCloseable {
    /** Atomically: result absent -> set it with TTL, write metadata, append to the done stream; returns 1, else 0. */
    static final String WRITE_RESULT = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              redis.call('HSET', KEYS[2], 'job_id', ARGV[3], 'format', ARGV[4], 'seconds', ARGV[5], 'worker', ARGV[6], 'finish_reason', ARGV[7])
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              redis.call('XADD', KEYS[3], 'MAXLEN', '~', '100000', '*', 'job_id', ARGV[3], 'worker', ARGV[6])
              return 1
            end
            return 0
            """;

    private final RedisClient redis;
    private final String prefix;

    public SpeechJobs(String redisUri, String prefix) {
        this.redis = client(redisUri, "maya1-jobs");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    static RedisClient client(String uri, String name) {
        URI u = URI.create(uri);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
            throw new IllegalArgumentException("not a redis:// URI: " + uri);
        }
        return RedisClient.builder()
                .hostAndPort(u.getHost(), u.getPort() > 0 ? u.getPort() : 6379)
                .clientConfig(DefaultJedisClientConfig.builder(u).connectionTimeoutMillis(1000).socketTimeoutMillis(10_000)
                        .clientName(name).build())
                .build();
    }

    public String stream() {
        return prefix;
    }

    public String group() {
        return prefix + ":workers";
    }

    public String doneStream() {
        return prefix + ":done";
    }

    public String deadStream() {
        return prefix + ":dead";
    }

    String failuresKey() {
        return prefix + ":failures";
    }

    String resultKey(String jobId) {
        return prefix + ":result:" + jobId;
    }

    String metaKey(String jobId) {
        return prefix + ":meta:" + jobId;
    }

    /** Creates the stream and the consumer group if missing (idempotent). */
    public void ensureGroup() {
        try {
            redis.xgroupCreate(stream(), group(), new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Queues a job. {@code fields} must hold {@code input}; {@code job_id} is the idempotency key (the same id is
     * synthesized and written at most once).
     */
    public StreamEntryID submit(String jobId, Map<String, String> fields) {
        if (jobId == null || !jobId.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new IllegalArgumentException("job id must be 1..128 of [A-Za-z0-9._:-], got '" + jobId + "'");
        }
        if (fields.get("input") == null || fields.get("input").isBlank()) {
            throw new IllegalArgumentException("a job needs an input text");
        }
        ensureGroup();
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put("job_id", jobId);
        return redis.xadd(stream(), XAddParams.xAddParams(), f);
    }

    /** The encoded audio of a finished job. */
    public Optional<byte[]> result(String jobId) {
        return Optional.ofNullable(redis.get(resultKey(jobId).getBytes(StandardCharsets.UTF_8)));
    }

    /** Metadata of a finished job (format, seconds, worker, finish_reason). */
    public Map<String, String> resultMeta(String jobId) {
        return redis.hgetAll(metaKey(jobId));
    }

    /** How many results were written for a job (the done stream's entries for it): 1 when done, never more. */
    public long writes(String jobId) {
        return redis.xrange(doneStream(), (StreamEntryID) null, (StreamEntryID) null).stream()
                .filter(e -> jobId.equals(e.getFields().get("job_id"))).count();
    }

    /** Dead-lettered jobs, oldest first, as field maps. */
    public List<Map<String, String>> deadLetters() {
        return redis.xrange(deadStream(), (StreamEntryID) null, (StreamEntryID) null).stream().map(e -> e.getFields()).toList();
    }

    /** Entries of the group not yet delivered plus delivered and not acknowledged. */
    public long backlog() {
        long pending = redis.xpending(stream(), group()).getTotal();
        long lag = 0;
        for (var g : redis.xinfoGroups(stream())) {
            if (g.getName().equals(group()) && g.getGroupInfo().get("lag") instanceof Number n) {
                lag = n.longValue();
            }
        }
        return pending + lag;
    }

    /** Waits until a job has a result or the timeout passes. */
    public Optional<byte[]> await(String jobId, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<byte[]> r = result(jobId);
            if (r.isPresent()) {
                return r;
            }
            Thread.sleep(50);
        }
        return result(jobId);
    }

    RedisClient redis() {
        return redis;
    }

    @Override
    public void close() {
        redis.close();
    }
}
