package ai.maya1.server;

import ai.maya1.tts.*;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
    @Test
    void synth() {
        long t0 = System.nanoTime();
        try (Maya1Tts tts = Maya1Tts.create(Maya1Config.testModel())) {
            System.out.println("load ms " + (System.nanoTime() - t0) / 1e6 + " " + tts.info() + " presets " + tts.voicePresets());
            for (String text : new String[] {"Hello there.", "Hello there, this is a much longer text. It has several sentences. Each one is spoken in turn, piece by piece, so that streaming can be seen. And one more sentence to make it longer still."}) {
                t0 = System.nanoTime();
                Speech s = tts.synthesize(SpeechRequest.builder().text(text).seed(1).build());
                System.out.println("synth ms " + (System.nanoTime() - t0) / 1e6 + " " + s.stats().summary());
            }
        }
    }
}
