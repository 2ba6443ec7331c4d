package ai.maya1.vocoder.snac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Exact incremental decoding: equivalence with offline for any chunking, the emission rule, bounded state. */
class SnacStreamTest {

    static SnacFrame[] randomFrames(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SnacFrame[] f = new SnacFrame[n];
        for (int i = 0; i < n; i++) {
            f[i] = new SnacFrame(r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096), r.nextInt(4096),
                    r.nextInt(4096));
        }
        return f;
    }

    static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int p = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, p, a.length);
            p += a.length;
        }
        return out;
    }

    @Property(tries = 25)
    void streamingEqualsOfflineForAnyChunking(@ForAll @IntRange(min = 1, max = 14) int frames, @ForAll long seed,
                                              @ForAll boolean noiseOn) {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        NoiseMode noise = noiseOn ? NoiseMode.seeded(seed ^ 0x5EED) : NoiseMode.zero();
        SnacFrame[] f = randomFrames(frames, seed);
        float[] offline = dec.decode(SnacCodes.of(Arrays.asList(f)), noise)[0];
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        List<float[]> parts = new ArrayList<>();
        try (SnacStream s = dec.openStream(noise)) {
            int i = 0;
            while (i < frames) {
                int n = Math.min(frames - i, r.nextInt(r.nextBoolean() ? 3 : 11)); // zero-size pushes included
                parts.add(s.push(Arrays.copyOfRange(f, i, i + n)));
                i += n;
            }
            parts.add(s.flush());
        }
        float[] streamed = concat(parts);
        assertEquals(offline.length, streamed.length);
        float err = SnacGolden.maxAbsDiff(offline, 0, streamed, 0, offline.length);
        assertTrue(err <= 1e-4f, "max abs error " + err);
    }

    @Test
    void streamedIsBitIdenticalToOffline() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacFrame[] f = randomFrames(9, 42);
        float[] offline = dec.decode(SnacCodes.of(Arrays.asList(f)), NoiseMode.seeded(3))[0];
        List<float[]> parts = new ArrayList<>();
        try (SnacStream s = dec.openStream(NoiseMode.seeded(3))) {
            for (SnacFrame fr : f) {
                parts.add(s.push(fr));
            }
            parts.add(s.flush());
        }
        assertArrayEquals(offline, concat(parts));
    }

    @Test
    void everySampleBeyondTheLookaheadIsEmittedWithoutWaiting() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        int lookahead = dec.lookaheadSamples();
        assertEquals(4757, lookahead);
        try (SnacStream s = dec.openStream(NoiseMode.zero())) {
            for (int n = 1; n <= 12; n++) {
                s.push(randomFrames(1, n));
                long due = 2048L * n - lookahead;
                assertTrue(s.samplesEmitted() >= due, "after " + n + " frames: emitted " + s.samplesEmitted() + " < " + due);
                // and nothing that a later frame could still change
                assertTrue(s.samplesEmitted() <= Math.max(0, due), "after " + n + " frames emitted " + s.samplesEmitted());
            }
            assertEquals(12 * 2048 - s.samplesEmitted(), s.flush().length);
        }
    }

    @Test
    void realConfigLookaheadIs4757Samples() {
        assertEquals(4757, SnacConfig.snac24khz().lookaheadSamples());
    }

    /** A tiny model with the real layer structure (widths 16 -> 1), random weights: cheap enough for 10 000 frames. */
    static SnacDecoder tinyDecoder() {
        SnacConfig tiny = new SnacConfig(24000, 1, List.of(2, 4, 8, 8), 16, 16, List.of(8, 8, 4, 2), 4096, 8, List.of(4, 2, 1), true, true);
        return new SnacDecoder(SnacWeights.random(tiny, 7), SnacGolden.EXECUTOR);
    }

    @Test
    void stateIsBoundedOverTenThousandFrames() {
        SnacDecoder dec = tinyDecoder();
        SnacFrame[] f = randomFrames(64, 9);
        try (SnacStream s = dec.openStream(NoiseMode.seeded(11))) {
            for (int i = 0; i < 10; i++) {
                s.push(f[i % f.length]);
            }
            long after10 = s.stateBytes();
            for (int i = 10; i < 10_000; i++) {
                s.push(f[i % f.length]);
            }
            assertEquals(after10, s.stateBytes(), "stream memory grew between frame 10 and frame 10000");
            assertEquals(10_000, s.framesPushed());
            assertEquals(10_000L * 2048 - 4757, s.samplesEmitted());
        }
    }

    @Test
    void warmupTrimIsTheSameOfflineAndStreaming() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacFrame[] f = randomFrames(5, 5);
        float[] full = dec.decode(SnacCodes.of(Arrays.asList(f)), NoiseMode.zero())[0];
        float[] trimmed = dec.decode(SnacCodes.of(Arrays.asList(f)), NoiseMode.zero(), true)[0];
        assertArrayEquals(Arrays.copyOfRange(full, 2048, full.length), trimmed);
        List<float[]> parts = new ArrayList<>();
        try (SnacStream s = dec.openStream(NoiseMode.zero(), SnacStreamOptions.builder().trimWarmup(true).build())) {
            for (SnacFrame fr : f) {
                parts.add(s.push(fr));
            }
            parts.add(s.flush());
            assertEquals(trimmed.length, s.samplesEmitted());
        }
        assertArrayEquals(trimmed, concat(parts));
    }

    @Test
    void flushEndsTheStream() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacStream s = dec.openStream(NoiseMode.zero());
        s.push(randomFrames(2, 1));
        assertEquals(4096, s.samplesEmitted() + s.flush().length);
        assertEquals(0, s.flush().length);
        assertThrows(IllegalStateException.class, () -> s.push(randomFrames(1, 1)));
        s.close();
        s.close();
    }

    /** Low-latency mode: audio after the first frame, same length as offline, error measured against offline. */
    @Test
    void lowLatencyModeStartsAfterOneFrameWithBoundedError() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        int frames = 24;
        SnacFrame[] f = randomFrames(frames, 77);
        float[] offline = dec.decode(SnacCodes.of(Arrays.asList(f)), NoiseMode.zero())[0];
        List<float[]> parts = new ArrayList<>();
        SnacStreamOptions ll = SnacStreamOptions.builder().lowLatency(true).build();
        try (SnacStream s = dec.openStream(NoiseMode.zero(), ll)) {
            for (int i = 0; i < frames; i++) {
                float[] got = s.push(f[i]);
                assertEquals(i == 0 ? 2048 - SnacStreamOptions.DEFAULT_CROSSFADE : 2048, got.length, "push " + i);
                parts.add(got);
            }
            parts.add(s.flush());
        }
        float[] streamed = concat(parts);
        assertEquals(offline.length, streamed.length);
        double se = 0;
        double ref = 0;
        float max = 0;
        for (int i = 0; i < offline.length; i++) {
            double d = streamed[i] - offline[i];
            se += d * d;
            ref += (double) offline[i] * offline[i];
            max = Math.max(max, (float) Math.abs(d));
        }
        double snrDb = 10 * Math.log10(ref / Math.max(se, 1e-30));
        System.out.printf("low-latency vs offline (reduced golden model, %d frames): max abs %.4f, rms %.5f, SNR %.1f dB%n", frames, max,
                Math.sqrt(se / offline.length), snrDb);
        // an approximation, but close: the seams differ, the audio does not drift
        assertTrue(snrDb > 10, "SNR " + snrDb + " dB");
        assertTrue(max < 0.5f, "max abs error " + max);
        // the last lookahead samples come from the exact flush
        float tailErr = SnacGolden.maxAbsDiff(offline, offline.length - 1024, streamed, offline.length - 1024, 1024);
        assertTrue(tailErr <= 1e-4f, "tail error " + tailErr);
    }

    @Test
    void lowLatencyWithWarmupTrimDropsTheSameSamples() {
        SnacDecoder dec = SnacGolden.reducedDecoder();
        SnacFrame[] f = randomFrames(6, 12);
        float[] trimmed = dec.decode(SnacCodes.of(Arrays.asList(f)), NoiseMode.seeded(4), true)[0];
        List<float[]> parts = new ArrayList<>();
        try (SnacStream s = dec.openStream(NoiseMode.seeded(4), SnacStreamOptions.builder().lowLatency(true).trimWarmup(true).build())) {
            for (SnacFrame fr : f) {
                parts.add(s.push(fr));
            }
            parts.add(s.flush());
            assertEquals(trimmed.length, s.samplesEmitted());
        }
        float[] streamed = concat(parts);
        assertEquals(trimmed.length, streamed.length);
        // the exact tail matches
        assertTrue(SnacGolden.maxAbsDiff(trimmed, trimmed.length - 2048, streamed, streamed.length - 2048, 2048) <= 1e-4f);
    }
}
