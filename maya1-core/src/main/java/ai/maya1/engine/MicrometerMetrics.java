package ai.maya1.engine;

import ai.maya1.tts.SpeechStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Engine metrics on a Micrometer registry (only loaded when Micrometer is present):
 * <ul>
 *   <li>{@code maya1.tts.ttfa} (timer, p50/p95/p99): request start to first audio</li>
 *   <li>{@code maya1.tts.latency} (timer, p50/p95/p99): request start to last audio</li>
 *   <li>{@code maya1.tts.lm.tokens.per.second}, {@code maya1.tts.rtf} (summaries, p50/p95/p99)</li>
 *   <li>{@code maya1.tts.requests} (counter, tag {@code finish}), {@code maya1.tts.cache} (counter, tag {@code result=hit|miss})</li>
 *   <li>gauges {@code maya1.tts.requests.active}, {@code maya1.tts.requests.queued}, {@code maya1.tts.kv.bytes} (KV cache in
 *   use, from tokens in flight), {@code maya1.tts.offheap.bytes} (JVM direct + mapped buffer pools)</li>
 * </ul>
 */
final class MicrometerMetrics implements EngineMetrics {
    private final MeterRegistry registry;
    private final Timer ttfa;
    private final Timer latency;
    private final DistributionSummary tokensPerSecond;
    private final DistributionSummary rtf;
    private final Counter hits;
    private final Counter misses;
    private final List<Meter> meters = new ArrayList<>();
    private final Tags tags;

    MicrometerMetrics(Object registryOrNull, Engine engine) {
        this.registry = registryOrNull == null ? Metrics.globalRegistry : (MeterRegistry) registryOrNull;
        Tags tags = Tags.of("engine", Integer.toString(engine.id()));
        this.tags = tags;
        ttfa = add(Timer.builder("maya1.tts.ttfa").description("request start to first audio sample delivered")
                .publishPercentiles(0.5, 0.95, 0.99).tags(tags).register(registry));
        latency = add(Timer.builder("maya1.tts.latency").description("request start to last audio sample delivered")
                .publishPercentiles(0.5, 0.95, 0.99).tags(tags).register(registry));
        tokensPerSecond = add(DistributionSummary.builder("maya1.tts.lm.tokens.per.second").description("LM decode throughput per request")
                .publishPercentiles(0.5, 0.95, 0.99).tags(tags).register(registry));
        rtf = add(DistributionSummary.builder("maya1.tts.rtf").description("real-time factor: wall time / audio duration")
                .publishPercentiles(0.5, 0.95, 0.99).tags(tags).register(registry));
        hits = add(Counter.builder("maya1.tts.cache").tags(tags).tag("result", "hit").register(registry));
        misses = add(Counter.builder("maya1.tts.cache").tags(tags).tag("result", "miss").register(registry));
        add(Gauge.builder("maya1.tts.requests.active", engine, Engine::activeRequests).description("requests synthesizing").tags(tags).register(registry));
        add(Gauge.builder("maya1.tts.requests.queued", engine, Engine::queuedRequests).description("requests waiting for a slot").tags(tags).register(registry));
        add(Gauge.builder("maya1.tts.kv.bytes", engine, Engine::kvBytesInUse).baseUnit("bytes").description("KV cache in use").tags(tags).register(registry));
        add(Gauge.builder("maya1.tts.offheap.bytes", MicrometerMetrics::offHeapBytes).baseUnit("bytes")
                .description("JVM direct and mapped buffer memory").tags(tags).register(registry));
    }

    private <M extends Meter> M add(M m) {
        meters.add(m);
        return m;
    }

    static double offHeapBytes() {
        long sum = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sum += Math.max(0, b.getMemoryUsed());
        }
        return sum;
    }

    @Override
    public void requestStarted() {
    }

    @Override
    public void requestEnded() {
    }

    @Override
    public void recordRequest(SpeechStats s) {
        ttfa.record(s.timeToFirstAudio().toNanos(), TimeUnit.NANOSECONDS);
        latency.record(s.total().toNanos(), TimeUnit.NANOSECONDS);
        if (s.lmTokens() > 0) {
            tokensPerSecond.record(s.lmTokensPerSecond());
        }
        if (s.samples() > 0) {
            rtf.record(s.realTimeFactor());
        }
        Counter c = registry.counter("maya1.tts.requests", tags.and("finish", s.finishReason().name(), "cached", Boolean.toString(s.cached())));
        synchronized (meters) {
            if (!meters.contains(c)) {
                meters.add(c);
            }
        }
        c.increment();
    }

    @Override
    public void cacheResult(boolean hit) {
        (hit ? hits : misses).increment();
    }

    @Override
    public void close() {
        synchronized (meters) {
            for (Meter m : meters) {
                registry.remove(m);
            }
        }
    }
}
