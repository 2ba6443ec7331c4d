package ai.maya1.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.acoustic.AcousticModel;
import ai.maya1.acoustic.AcousticModelInfo;
import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.FrameSink;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.Mp3;
import ai.maya1.audio.Wav;
import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.tokenizer.InvalidTextException;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on the built-in test model (test model: output is not speech): real tokenizer, LM and SNAC decoder. */
class EndToEndTest {
    static Engine engine;
    static CountingLm lm;

    /** Counts the frames the real LM delivers, to measure cancellation latency from outside. */
    static final class CountingLm implements AcousticModel {
        final AcousticModel inner;
        final AtomicInteger frames = new AtomicInteger();

        CountingLm(AcousticModel inner) {
            this.inner = inner;
        }

        @Override
        public AcousticModelInfo info() {
            return inner.info();
        }

        @Override
        public GenerationResult generate(int[] promptIds, GenerationOptions options, FrameSink sink) {
            return inner.generate(promptIds, options, (f, i) -> {
                frames.incrementAndGet();
                return sink.onFrame(f, i);
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @BeforeAll
    static void open() {
        Maya1Config config = Maya1Config.builder().model(ModelSource.testModel()).threads(2).vocoderThreads(1).contextLength(2048)
                .maxPieceChars(120).build();
        ComputeExecutor lmEx = new ComputeExecutor(config.threads(), "e2e-lm");
        ComputeExecutor vocEx = new ComputeExecutor(config.vocoderThreads(), "e2e-snac");
        Components c = ComponentLoader.load(config, lmEx, vocEx);
        lm = new CountingLm(c.acoustic());
        engine = Engine.withComponents(config, new Components(c.prompt(), lm, c.vocoder(), c.modelId(), c.kvBytesPerToken()), lmEx, vocEx);
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static float[] concat(List<AudioChunk> chunks) {
        float[] out = new float[0];
        for (AudioChunk c : chunks) {
            out = ResamplerTestHelper.concat(out, c.samples());
        }
        return out;
    }

    @Test
    void theTestModelIsLabelled() {
        assertTrue(engine.info().testModel());
        assertEquals("test model: output is not speech", engine.info().label());
    }

    @Test
    void synthesizeEqualsTheConcatenatedStreamWithTheSameSeed() {
        SpeechRequest r = SpeechRequest.builder().text("Hello from the JVM <laugh> this is a test.").voice("narrator").seed(42).build();
        Speech s = engine.synthesize(r.toBuilder().seed(42).build());
        List<AudioChunk> chunks = new ArrayList<>();
        SpeechStats st = engine.stream(r.toBuilder().maxTokens(2047).build(), chunks::add); // a different cache key: really re-synthesized
        assertFalse(st.cached());
        assertTrue(chunks.size() >= 1);
        assertArrayEquals(s.samples(), concat(chunks));
        assertEquals(FinishReason.END_OF_SPEECH, s.stats().finishReason());
        assertTrue(s.stats().testModel());
        assertEquals((long) s.stats().frames() * 2048 - Engine.LEADING_TRIM_SAMPLES, s.sampleCount());
        for (float x : s.samples()) {
            assertTrue(Float.isFinite(x) && Math.abs(x) <= 1f);
        }
        assertTrue(s.stats().timeToFirstAudio().toNanos() > 0 && s.stats().realTimeFactor() > 0);
    }

    @Test
    void cancellationFromTheListenerStopsTheLmWithinOneFrame() {
        AtomicInteger atCancel = new AtomicInteger();
        SpeechStats st = engine.stream(SpeechRequest.builder().text("Please keep talking for quite a while, " .repeat(20)).splitLongText(false)
                .seed(1).build(), c -> {
            atCancel.set(lm.frames.get());
            return false;
        });
        assertEquals(FinishReason.CANCELLED, st.finishReason());
        assertTrue(lm.frames.get() - atCancel.get() <= 1, (lm.frames.get() - atCancel.get()) + " frames after cancel");
        assertEquals(0, engine.activeRequests());
        assertEquals(0, engine.kvBytesInUse());
    }

    @Test
    void longTextIsChunkedAndComplete() {
        String text = "This is the first sentence of a longer text. Here comes the second one, which is a little longer than the first. "
                + "A third sentence follows! And does a fourth one exist? Yes, and it ends the text.";
        List<AudioChunk> chunks = new ArrayList<>();
        SpeechStats st = engine.stream(SpeechRequest.builder().text(text).seed(3).build(), chunks::add);
        List<String> pieces = TextChunker.split(text, 120);
        assertTrue(pieces.size() >= 2);
        assertEquals(pieces.size(), st.pieces());
        assertEquals(FinishReason.END_OF_SPEECH, st.finishReason(), "every piece reached CODE_END");
        assertEquals(pieces.size(), chunks.stream().mapToInt(AudioChunk::piece).distinct().count());
        int crossfade = (int) (Maya1Config.DEFAULT_CROSSFADE.toNanos() * 24_000 / 1_000_000_000L);
        assertEquals((long) st.frames() * 2048 - (long) pieces.size() * Engine.LEADING_TRIM_SAMPLES - (long) (pieces.size() - 1) * crossfade,
                st.samples());
    }

    @Test
    void everyFormatDecodesBackAtTheRightRateAndLength() {
        Speech s = engine.synthesize(SpeechRequest.builder().text("Formats.").seed(5).build());
        float[] pcm = s.samples();
        for (AudioFormat f : AudioFormat.values()) {
            byte[] bytes = s.encode(f);
            if (f == AudioFormat.MP3) {
                Mp3.Decoded d = Mp3.decode(bytes);
                assertEquals(24_000, d.sampleRate());
                assertTrue(d.samples().length >= pcm.length && d.samples().length <= pcm.length + 4 * 1152, "mp3 length " + d.samples().length);
                continue;
            }
            float[] back = AudioEncoders.decode(bytes, f);
            assertEquals((long) Math.ceil(pcm.length * (double) f.sampleRate() / 24_000), back.length, f.toString());
            if (f.container() == AudioFormat.Container.WAV) {
                assertEquals(f.sampleRate(), Wav.read(bytes).sampleRate());
            }
            if (f == AudioFormat.PCM_F32LE || f == AudioFormat.WAV_F32) {
                assertArrayEquals(pcm, back, f.toString());
            } else if (f.encoding() == AudioFormat.Encoding.PCM_S16LE && f.sampleRate() == 24_000) {
                for (int i = 0; i < pcm.length; i++) {
                    assertEquals(pcm[i], back[i], 0.5 / 32767 + 1e-7);
                }
            }
        }
    }

    @Test
    void badRequestsGiveTypedExceptions() {
        assertThrows(InvalidRequestException.class, () -> SpeechRequest.builder().text("").build());
        assertEquals("maxTokens", assertThrows(InvalidRequestException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("Hi.").maxTokens(100_000).build())).field());
        assertEquals("voice", assertThrows(InvalidRequestException.class,
                () -> engine.synthesize(SpeechRequest.builder().text("Hi.").voice("no-such-voice").build())).field());
        Maya1Config strict = Maya1Config.builder().model(ModelSource.testModel()).threads(1).strictTags(true).warmUpOnStart(false).build();
        try (Engine e = Engine.open(strict)) {
            assertThrows(InvalidTextException.class, () -> e.synthesize(SpeechRequest.builder().text("Hello <notatag> there.").build()));
            assertTrue(e.synthesize(SpeechRequest.builder().text("Hello <laugh> there.").seed(1).build()).sampleCount() > 0);
            e.close();
            assertThrows(IllegalStateException.class, () -> e.synthesize(SpeechRequest.of("Closed.")));
        }
    }

    @Test
    void deterministicRepeatsComeFromTheCache() {
        SpeechRequest r = SpeechRequest.builder().text("Cached.").seed(9).build();
        Speech a = engine.synthesize(r);
        Speech b = engine.synthesize(r);
        assertTrue(b.stats().cached());
        assertArrayEquals(a.samples(), b.samples());
    }
}
