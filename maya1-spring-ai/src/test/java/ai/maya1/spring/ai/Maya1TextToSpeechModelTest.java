package ai.maya1.spring.ai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maya1.audio.Wav;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Config;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.ModelSource;
import ai.maya1.tts.SpeechStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechOptions;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.audio.tts.TextToSpeechResponse;
import reactor.core.publisher.BaseSubscriber;

/** The Spring AI speech model on the built-in test model (output is not speech). */
class Maya1TextToSpeechModelTest {
    /** Three pieces of about 35 test-model frames each: long enough that streaming shows. */
    static final String LONG_TEXT = ("Welcome back to the evening report. Tonight we look at the harbour, the weather over the hills, "
            + "and the long road that carries the night buses across the river and into town. ").repeat(3);

    static SimpleMeterRegistry meters;
    static Maya1Tts tts;
    static Maya1TextToSpeechModel model;

    @BeforeAll
    static void startEngine() {
        meters = new SimpleMeterRegistry();
        // no cache: every request here must reach the LM
        tts = Maya1Tts.create(Maya1Config.builder().model(ModelSource.testModel()).warmUpOnStart(false).cacheBytes(0).meterRegistry(meters).build());
        model = new Maya1TextToSpeechModel(tts);
    }

    @AfterAll
    static void closeEngine() {
        tts.close();
    }

    @Test
    void callReturnsOneWavFileWithTheStatsInTheMetadata() {
        TextToSpeechResponse response = model.call(new TextToSpeechPrompt("Hello from Spring AI <laugh> this is a test."));
        byte[] wav = response.getResult().getOutput();
        Wav.Decoded decoded = Wav.read(wav);
        assertEquals(24_000, decoded.sampleRate());
        assertTrue(decoded.samples().length > 0, "no samples");
        SpeechStats stats = response.getMetadata().get(Maya1TextToSpeechModel.STATS_METADATA_KEY);
        assertTrue(stats.testModel(), "stats should say test model");
        assertEquals(decoded.samples().length, stats.samples());
    }

    @Test
    void theConcatenatedStreamEqualsTheCalledAudioForTheSameSeed() {
        TextToSpeechOptions pcm = Maya1TextToSpeechOptions.builder().format("pcm").seed(7L).voice("narrator").build();
        byte[] whole = model.call(new TextToSpeechPrompt("Streaming equals synthesis.", pcm)).getResult().getOutput();
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        model.stream(new TextToSpeechPrompt("Streaming equals synthesis.", pcm)).toStream().forEach(r -> streamed.writeBytes(r.getResult().getOutput()));
        assertTrue(whole.length > 0, "no audio");
        assertArrayEquals(whole, streamed.toByteArray());
    }

    @Test
    void theStreamIsAWavWithAStreamingHeaderByDefault() {
        List<byte[]> elements = model.stream(new TextToSpeechPrompt("A streamed wav.")).map(r -> r.getResult().getOutput()).collectList().block();
        byte[] first = elements.getFirst();
        assertEquals("RIFF", new String(first, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0xFFFFFFFF, ByteBuffer.wrap(first, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), "RIFF size of a stream is unknown");
        assertTrue(first.length > 44, "the first element carries audio after the header");
    }

    @Test
    void theFirstChunkArrivesWhileTheEngineIsStillSynthesizing() throws Exception {
        Gauge active = meters.get("maya1.tts.requests.active").gauge();
        List<Integer> sizes = new ArrayList<>();
        double[] activeAtFirst = {-1};
        CompletableFuture<Void> done = new CompletableFuture<>();
        TextToSpeechOptions pcm = Maya1TextToSpeechOptions.builder().format("pcm").build();
        model.stream(new TextToSpeechPrompt(LONG_TEXT, pcm)).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnNext(TextToSpeechResponse r) {
                if (sizes.isEmpty()) {
                    activeAtFirst[0] = active.value();
                }
                sizes.add(r.getResult().getOutput().length);
            }

            @Override
            protected void hookOnComplete() {
                done.complete(null);
            }

            @Override
            protected void hookOnError(Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(5, TimeUnit.MINUTES);
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        assertEquals(1.0, activeAtFirst[0], "the request should still be synthesizing when its first chunk arrives");
        assertTrue(sizes.size() >= 10, "expected the audio in many chunks, got " + sizes);
        assertTrue(sizes.getFirst() * 10 < total, "the first chunk should be a small part of the audio: " + sizes.getFirst() + " of " + total);
    }

    @Test
    void cancellingTheFluxCancelsTheEngineRequest() throws Exception {
        double cancelledBefore = cancelledRequests();
        TextToSpeechResponse first = model.stream(new TextToSpeechPrompt(LONG_TEXT)).take(1).blockLast(Duration.ofMinutes(5));
        assertTrue(first.getResult().getOutput().length > 0, "no first chunk");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (cancelledRequests() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(cancelledBefore + 1, cancelledRequests(), "the engine should record one request finished by CANCELLED");
        assertEquals(0.0, meters.get("maya1.tts.requests.active").gauge().value(), "no request should be left synthesizing");
    }

    private static double cancelledRequests() {
        Counter c = meters.find("maya1.tts.requests").tag("finish", "CANCELLED").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void portableOptionsOfAnotherProviderOverrideTheDefaults() {
        Maya1TextToSpeechModel withDefaults = new Maya1TextToSpeechModel(tts,
                Maya1TextToSpeechOptions.builder().description("A calm old man.").format("mp3").seed(1L).temperature(0.2).build());
        var request = withDefaults.requestFor(new TextToSpeechPrompt("Hi.", TextToSpeechOptions.builder().voice("narrator").format("pcm").speed(1.0).build()));
        assertEquals(ai.maya1.audio.AudioFormat.PCM_S16LE, request.format());
        assertEquals(new ai.maya1.tts.Voice.Preset("narrator"), request.voice());
        assertEquals(1L, request.seed().getAsLong());
        assertEquals(0.2f, request.sampling().temperature());
    }

    @Test
    void aMaya1DescriptionReplacesTheDefaultPreset() {
        Maya1TextToSpeechModel withDefaults = new Maya1TextToSpeechModel(tts, Maya1TextToSpeechOptions.builder().voice("narrator").build());
        var request = withDefaults.requestFor(new TextToSpeechPrompt("Hi.", Maya1TextToSpeechOptions.builder().description("A calm old man.").build()));
        assertEquals(new ai.maya1.tts.Voice.Description("A calm old man."), request.voice());
    }

    @Test
    void aSpeedOtherThanOneIsRejectedNamingTheField() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.call(new TextToSpeechPrompt("Hi.", TextToSpeechOptions.builder().speed(1.5).build())));
        assertEquals("speed", e.field());
    }

    @Test
    void anUnknownFormatIsSignalledByTheStreamNamingTheField() {
        Throwable t = assertThrows(RuntimeException.class,
                () -> model.stream(new TextToSpeechPrompt("Hi.", TextToSpeechOptions.builder().format("opus").build())).blockLast());
        assertEquals("format", assertInstanceOf(InvalidRequestException.class, t).field());
    }

    @Test
    void itIsAPortableSpringAiTextToSpeechModel() {
        TextToSpeechModel portable = model;
        byte[] wav = portable.call("Portable.");
        assertEquals("WAVE", new String(wav, 8, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
