package ai.maya1.acoustic.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.acoustic.llama.LlamaModel;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tensor.WeightFormat;
import ai.maya1.tts.OverloadedException;
import ai.maya1.vocoder.SnacFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Admission control, cancellation (sink, interrupt, deadline, close), memory return, and a many-thread stress run. */
class BatchSchedulerTest {
    static final long NO_DEADLINE = Long.MAX_VALUE;

    static BatchingAcousticModel batching(LlamaModel m, ComputeExecutor exec, BatchConfig cfg) {
        AcousticModelInfo info = new AcousticModelInfo("tiny", "java", m.weightFormatName(), TinyModels.VOCAB, cfg.contextLength(), 0, true);
        return new BatchingAcousticModel(m, info, exec, cfg, null);
    }

    static GenerationOptions opts(long seed, int maxNew, long deadline) {
        return new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, seed, maxNew, 28, true, deadline);
    }

    static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
    }

    @Test
    void boundedQueueThenOverloadedAndCancellationFreesMemory() throws Exception {
        LlamaModel m = TinyModels.endless(1);
        int[] p = TinyModels.prompt(0, 10, 1, 5);
        try (BatchingAcousticModel am = batching(m, null, BatchConfig.builder().maxBatch(1).maxQueue(1).contextLength(4096).build())) {
            AtomicBoolean stopFirst = new AtomicBoolean();
            AtomicReference<GenerationResult> first = new AtomicReference<>();
            AtomicReference<GenerationResult> second = new AtomicReference<>();
            Thread t1 = Thread.ofPlatform().start(() -> first.set(am.generate(p, opts(1, 4000, NO_DEADLINE), (f, i) -> !stopFirst.get())));
            waitFor(() -> am.stats().active() == 1, "first admitted");
            Thread t2 = Thread.ofPlatform().start(() -> second.set(am.generate(p, opts(2, 60, NO_DEADLINE), (f, i) -> true)));
            waitFor(() -> am.stats().queued() == 1, "second queued");
            OverloadedException e = assertThrows(OverloadedException.class, () -> am.generate(p, opts(3, 60, NO_DEADLINE), (f, i) -> true));
            assertTrue(e.getMessage().contains("overloaded"), e.getMessage());
            assertTrue(am.stats().kvReservedBytes() > 0);
            stopFirst.set(true);
            t1.join(20_000);
            t2.join(20_000);
            assertEquals(FinishReason.CANCELLED, first.get().finishReason());
            assertEquals(FinishReason.MAX_TOKENS, second.get().finishReason());
            assertEquals(60, second.get().generatedTokens());
            assertEquals(0, am.stats().kvReservedBytes());
            assertEquals(1, am.stats().rejected());
            // larger than the whole budget: refused at once
            try (BatchingAcousticModel small = batching(m, null, BatchConfig.builder().kvBudgetBytes(1 << 16).build())) {
                assertThrows(OverloadedException.class, () -> small.generate(p, opts(1, 2000, NO_DEADLINE), (f, i) -> true));
            }
        }
    }

    @Test
    void interruptDeadlineAndCloseCancelWithinAStep() throws Exception {
        LlamaModel m = TinyModels.endless(2);
        int[] p = TinyModels.prompt(1, 10, 2, 5);
        BatchingAcousticModel am = batching(m, null, BatchConfig.builder().maxBatch(4).build());
        String scheduler = am.schedulerThreadName();
        // deadline
        GenerationResult d = am.generate(p, opts(1, 4000, System.nanoTime() + 30_000_000L), (f, i) -> true);
        assertEquals(FinishReason.DEADLINE, d.finishReason());
        assertTrue(d.generatedTokens() < 4000);
        // interrupt of the calling thread
        AtomicReference<GenerationResult> res = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        CountDownLatch framing = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            res.set(am.generate(p, opts(2, 4000, NO_DEADLINE), (f, i) -> {
                framing.countDown();
                return true;
            }));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(framing.await(20, TimeUnit.SECONDS));
        t.interrupt();
        t.join(20_000);
        assertEquals(FinishReason.CANCELLED, res.get().finishReason());
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
        assertEquals(0, am.stats().kvReservedBytes(), "memory returned before generate returned");
        // close cancels what runs and stops the scheduler
        Thread t3 = Thread.ofPlatform().start(() -> res.set(am.generate(p, opts(3, 4000, NO_DEADLINE), (f, i) -> true)));
        waitFor(() -> am.stats().active() == 1, "admitted");
        am.close();
        t3.join(20_000);
        assertEquals(FinishReason.CANCELLED, res.get().finishReason());
        assertFalse(threadAlive(scheduler));
        am.close(); // twice is safe
        assertThrows(IllegalStateException.class, () -> am.generate(p, opts(1, 10, NO_DEADLINE), (f, i) -> true));
    }

    /** Cheap sampling for the stress run (no top-p sort), still random with each request's own seed. */
    static GenerationOptions stressOpts(long seed, int maxNew, long deadline) {
        return new GenerationOptions(new SamplingParams(0.8f, 1f, 0, 0f, 1.1f), seed, maxNew, 7, true, deadline);
    }

    record Spec(int[] prompt, long seed, int maxNew) {
    }

    /**
     * Thousands of requests from many threads with random sink cancellations, self-interrupts, deadlines and
     * overload: every completed output equals its solo run bit for bit, cancelled ones are prefixes of it, and at
     * the end no memory is reserved and no thread is left.
     */
    @Test
    void stressManyThreadsRandomCancellationsOutputsIdenticalToSolo() throws Exception {
        LlamaModel m = TinyModels.model(WeightFormat.F32, 9);
        Random rnd = new Random(1234);
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            specs.add(new Spec(TinyModels.prompt(i % 4, 18, i, 2 + rnd.nextInt(12)), 500 + i, 20 + rnd.nextInt(60)));
        }
        ComputeExecutor exec = new ComputeExecutor(1, "batch-stress");
        List<List<SnacFrame>> solo = new ArrayList<>();
        List<FinishReason> soloReason = new ArrayList<>();
        try (BatchingAcousticModel am = batching(m, exec, BatchConfig.builder().maxBatch(1).prefixCache(false).build())) {
            for (Spec s : specs) {
                List<SnacFrame> fr = new ArrayList<>();
                soloReason.add(am.generate(s.prompt, stressOpts(s.seed, s.maxNew, NO_DEADLINE), (f, i) -> fr.add(f)).finishReason());
                solo.add(fr);
            }
        }
        int threads = 16;
        int perThread = 130;
        BatchConfig cfg = BatchConfig.builder().maxBatch(10).maxQueue(5).prefillChunk(7).maxStepTokens(24).prefixMinShared(10)
                .kvBudgetBytes(10 * SequenceKv.bytesFor(2, 16, 120)).build();
        BatchingAcousticModel am = batching(m, exec, cfg);
        String scheduler = am.schedulerThreadName();
        AtomicInteger exact = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger deadline = new AtomicInteger();
        AtomicInteger overloaded = new AtomicInteger();
        ConcurrentHashMap<String, Throwable> failures = new ConcurrentHashMap<>();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int th = 0; th < threads; th++) {
            long seed = th;
            ts.add(Thread.ofPlatform().name("stress-" + th).start(() -> {
                Random r = new Random(seed);
                for (int k = 0; k < perThread; k++) {
                    int si = r.nextInt(specs.size());
                    Spec s = specs.get(si);
                    int mode = r.nextInt(10); // 0: sink cancels, 1: self-interrupt, 2: deadline, else plain
                    int stopAt = r.nextInt(2);
                    long dl = mode == 2 ? System.nanoTime() + r.nextInt(2_000_000) : NO_DEADLINE;
                    List<SnacFrame> got = new ArrayList<>();
                    try {
                        GenerationResult res;
                        while (true) { // a refused client backs off and retries
                            try {
                                res = am.generate(s.prompt, stressOpts(s.seed, s.maxNew, dl), (f, i) -> {
                                    got.add(f);
                                    if (mode == 1 && i == stopAt) {
                                        Thread.currentThread().interrupt();
                                    }
                                    return !(mode == 0 && i == stopAt);
                                });
                                break;
                            } catch (OverloadedException e) {
                                overloaded.incrementAndGet();
                                Thread.sleep(1);
                            }
                        }
                        Thread.interrupted();
                        List<SnacFrame> want = solo.get(si);
                        switch (res.finishReason()) {
                            case CANCELLED -> {
                                cancelled.incrementAndGet();
                                check(want.size() >= got.size() && want.subList(0, got.size()).equals(got), "cancelled output not a prefix", failures);
                            }
                            case DEADLINE -> {
                                deadline.incrementAndGet();
                                check(want.size() >= got.size() && want.subList(0, got.size()).equals(got), "deadline output not a prefix", failures);
                            }
                            default -> {
                                check(res.finishReason() == soloReason.get(si) && want.equals(got),
                                        "spec " + si + " differs from solo: " + res.finishReason() + " " + got.size() + " vs " + want.size(), failures);
                                exact.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.put(e.toString(), e);
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join(120_000);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        BatchStats st = am.stats();
        System.out.printf("stress: %d requests in %d ms: %d exact, %d cancelled, %d deadline, %d refusals (retried); %s%n", threads * perThread, ms,
                exact.get(), cancelled.get(), deadline.get(), overloaded.get(), st);
        assertTrue(failures.isEmpty(), failures.keySet().toString());
        assertEquals(threads * perThread, exact.get() + cancelled.get() + deadline.get());
        assertTrue(exact.get() > threads * perThread / 3, "most requests ran to completion");
        assertTrue(cancelled.get() > 0 && deadline.get() > 0);
        assertEquals(overloaded.get(), st.rejected(), "every refusal counted");
        assertEquals(0, st.active(), st.toString());
        assertEquals(0, st.queued());
        assertEquals(0, st.kvReservedBytes(), "all KV memory returned");
        assertTrue(st.prefixCacheBytes() <= cfg.kvBudgetBytes());
        assertTrue(st.prefixHits() > 0, st.toString());
        assertTrue(st.meanBatch() > 2, st.toString());
        am.close();
        exec.close();
        assertFalse(threadAlive(scheduler), "scheduler thread stopped");
        assertFalse(threadAlive("batch-stress-"), "compute threads stopped");
        assertTrue(Duration.ofMillis(ms).toSeconds() < 120);
    }

    private static void check(boolean ok, String msg, ConcurrentHashMap<String, Throwable> failures) {
        if (!ok) {
            failures.put(msg, new AssertionError(msg));
        }
    }
}
