package ai.maya1.acoustic.batch;

/**
 * A snapshot of the scheduler's counters.
 *
 * @param steps            forward steps run
 * @param rows             rows run in those steps (decode tokens plus prefill tokens)
 * @param completed        requests finished (any reason)
 * @param rejected         requests refused with {@link ai.maya1.tts.OverloadedException}
 * @param prefixHits       admissions that reused a same-voice prefix (at least {@code prefixMinShared} tokens)
 * @param prefixMisses     admissions that did not
 * @param prefixTokens     prompt positions taken from the prefix cache instead of computed
 * @param active           requests admitted now
 * @param queued           requests waiting now
 * @param kvReservedBytes  KV bytes reserved by admitted requests now
 * @param prefixCacheBytes KV bytes held by the prefix cache now
 */
public record BatchStats(long steps, long rows, long completed, long rejected, long prefixHits, long prefixMisses, long prefixTokens,
                         int active, int queued, long kvReservedBytes, long prefixCacheBytes) {
    /** Mean rows per step. */
    public double meanBatch() {
        return steps == 0 ? 0 : (double) rows / steps;
    }
}
