package ai.maya1.spring.ai;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.tts.InvalidRequestException;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.Speech;
import ai.maya1.tts.SpeechRequest;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.audio.tts.StreamingTextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.ai.audio.tts.TextToSpeechResponse;
import org.springframework.ai.audio.tts.TextToSpeechResponseMetadata;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Maya1 as a Spring AI speech model, running in this JVM on a {@link Maya1Tts} engine.
 *
 * <pre>{@code
 * TextToSpeechModel model = new Maya1TextToSpeechModel(Maya1Tts.create(Maya1Config.builder().model(ModelSource.hub("maya-research/maya1")).build()));
 * byte[] wav = model.call("Hello from Spring AI <laugh> this is a test.");
 * }</pre>
 *
 * <ul>
 *   <li>{@link #call(TextToSpeechPrompt)} synthesizes the whole utterance on the calling thread and returns it as one
 *       file in the requested format (WAV by default); the response metadata holds the {@code ai.maya1.tts.SpeechStats}
 *       under {@value #STATS_METADATA_KEY}.</li>
 *   <li>{@link #stream(TextToSpeechPrompt)} emits the encoded audio as the engine produces it: every element carries
 *       the bytes of one engine chunk (the first also the header: WAV gets a streaming header of unknown length), and
 *       the concatenation is a playable stream. It follows the subscriber's demand (the engine holds the LM back when
 *       nobody reads) and cancelling the subscription cancels the engine request. Elements are emitted on the
 *       engine's request thread: subscribers that block should {@code publishOn} a scheduler of their own.</li>
 *   <li>Options: the model's defaults, overridden by the prompt's (portable fields of any {@code TextToSpeechOptions},
 *       everything of a {@link Maya1TextToSpeechOptions}).</li>
 * </ul>
 * Invalid options (unknown format or voice preset, a speed other than 1.0, out-of-range sampling) throw, or for
 * {@code stream} signal, {@link InvalidRequestException} naming the field. The engine is not owned: closing it is
 * up to whoever created it (with the Boot starter, the application context).
 */
public final class Maya1TextToSpeechModel implements TextToSpeechModel, StreamingTextToSpeechModel {
    /** Response metadata key of the {@code SpeechStats} of {@link #call(TextToSpeechPrompt)}. */
    public static final String STATS_METADATA_KEY = "maya1.stats";

    private final Maya1Tts tts;
    private final Maya1TextToSpeechOptions defaults;

    /** A model with no default options (WAV, the engine's default voice, unseeded sampling at Maya1's defaults). */
    public Maya1TextToSpeechModel(Maya1Tts tts) {
        this(tts, Maya1TextToSpeechOptions.builder().build());
    }

    public Maya1TextToSpeechModel(Maya1Tts tts, Maya1TextToSpeechOptions defaults) {
        this.tts = Objects.requireNonNull(tts, "tts");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The engine this model speaks with. */
    public Maya1Tts engine() {
        return tts;
    }

    @Override
    public Maya1TextToSpeechOptions getOptions() {
        return defaults;
    }

    @Override
    public TextToSpeechResponse call(TextToSpeechPrompt prompt) {
        SpeechRequest request = requestFor(prompt);
        Speech speech = tts.synthesize(request);
        TextToSpeechResponseMetadata metadata = new TextToSpeechResponseMetadata();
        metadata.put(STATS_METADATA_KEY, speech.stats());
        return new TextToSpeechResponse(List.of(new org.springframework.ai.audio.tts.Speech(speech.encode(request.format()))), metadata);
    }

    @Override
    public Flux<TextToSpeechResponse> stream(TextToSpeechPrompt prompt) {
        return Flux.defer(() -> {
            SpeechRequest request = requestFor(prompt);
            ChunkEncoder encoder = new ChunkEncoder(AudioEncoders.streaming(request.format()));
            return JdkFlowAdapter.flowPublisherToFlux(tts.publisher(request))
                    .map(chunk -> response(encoder.encode(chunk.samples())))
                    .concatWith(Mono.fromSupplier(encoder::finish).filter(tail -> tail.length > 0).map(Maya1TextToSpeechModel::response));
        });
    }

    private static TextToSpeechResponse response(byte[] audio) {
        return new TextToSpeechResponse(List.of(new org.springframework.ai.audio.tts.Speech(audio)));
    }

    /** The engine request for {@code prompt}: this model's defaults overridden by the prompt's options. */
    SpeechRequest requestFor(TextToSpeechPrompt prompt) {
        Objects.requireNonNull(prompt, "prompt");
        Maya1TextToSpeechOptions o = defaults.mutate().merge(prompt.getOptions()).build();
        if (o.getSpeed() != null && o.getSpeed() != 1.0) {
            throw new InvalidRequestException("speed", "Maya1 has no speed control (got " + o.getSpeed()
                    + "); leave speed unset or 1.0 and ask for the pace in the voice description, e.g. 'slow pacing'");
        }
        SpeechRequest.Builder b = SpeechRequest.builder().text(prompt.getInstructions().getText()).format(format(o.getFormat()));
        if (o.getVoice() != null) {
            b.voice(o.getVoice());
        } else if (o.getDescription() != null) {
            b.description(o.getDescription());
        }
        if (o.getSeed() != null) {
            b.seed(o.getSeed());
        }
        if (o.getTemperature() != null) {
            b.temperature(o.getTemperature().floatValue());
        }
        if (o.getTopP() != null) {
            b.topP(o.getTopP().floatValue());
        }
        if (o.getTopK() != null) {
            b.topK(o.getTopK());
        }
        if (o.getMinP() != null) {
            b.minP(o.getMinP().floatValue());
        }
        if (o.getRepetitionPenalty() != null) {
            b.repetitionPenalty(o.getRepetitionPenalty().floatValue());
        }
        if (o.getMaxTokens() != null) {
            b.maxTokens(o.getMaxTokens());
        }
        return b.build();
    }

    private static AudioFormat format(@Nullable String name) {
        if (name == null || name.isBlank()) {
            return AudioFormat.WAV;
        }
        try {
            return AudioFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("format", e.getMessage(), e);
        }
    }

    /** One subscription's encoder: the header goes out with the first chunk, so every element carries audio. */
    private static final class ChunkEncoder {
        private final AudioEncoder encoder;
        private byte[] header;

        ChunkEncoder(AudioEncoder encoder) {
            this.encoder = encoder;
            this.header = encoder.start();
        }

        byte[] encode(float[] samples) {
            return withHeader(encoder.encode(samples));
        }

        byte[] finish() {
            return withHeader(encoder.finish());
        }

        private byte[] withHeader(byte[] audio) {
            if (header == null) {
                return audio;
            }
            byte[] out = new byte[header.length + audio.length];
            System.arraycopy(header, 0, out, 0, header.length);
            System.arraycopy(audio, 0, out, header.length, audio.length);
            header = null;
            return out;
        }
    }
}
