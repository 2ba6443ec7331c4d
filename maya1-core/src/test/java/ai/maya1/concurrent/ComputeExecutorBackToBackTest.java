package ai.maya1.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Many tiny jobs back to back, each writing a fresh array: a worker that is late from one job must never run a
 * chunk of the next job with the previous job's body (that left rows unwritten in the LM's matrix products).
 */
class ComputeExecutorBackToBackTest {
    @Test
    void everyIndexOfEveryJobIsWrittenByItsOwnBody() {
        try (ComputeExecutor ex = new ComputeExecutor(3, "b2b")) {
            for (int job = 0; job < 20_000; job++) {
                int n = 1 + job % 13;
                int[] out = new int[n];
                int tag = job + 1;
                ex.parallelForRange(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        out[i] = tag;
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(tag, out[i], "job " + job + " index " + i);
                }
            }
        }
    }
}
