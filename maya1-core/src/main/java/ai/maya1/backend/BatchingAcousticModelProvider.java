package ai.maya1.backend;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.llama.JavaAcousticModel;
import ai.maya1.acoustic.batch.BatchConfig;
import ai.maya1.acoustic.batch.BatchingAcousticModel;
import ai.maya1.spi.AcousticModelProvider;
import ai.maya1.spi.AcousticModelSpec;
import ai.maya1.spi.Availability;
import ai.maya1.tensor.VectorSupport;

/**
 * The pure-Java backend with continuous batching ("java-batched", priority 5: never chosen unless configured, e.g.
 * {@code Maya1Config.builder().acousticBackend("java-batched")}): opens the model as the "java" backend does and
 * wraps it in a {@link BatchingAcousticModel}. The spec's KV budget bounds all requests plus the prefix cache
 * (default 2 GiB when the spec has none); the batch cache is float32 whatever {@code kvBf16} says. Batch and queue
 * limits come from the system properties {@code maya1.batch.maxBatch} (16) and {@code maya1.batch.maxQueue} (64).
 */
public final class BatchingAcousticModelProvider implements AcousticModelProvider {
    @Override
    public String name() {
        return "java-batched";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java with continuous batching; Vector API " + VectorSupport.describe());
    }

    @Override
    public AcousticModel open(AcousticModelSpec spec) {
        JavaAcousticModel m = (JavaAcousticModel) new JavaAcousticModelProvider().open(spec);
        try {
            BatchConfig.Builder b = BatchConfig.builder()
                    .maxBatch(Integer.getInteger("maya1.batch.maxBatch", 16))
                    .maxQueue(Integer.getInteger("maya1.batch.maxQueue", 64))
                    .contextLength(m.info().contextLength());
            if (spec.kvBudgetBytes() > 0) {
                b.kvBudgetBytes(spec.kvBudgetBytes());
            }
            return BatchingAcousticModel.wrap(m, spec.executor(), b.build());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
