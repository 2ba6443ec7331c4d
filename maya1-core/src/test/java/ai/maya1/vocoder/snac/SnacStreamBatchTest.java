package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Batched decoding of many streams ({@link SnacStreamBatch}, {@link VocoderPump}) against each stream decoded
 * alone: every returned array must be bit-identical, for any mix of stream ages, chunkings, noise and options.
 */
class SnacStreamBatchTest {

    /** A stream and its twin: the same options and noise, driven alone through {@link SnacStream#push}. */
    private record Pair(SnacStream batched, SnacStream solo, SnacFrame[] frames) {
    }

    private static SnacStreamOptions options(SplittableRandom r) {
        int kind = r.nextInt(4);
        return switch (kind) {
            case 0 -> SnacStreamOptions.builder().trimWarmup(true).build();
            case 1 -> SnacStreamOptions.builder().lowLatency(true).build();
            default -> SnacStreamOptions.exact();
        };
    }

    @Property(tries = 20)
    void batchedEqualsSoloBitForBit(@ForAll @IntRange(min = 1, max = 6) int streams, @ForAll long seed) {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SplittableRandom r = new SplittableRandom(seed);
        List<Pair> pairs = new ArrayList<>();
        int[] pos = new int[streams];
        for (int i = 0; i < streams; i++) {
            NoiseMode noise = r.nextBoolean() ? NoiseMode.seeded(r.nextLong()) : NoiseMode.zero();
            SnacStreamOptions opt = options(r);
            int item = r.nextInt(3);
            SnacFrame[] f = SnacStreamTest.randomFrames(1 + r.nextInt(12), r.nextLong());
            Pair p = new Pair(dec.openStream(noise, opt, item), dec.openStream(noise, opt, item), f);
            // a random age before joining the batch: both twins pushed alone
            int age = r.nextInt(Math.min(4, f.length) + 1);
            if (age > 0) {
                SnacFrame[] pre = Arrays.copyOfRange(f, 0, age);
                assertArrayEquals(p.solo().push(pre), p.batched().push(pre));
            }
            pos[i] = age;
            pairs.add(p);
        }
        SnacStreamBatch batch = new SnacStreamBatch();
        boolean[] done = new boolean[streams];
        int left = streams;
        while (left > 0) {
            List<Integer> idx = new ArrayList<>();
            List<SnacFrame[]> chunks = new ArrayList<>();
            boolean[] flush = new boolean[streams];
            for (int i = 0; i < streams; i++) {
                if (done[i] || r.nextInt(4) == 0) {
                    continue; // not every stream takes part in every step
                }
                SnacFrame[] f = pairs.get(i).frames();
                int n = Math.min(f.length - pos[i], r.nextInt(r.nextBoolean() ? 2 : 5)); // empty pushes included
                chunks.add(Arrays.copyOfRange(f, pos[i], pos[i] + n));
                pos[i] += n;
                flush[idx.size()] = pos[i] == f.length && r.nextBoolean();
                idx.add(i);
            }
            int b = idx.size();
            SnacStream[] ss = new SnacStream[b];
            boolean[] fl = Arrays.copyOf(flush, b);
            for (int j = 0; j < b; j++) {
                ss[j] = pairs.get(idx.get(j)).batched();
            }
            float[][] got = batch.step(ss, chunks.toArray(SnacFrame[][]::new), fl);
            for (int j = 0; j < b; j++) {
                Pair p = pairs.get(idx.get(j));
                float[] want = p.solo().push(chunks.get(j));
                if (fl[j]) {
                    want = SnacStreamTest.concat(List.of(want, p.solo().flush()));
                    done[idx.get(j)] = true;
                    left--;
                }
                assertArrayEquals(want, got[j], "stream " + idx.get(j));
            }
        }
        for (Pair p : pairs) {
            assertEquals(p.solo().samplesEmitted(), p.batched().samplesEmitted());
            assertEquals(0, p.batched().flush().length, "flush after a batched flush returns nothing");
        }
    }

    @Test
    void pushAndFlushListsMatchSolo() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        int n = 5;
        List<SnacStream> batched = new ArrayList<>();
        List<SnacStream> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batched.add(dec.openStream(NoiseMode.seeded(11), SnacStreamOptions.exact(), i));
            solo.add(dec.openStream(NoiseMode.seeded(11), SnacStreamOptions.exact(), i));
        }
        SnacStreamBatch batch = new SnacStreamBatch();
        for (int step = 0; step < 6; step++) {
            List<SnacFrame[]> frames = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                frames.add(SnacStreamTest.randomFrames(1, step * 100L + i));
            }
            List<float[]> got = batch.push(batched, frames);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(solo.get(i).push(frames.get(i)), got.get(i));
            }
        }
        List<float[]> tails = batch.flush(batched);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(solo.get(i).flush(), tails.get(i));
        }
        assertEquals(7, batch.steps());
        assertEquals(35, batch.streamSteps());
    }

    @Test
    void badRequestsAreRejectedBeforeAnyStreamIsTouched() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacStreamBatch batch = new SnacStreamBatch();
        SnacStream a = dec.openStream(NoiseMode.zero());
        SnacStream closed = dec.openStream(NoiseMode.zero());
        closed.close();
        SnacFrame[] one = SnacStreamTest.randomFrames(3, 1);
        assertThrows(IllegalArgumentException.class,
                () -> batch.step(new SnacStream[] {a, a}, new SnacFrame[][] {one, one}, new boolean[2]));
        assertThrows(IllegalStateException.class,
                () -> batch.step(new SnacStream[] {a, closed}, new SnacFrame[][] {one, one}, new boolean[2]));
        assertEquals(0, a.framesPushed());
        SnacStream flushed = dec.openStream(NoiseMode.zero());
        flushed.flush();
        assertThrows(IllegalStateException.class,
                () -> batch.step(new SnacStream[] {a, flushed}, new SnacFrame[][] {one, one}, new boolean[2]));
        assertEquals(0, a.framesPushed());
        // flushing a flushed stream is idempotent, as SnacStream.flush
        assertEquals(0, batch.flush(List.of(flushed)).get(0).length);
    }

    @Test
    void streamsOfDifferentDecodersAreGroupedAndStayExact() {
        SnacDecoder reduced = SnacGolden.reducedDecoder();
        SnacDecoder tiny = SnacStreamTest.tinyDecoder();
        SnacStream a = reduced.openStream(NoiseMode.seeded(1));
        SnacStream b = tiny.openStream(NoiseMode.seeded(1));
        SnacStream a0 = reduced.openStream(NoiseMode.seeded(1));
        SnacStream b0 = tiny.openStream(NoiseMode.seeded(1));
        SnacFrame[] f = SnacStreamTest.randomFrames(4, 9);
        List<float[]> got = new SnacStreamBatch().push(List.of(a, b), List.of(f, f));
        assertArrayEquals(a0.push(f), got.get(0));
        assertArrayEquals(b0.push(f), got.get(1));
    }

    @Test
    void pumpDecodesConcurrentStreamsInOrderAndExactly() throws Exception {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        int n = 6;
        int frames = 8;
        List<Thread> producers = new ArrayList<>();
        float[][] pumped = new float[n][];
        float[][] solo = new float[n][];
        try (VocoderPump pump = new VocoderPump("maya1-vocoder-pump-test")) {
            for (int i = 0; i < n; i++) {
                int item = i;
                Thread t = new Thread(() -> {
                    SnacFrame[] f = SnacStreamTest.randomFrames(frames, 1000 + item);
                    SnacStream s = dec.openStream(NoiseMode.seeded(5), SnacStreamOptions.exact(), item);
                    List<CompletableFuture<float[]>> parts = new ArrayList<>();
                    for (int k = 0; k < frames; k++) {
                        parts.add(pump.push(s, f[k])); // submitted without waiting: order must be kept
                    }
                    parts.add(pump.flush(s));
                    List<float[]> out = new ArrayList<>();
                    for (CompletableFuture<float[]> p : parts) {
                        out.add(p.join());
                    }
                    pumped[item] = SnacStreamTest.concat(out);
                    try (SnacStream ref = dec.openStream(NoiseMode.seeded(5), SnacStreamOptions.exact(), item)) {
                        List<float[]> r = new ArrayList<>();
                        for (SnacFrame fr : f) {
                            r.add(ref.push(fr));
                        }
                        r.add(ref.flush());
                        solo[item] = SnacStreamTest.concat(r);
                    }
                }, "producer-" + i);
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) {
                t.join(60_000);
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(solo[i], pumped[i], "stream " + i);
                assertEquals(frames * 2048, pumped[i].length);
            }
            assertEquals((long) n * (frames + 1), pump.jobs());
            assertTrue(pump.batches() <= pump.jobs());
            // a bad request fails alone
            SnacStream closed = dec.openStream(NoiseMode.zero());
            closed.close();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pump.push(closed, SnacStreamTest.randomFrames(1, 1)).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException);
        }
    }

    @Test
    void closedPumpRejectsAndCloseTwiceIsSafe() throws Exception {
        VocoderPump pump = new VocoderPump("maya1-vocoder-pump-close");
        pump.close();
        pump.close();
        SnacStream s = SnacGolden.reducedDecoder().openStream(NoiseMode.zero());
        CompletableFuture<float[]> f = pump.push(s, SnacStreamTest.randomFrames(1, 1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException || e.getCause() instanceof CancellationException);
    }
}
