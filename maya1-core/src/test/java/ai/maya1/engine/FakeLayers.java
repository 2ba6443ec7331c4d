package ai.maya1.engine;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.Vocoder;
import ai.maya1.vocoder.VocoderStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deterministic stand-ins for the three layers, used to test the engine's own logic (pipelining, joining,
 * cancellation, caching, admission) independently of the real tokenizer, LM and vocoder.
 */
final class FakeLayers {
    private FakeLayers() {
    }

    /** Prompt = UTF-8 bytes of description + "|" + text. */
    static final class Prompt implements PromptEncoder {
        final List<String> texts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public int[] encode(String description, String text) {
            texts.add(text);
            byte[] b = (description + "|" + text).getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xff;
            }
            return ids;
        }

        @Override
        public Optional<String> presetDescription(String name) {
            return Optional.ofNullable(Map.of("narrator", "Calm male narrator.").get(name));
        }

        @Override
        public Set<String> presetNames() {
            return Set.of("narrator");
        }
    }

    /** Emits max(4, promptLen / 8) frames whose codes depend on seed and prompt; optional delay per frame. */
    static final class Lm implements AcousticModel {
        final AtomicInteger framesEmitted = new AtomicInteger();
        final AtomicInteger generations = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        volatile long nanosPerFrame;
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public AcousticModelInfo info() {
            return new AcousticModelInfo("fake", "fake", "F32", 156_960, 4096, 0, false);
        }

        @Override
        public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
            if (closed.get()) {
                throw new IllegalStateException("closed");
            }
            generations.incrementAndGet();
            active.incrementAndGet();
            try {
                long t0 = System.nanoTime();
                int frames = Math.max(4, promptIds.length / 8);
                SplittableRandom rnd = new SplittableRandom(options.seed() ^ Arrays.hashCode(promptIds));
                int tokens = 0;
                for (int f = 0; f < frames; f++) {
                    if (tokens + SnacFrame.TOKENS_PER_FRAME > options.maxNewTokens()) {
                        return new GenerationResult(promptIds.length, tokens, f, FinishReason.MAX_TOKENS, 0, System.nanoTime() - t0, null);
                    }
                    if (System.nanoTime() > options.deadlineNanos()) {
                        return new GenerationResult(promptIds.length, tokens, f, FinishReason.DEADLINE, 0, System.nanoTime() - t0, null);
                    }
                    if (nanosPerFrame > 0) {
                        long until = System.nanoTime() + nanosPerFrame;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    SnacFrame frame = new SnacFrame(rnd.nextInt(4096), rnd.nextInt(4096), rnd.nextInt(4096), rnd.nextInt(4096),
                            rnd.nextInt(4096), rnd.nextInt(4096), rnd.nextInt(4096));
                    tokens += SnacFrame.TOKENS_PER_FRAME;
                    framesEmitted.incrementAndGet();
                    if (!sink.onFrame(frame, f)) {
                        return new GenerationResult(promptIds.length, tokens, f + 1, FinishReason.CANCELLED, 0, System.nanoTime() - t0, null);
                    }
                }
                return new GenerationResult(promptIds.length, tokens + 1, frames, FinishReason.END_OF_SPEECH, 0, System.nanoTime() - t0, null);
            } finally {
                active.decrementAndGet();
            }
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /**
     * Sample i of frame f is a function of f's codes, plus a look-ahead: each frame's last 512 samples are only final
     * once the next frame arrives (like the real non-causal decoder), and noise adds a seed-dependent offset.
     */
    static final class Voc implements Vocoder {
        static final int LOOKAHEAD = 512;
        final AtomicInteger openStreams = new AtomicInteger();

        @Override
        public int sampleRate() {
            return 24_000;
        }

        @Override
        public int samplesPerFrame() {
            return SnacFrame.SAMPLES_PER_FRAME;
        }

        static float[] render(SnacFrame f, NoiseMode noise) {
            float[] s = new float[SnacFrame.SAMPLES_PER_FRAME];
            double off = noise instanceof NoiseMode.Seeded sd ? (sd.seed() % 1000) * 1e-5 : 0;
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (0.3 * Math.sin(i * (f.l0() + 1) * 1e-4) + 0.1 * Math.sin(i * (f.l2d() + 1) * 1e-3) + off);
            }
            return s;
        }

        @Override
        public float[][] decode(SnacCodes codes, NoiseMode noise) {
            float[][] out = new float[codes.batch()][];
            for (int b = 0; b < codes.batch(); b++) {
                out[b] = new float[codes.frames() * SnacFrame.SAMPLES_PER_FRAME];
                for (int i = 0; i < codes.frames(); i++) {
                    System.arraycopy(render(codes.frame(b, i), noise), 0, out[b], i * SnacFrame.SAMPLES_PER_FRAME, SnacFrame.SAMPLES_PER_FRAME);
                }
            }
            return out;
        }

        @Override
        public VocoderStream openStream(NoiseMode noise) {
            openStreams.incrementAndGet();
            return new VocoderStream() {
                private float[] pending = new float[0];
                private long emitted;
                private boolean flushed;
                private boolean closed;

                @Override
                public float[] push(SnacFrame... frames) {
                    if (flushed) {
                        throw new IllegalStateException("flushed");
                    }
                    float[] all = pending;
                    for (SnacFrame f : frames) {
                        all = ResamplerTestHelper.concat(all, render(f, noise));
                    }
                    int keep = Math.min(LOOKAHEAD, all.length);
                    pending = Arrays.copyOfRange(all, all.length - keep, all.length);
                    float[] out = Arrays.copyOf(all, all.length - keep);
                    emitted += out.length;
                    return out;
                }

                @Override
                public float[] flush() {
                    flushed = true;
                    emitted += pending.length;
                    float[] p = pending;
                    pending = new float[0];
                    return p;
                }

                @Override
                public long samplesEmitted() {
                    return emitted;
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        openStreams.decrementAndGet();
                    }
                }
            };
        }

        @Override
        public int lookaheadSamples() {
            return LOOKAHEAD;
        }

        @Override
        public String backendName() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }
}
