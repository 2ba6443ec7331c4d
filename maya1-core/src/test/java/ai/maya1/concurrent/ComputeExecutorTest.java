package ai.maya1.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputeExecutorTest {

    @Test
    void coversEveryIndexExactlyOnce() {
        try (ComputeExecutor ex = new ComputeExecutor(3, "test")) {
            for (int n : new int[] {0, 1, 2, 5, 97, 10_000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                ex.parallelFor(n, i -> hits.incrementAndGet(i));
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void propagatesFailuresAndStaysUsable() {
        try (ComputeExecutor ex = new ComputeExecutor(2, "test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ex.parallelFor(100, i -> {
                if (i == 57) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals("boom", e.getMessage());
            int[] sum = new int[1];
            ex.parallelForRange(10, (a, b) -> {
                synchronized (sum) {
                    sum[0] += b - a;
                }
            });
            assertEquals(10, sum[0]);
        }
    }

    @Test
    void closeStopsNamedThreadsAndIsIdempotent() throws Exception {
        ComputeExecutor ex = new ComputeExecutor(3, "maya1-closetest");
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("maya1-closetest")));
        ex.close();
        ex.close();
        Thread.sleep(50);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("maya1-closetest") && t.isAlive()));
        assertThrows(IllegalStateException.class, () -> ex.parallelFor(3, i -> { }));
    }
}
