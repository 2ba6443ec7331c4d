package ai.maya1.example.spring;

import ai.maya1.tts.InvalidRequestException;
import java.util.Iterator;
import java.util.stream.Stream;
import org.springframework.ai.audio.tts.TextToSpeechModel;
import org.springframework.ai.audio.tts.TextToSpeechOptions;
import org.springframework.ai.audio.tts.TextToSpeechPrompt;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code POST /speech} (text/plain body, optional {@code voice}) answers one WAV file; {@code POST /speech/stream}
 * sends the WAV as the model produces it (chunked, a streaming header of unknown length). Only the portable Spring AI
 * interface is used: swapping the provider is a dependency and a property.
 */
@RestController
class SpeechController {
    static final MediaType AUDIO_WAV = MediaType.parseMediaType("audio/wav");

    private final TextToSpeechModel speech;

    SpeechController(TextToSpeechModel speech) {
        this.speech = speech;
    }

    @PostMapping(path = "/speech", consumes = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<byte[]> speak(@RequestBody String text, @RequestParam(name = "voice", required = false) String voice) {
        byte[] wav = speech.call(prompt(text, voice)).getResult().getOutput();
        return ResponseEntity.ok().contentType(AUDIO_WAV).body(wav);
    }

    @PostMapping(path = "/speech/stream", consumes = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<StreamingResponseBody> stream(@RequestBody String text, @RequestParam(name = "voice", required = false) String voice) {
        TextToSpeechPrompt prompt = prompt(text, voice);
        StreamingResponseBody body = out -> {
            // a few chunks of prefetch: a slow client holds the model back instead of piling audio up in memory;
            // closing the stream (also when the client went away and a write failed) cancels the Flux and with it
            // the synthesis
            try (Stream<byte[]> chunks = speech.stream(prompt).map(r -> r.getResult().getOutput()).toStream(4)) {
                for (Iterator<byte[]> it = chunks.iterator(); it.hasNext(); ) {
                    out.write(it.next());
                    out.flush();
                }
            }
        };
        return ResponseEntity.ok().contentType(AUDIO_WAV).body(body);
    }

    /** Maya1 names the field of a bad request (unknown voice preset, format, ...): a 400 that says so. */
    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail badRequest(InvalidRequestException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    private static TextToSpeechPrompt prompt(String text, String voice) {
        if (text == null || text.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "no text: send the words to speak as a text/plain body");
        }
        TextToSpeechOptions.Builder options = TextToSpeechOptions.builder().format("wav");
        if (voice != null && !voice.isBlank()) {
            options.voice(voice);
        }
        return new TextToSpeechPrompt(text, options.build());
    }
}
