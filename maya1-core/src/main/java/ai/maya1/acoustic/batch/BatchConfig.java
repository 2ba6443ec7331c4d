package ai.maya1.acoustic.batch;

/**
 * Settings of the continuous-batching scheduler.
 *
 * @param maxBatch        requests decoding (or prefilling) at once; more wait in the queue
 * @param maxQueue        requests waiting for admission; beyond it {@code generate} throws
 *                        {@link ai.maya1.tts.OverloadedException}
 * @param kvBudgetBytes   KV memory of all admitted requests plus the prefix cache together (> 0)
 * @param maxStepTokens   rows one forward step runs (decode rows plus prefill chunks)
 * @param prefillChunk    prompt tokens one request prefills per step at most (a long prompt never stalls the others)
 * @param contextLength   maximum prompt + generated tokens per request
 * @param prefixCache     reuse the KV of shared prompt prefixes
 * @param prefixMinShared shared tokens from which a match counts as the same voice (see {@link PrefixCache})
 */
public record BatchConfig(int maxBatch, int maxQueue, long kvBudgetBytes, int maxStepTokens, int prefillChunk, int contextLength,
                          boolean prefixCache, int prefixMinShared) {
    public BatchConfig {
        if (maxBatch < 1 || maxQueue < 0 || kvBudgetBytes <= 0 || maxStepTokens < 1 || prefillChunk < 1 || contextLength < 2
                || prefixMinShared < 1) {
            throw new IllegalArgumentException("invalid batch config: " + maxBatch + " batch, " + maxQueue + " queue, " + kvBudgetBytes
                    + " KV bytes, " + maxStepTokens + " step tokens, " + prefillChunk + " chunk, " + contextLength + " context, "
                    + prefixMinShared + " prefix min");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: batch 16, queue 64, 2 GiB of KV, 256 tokens per step, prefill chunks of 64, context 4096, prefix cache on. */
    public static final class Builder {
        private int maxBatch = 16;
        private int maxQueue = 64;
        private long kvBudgetBytes = 2L << 30;
        private int maxStepTokens = 256;
        private int prefillChunk = 64;
        private int contextLength = 4096;
        private boolean prefixCache = true;
        private int prefixMinShared = 16;

        public Builder maxBatch(int v) {
            maxBatch = v;
            return this;
        }

        public Builder maxQueue(int v) {
            maxQueue = v;
            return this;
        }

        public Builder kvBudgetBytes(long v) {
            kvBudgetBytes = v;
            return this;
        }

        public Builder maxStepTokens(int v) {
            maxStepTokens = v;
            return this;
        }

        public Builder prefillChunk(int v) {
            prefillChunk = v;
            return this;
        }

        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        public Builder prefixCache(boolean v) {
            prefixCache = v;
            return this;
        }

        public Builder prefixMinShared(int v) {
            prefixMinShared = v;
            return this;
        }

        public BatchConfig build() {
            return new BatchConfig(maxBatch, maxQueue, kvBudgetBytes, maxStepTokens, prefillChunk, contextLength, prefixCache, prefixMinShared);
        }
    }
}
