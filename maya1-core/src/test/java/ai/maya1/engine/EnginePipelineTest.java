package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.AudioStream;
import ai.maya1.tts.DeadlineExceededException;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.OverloadedException;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechListener;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's own logic on deterministic fake layers (the end-to-end tests on the test model are in EndToEndTest). */
class EnginePipelineTest {
    final FakeLayers.Prompt prompt = new FakeLayers.Prompt();
    final FakeLayers.Lm lm = new FakeLayers.Lm();
    final FakeLayers.Voc voc = new FakeLayers.Voc();
    Engine engine;

    Engine engine(Maya1Config.Builder b) {
        engine = Engine.withComponents(b.warmUpOnStart(false).build(), new Components(prompt, lm, voc, "fake", 1024), null, null);
        return engine;
    }

    Engine engine() {
        return engine(Maya1Config.builder());
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static float[] concat(List<AudioChunk> chunks) {
        float[] out = new float[0];
        long offset = 0;
        for (AudioChunk c : chunks) {
            assertEquals(offset, c.offset());
            offset += c.samples().length;
            out = ResamplerTestHelper.concat(out, c.samples());
        }
        return out;
    }

    @Test
    void synthesizeEqualsStreamEqualsPullStreamEqualsPublisher() throws Exception {
        engine(Maya1Config.builder().cacheBytes(0));
        SpeechRequest r = SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").seed(7).build();
        Speech s = engine.synthesize(r);
        assertTrue(s.sampleCount() > 0);

        List<AudioChunk> chunks = new ArrayList<>();
        SpeechStats st = engine.stream(r, c -> chunks.add(c));
        assertArrayEquals(s.samples(), concat(chunks));
        assertTrue(chunks.getLast().last());
        assertEquals(FinishReason.END_OF_SPEECH, st.finishReason());

        List<AudioChunk> pulled = new ArrayList<>();
        try (AudioStream a = engine.openStream(r)) {
            for (AudioChunk c : a) {
                pulled.add(c);
            }
            assertTrue(a.stats().isPresent());
        }
        assertArrayEquals(s.samples(), concat(pulled));

        List<AudioChunk> published = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        engine.publisher(r).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription sub;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub = s;
                s.request(1);
            }

            @Override
            public void onNext(AudioChunk item) {
                published.add(item);
                sub.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertArrayEquals(s.samples(), concat(published));
    }

    @Test
    void audioLengthIsFramesMinusTrim() {
        engine();
        Speech s = engine.synthesize(SpeechRequest.builder().text("Short.").seed(1).build());
        SpeechStats st = s.stats();
        assertEquals(1, st.pieces());
        assertEquals((long) st.frames() * 2048 - Engine.LEADING_TRIM_SAMPLES, s.sampleCount());
        assertEquals(s.sampleCount(), st.samples());
        assertTrue(st.timeToFirstAudio().compareTo(st.total()) <= 0);
    }

    @Test
    void sameSeedSameAudioDifferentSeedDifferentAudio() {
        engine(Maya1Config.builder().cacheBytes(0));
        SpeechRequest a = SpeechRequest.builder().text("Determinism matters.").seed(11).build();
        assertArrayEquals(engine.synthesize(a).samples(), engine.synthesize(a).samples());
        float[] b = engine.synthesize(a.toBuilder().seed(12).build()).samples();
        assertFalse(java.util.Arrays.equals(engine.synthesize(a).samples(), b));
    }

    @Test
    void listenerCancellationStopsTheLmWithinOneFrameAndFreesTheRequest() throws Exception {
        engine();
        lm.nanosPerFrame = 2_000_000; // 2 ms per frame: the LM is slower than the consumer
        AtomicInteger framesAtCancel = new AtomicInteger(-1);
        SpeechStats st = engine.stream(SpeechRequest.builder().text("x".repeat(1500)).splitLongText(false).seed(3).build(), c -> {
            framesAtCancel.set(lm.framesEmitted.get());
            return false;
        });
        assertEquals(FinishReason.CANCELLED, st.finishReason());
        int after = lm.framesEmitted.get() - framesAtCancel.get();
        assertTrue(after <= 1, "LM produced " + after + " frames after the cancel");
        assertEquals(0, lm.active.get(), "LM still running");
        assertEquals(0, engine.activeRequests());
        assertEquals(0, voc.openStreams.get(), "vocoder stream leaked");
        assertEquals(0, engine.kvBytesInUse());
    }

    @Test
    void closingAPullStreamCancelsWithinOneFrame() {
        engine();
        lm.nanosPerFrame = 1_000_000;
        AudioStream a = engine.openStream(SpeechRequest.builder().text("y".repeat(1500)).splitLongText(false).seed(3).build());
        assertNotNull(a.read());
        int at = lm.framesEmitted.get();
        a.close();
        assertTrue(lm.framesEmitted.get() - at <= 1);
        assertEquals(FinishReason.CANCELLED, a.stats().orElseThrow().finishReason());
        a.close(); // idempotent
        assertThrows(IllegalStateException.class, a::read);
        assertEquals(0, engine.activeRequests());
    }

    @Test
    void longTextIsSplitSpokenCompletelyAndStreamedAcrossPieces() {
        engine(Maya1Config.builder().maxPieceChars(60));
        String text = "The first sentence is here. The second sentence follows it closely! Is there a third one? "
                + "Yes, and a fourth, which is rather long and goes on, and on, and on until it has to be split somewhere sensible.";
        List<AudioChunk> chunks = new ArrayList<>();
        SpeechStats st = engine.stream(SpeechRequest.builder().text(text).seed(5).build(), chunks::add);
        assertTrue(st.pieces() > 2, "pieces " + st.pieces());
        assertEquals(TextChunker.normalize(text), String.join(" ", prompt.texts));
        assertEquals(FinishReason.END_OF_SPEECH, st.finishReason());
        assertTrue(chunks.stream().map(AudioChunk::piece).distinct().count() == st.pieces(), "chunks from every piece");
        int crossfade = (int) (Maya1Config.DEFAULT_CROSSFADE.toNanos() * 24_000 / 1_000_000_000L);
        long expect = (long) st.frames() * 2048 - (long) st.pieces() * Engine.LEADING_TRIM_SAMPLES - (long) (st.pieces() - 1) * crossfade;
        assertEquals(expect, st.samples());
    }

    @Test
    void maxTokensIsReportedAsTheFinishReason() {
        engine();
        SpeechStats st = engine.synthesize(SpeechRequest.builder().text("z".repeat(400)).splitLongText(false).maxTokens(70).seed(1).build()).stats();
        assertEquals(FinishReason.MAX_TOKENS, st.finishReason());
        assertEquals(10, st.frames());
        assertFalse(st.complete());
    }

    @Test
    void deadlineEndsTheRequest() {
        engine();
        lm.nanosPerFrame = 5_000_000;
        SpeechStats st = engine.synthesize(SpeechRequest.builder().text("w".repeat(1500)).splitLongText(false).seed(1)
                .timeout(Duration.ofMillis(60)).build()).stats();
        assertEquals(FinishReason.DEADLINE, st.finishReason());
    }

    @Test
    void aDeadlineThatPassesBeforeAnyAudioIsADeadlineExceptionAndDeliversNoChunk() {
        engine();
        List<AudioChunk> delivered = new ArrayList<>();
        SpeechRequest late = SpeechRequest.builder().text("Too late.").seed(1).timeout(Duration.ofNanos(1)).build();
        assertThrows(DeadlineExceededException.class, () -> engine.stream(late, delivered::add));
        assertEquals(List.of(), delivered, "an empty chunk was delivered for a request that produced no audio");
        try (AudioStream s = engine.openStream(late)) {
            assertThrows(DeadlineExceededException.class, s::read);
        }
        assertThrows(DeadlineExceededException.class, () -> engine.synthesize(late));
        assertEquals(0, engine.activeRequests());
    }

    @Test
    void aRequestWhoseDeadlinePassesInTheAdmissionQueueFailsWithoutWaitingForASlot() {
        engine(Maya1Config.builder().maxConcurrentRequests(1).maxQueuedRequests(4));
        lm.nanosPerFrame = 2_000_000;
        try (AudioStream busy = engine.openStream(SpeechRequest.builder().text("v".repeat(800)).splitLongText(false).seed(1).build())) {
            assertNotNull(busy.read());
            // the running request holds its slot (nobody reads it): the queued one must give up at its deadline
            DeadlineExceededException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(DeadlineExceededException.class, () -> engine.stream(
                            SpeechRequest.builder().text("queued").seed(2).timeout(Duration.ofMillis(100)).build(), c -> true)),
                    "the queued request waited for a slot past its deadline");
            assertEquals(Duration.ofMillis(100), e.timeout());
            assertEquals(0, engine.queuedRequests());
        }
    }

    @Test
    void badRequestsGetTypedExceptions() {
        engine(Maya1Config.builder().contextLength(1024));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SpeechRequest.builder().text("  ").build());
        assertEquals("text", e.field());
        assertEquals("maxTokens", assertThrows(InvalidRequestException.class, () -> SpeechRequest.builder().text("a").maxTokens(0)).field());
        assertEquals("maxTokens", assertThrows(InvalidRequestException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("a").maxTokens(1_000_000).build())).field());
        assertEquals("maxTokens", assertThrows(InvalidRequestException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("a").maxTokens(1024).build())).field());
        ai.maya1.tts.PromptTooLongException tooLong = assertThrows(ai.maya1.tts.PromptTooLongException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("t".repeat(1200)).splitLongText(false).build()));
        assertEquals("text", tooLong.field());
        assertTrue(tooLong.promptTokens() > tooLong.maxPromptTokens(), tooLong::getMessage);
        // the default limit is clamped to the context: hitting it is CONTEXT_FULL
        assertEquals(FinishReason.CONTEXT_FULL, engine.synthesize(SpeechRequest.builder().text("c".repeat(700)).splitLongText(false).seed(1)
                .build()).stats().finishReason());
        assertEquals("voice", assertThrows(InvalidRequestException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("a").voice("nobody").build())).field());
        assertTrue(engine.synthesize(SpeechRequest.builder().text("a").voice("narrator").seed(1).build()).sampleCount() > 0);
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.synthesize(SpeechRequest.of("a")));
        assertThrows(IllegalStateException.class, () -> engine.openStream(SpeechRequest.of("a")));
        assertThrows(IllegalStateException.class, () -> engine.warmUp());
        assertTrue(lm.closed.get());
    }

    @Test
    void deterministicRequestsAreCachedAndSampledOnesAreNot() {
        engine();
        SpeechRequest seeded = SpeechRequest.builder().text("Cache me.").seed(9).build();
        Speech first = engine.synthesize(seeded);
        Speech second = engine.synthesize(seeded);
        assertFalse(first.stats().cached());
        assertTrue(second.stats().cached());
        assertArrayEquals(first.samples(), second.samples());
        assertEquals(1, lm.generations.get());
        SpeechRequest sampled = SpeechRequest.builder().text("Cache me.").build();
        engine.synthesize(sampled);
        engine.synthesize(sampled);
        assertEquals(3, lm.generations.get());
        // a cached stream delivers the same audio
        List<AudioChunk> chunks = new ArrayList<>();
        assertTrue(engine.stream(seeded, chunks::add).cached());
        assertArrayEquals(first.samples(), concat(chunks));
    }

    @Test
    void admissionRejectsBeyondTheQueueWithOverloaded() {
        engine(Maya1Config.builder().maxConcurrentRequests(1).maxQueuedRequests(0));
        lm.nanosPerFrame = 1_000_000;
        try (AudioStream a = engine.openStream(SpeechRequest.builder().text("v".repeat(800)).splitLongText(false).seed(1).build())) {
            assertNotNull(a.read());
            assertThrows(OverloadedException.class, () -> engine.openStream(SpeechRequest.of("second")));
        }
        assertNotNull(engine.synthesize(SpeechRequest.builder().text("after").seed(2).build()));
    }

    @Test
    void closeCancelsInFlightRequests() throws Exception {
        engine();
        lm.nanosPerFrame = 2_000_000;
        AtomicReference<SpeechStats> stats = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                stats.set(engine.stream(SpeechRequest.builder().text("u".repeat(1500)).splitLongText(false).seed(1).build(), c -> {
                    started.countDown();
                    return true;
                }));
            } catch (Throwable e) {
                error.set(e);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        engine.close();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(null, error.get());
        assertEquals(FinishReason.CANCELLED, stats.get().finishReason());
    }

    @Test
    void publisherHonoursDemand() throws Exception {
        engine();
        List<AudioChunk> got = new CopyOnWriteArrayList<>();
        AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        engine.publisher(SpeechRequest.builder().text("d".repeat(600)).splitLongText(false).seed(4).build()).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub.set(s);
                s.request(2);
            }

            @Override
            public void onNext(AudioChunk item) {
                got.add(item);
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        Thread.sleep(300);
        assertEquals(2, got.size(), "no more than requested");
        sub.get().request(Long.MAX_VALUE);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(got.getLast().last());
        // request(0) is a protocol error reported through onError
        AtomicReference<Throwable> err = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        engine.publisher(SpeechRequest.of("e")).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(AudioChunk item) {
            }

            @Override
            public void onError(Throwable t) {
                err.set(t);
                failed.countDown();
            }

            @Override
            public void onComplete() {
            }
        });
        assertTrue(failed.await(10, TimeUnit.SECONDS));
        assertTrue(err.get() instanceof IllegalArgumentException);
    }

    @Test
    void metricsArePublishedToMicrometer() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        engine(Maya1Config.builder().meterRegistry(reg));
        SpeechRequest r = SpeechRequest.builder().text("Metrics.").seed(1).build();
        engine.synthesize(r);
        engine.synthesize(r);
        assertEquals(2, reg.get("maya1.tts.ttfa").timer().count());
        assertEquals(1.0, reg.get("maya1.tts.cache").tag("result", "hit").counter().count());
        assertEquals(1.0, reg.get("maya1.tts.cache").tag("result", "miss").counter().count());
        assertEquals(0.0, reg.get("maya1.tts.requests.active").gauge().value());
        assertTrue(reg.get("maya1.tts.rtf").summary().count() >= 1);
        assertNotNull(reg.get("maya1.tts.kv.bytes").gauge());
        assertNotNull(reg.get("maya1.tts.offheap.bytes").gauge());
        engine.close();
        assertTrue(reg.find("maya1.tts.ttfa").timers().isEmpty(), "meters removed on close");
    }

    @Test
    void concurrentRequestsAreIndependent() throws Exception {
        engine(Maya1Config.builder().cacheBytes(0));
        SpeechRequest r = SpeechRequest.builder().text("Many threads at once.").seed(21).build();
        float[] ref = engine.synthesize(r).samples();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    assertArrayEquals(ref, engine.synthesize(r).samples());
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void interruptingTheCallerCancelsTheRequest() throws Exception {
        engine();
        lm.nanosPerFrame = 3_000_000;
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch first = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                engine.stream(SpeechRequest.builder().text("i".repeat(1500)).splitLongText(false).seed(1).build(), c -> {
                    first.countDown();
                    return true;
                });
            } catch (Throwable e) {
                error.set(e);
            }
        });
        assertTrue(first.await(10, TimeUnit.SECONDS));
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertTrue(error.get() instanceof ai.maya1.Maya1Exception, String.valueOf(error.get()));
        assertEquals(0, engine.activeRequests(), "released before stream() returned");
        assertEquals(0, lm.active.get());
    }

    @Test
    void listenerExceptionsPropagateAndFreeTheRequest() {
        engine();
        SpeechListener boom = c -> {
            throw new IllegalStateException("listener failed");
        };
        assertThrows(IllegalStateException.class, () -> engine.stream(SpeechRequest.builder().text("q".repeat(300)).seed(1).build(), boom));
        assertEquals(0, engine.activeRequests());
        assertEquals(0, voc.openStreams.get());
    }
}
