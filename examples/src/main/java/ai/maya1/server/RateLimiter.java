package ai.maya1.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Per-key token buckets (Bucket4j): each key (JWT subject, or client address without auth) may burst
 * {@code capacity} requests and regains {@code refillPerMinute} per minute, greedily. Buckets of idle keys are
 * dropped after 10 minutes (a fresh bucket is full, so dropping one never tightens a limit unfairly).
 * Per process: behind a load balancer each replica limits on its own (see docs/deployment.md).
 */
public final class RateLimiter {
    /** Outcome of one attempt. */
    public record Decision(boolean allowed, long remaining, long retryAfterSeconds) {
    }

    private final long capacity;
    private final long refillPerMinute;
    private final Cache<String, Bucket> buckets;

    public RateLimiter(long capacity, long refillPerMinute) {
        if (capacity < 1 || refillPerMinute < 1) {
            throw new IllegalArgumentException("rate limit capacity and refill must be >= 1");
        }
        this.capacity = capacity;
        this.refillPerMinute = refillPerMinute;
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    public long capacity() {
        return capacity;
    }

    public Decision tryAcquire(String key) {
        Bucket b = buckets.get(key, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(refillPerMinute, Duration.ofMinutes(1)))
                .build());
        ConsumptionProbe p = b.tryConsumeAndReturnRemaining(1);
        if (p.isConsumed()) {
            return new Decision(true, p.getRemainingTokens(), 0);
        }
        long wait = Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Decision(false, 0, wait);
    }
}
