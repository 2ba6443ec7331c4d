package ai.maya1.examples;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.audio.Wav;
import ai.maya1.tts.AudioChunk;
import ai.maya1.tts.AudioStream;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes speech to a WAV file while it is synthesized (pull-style {@link AudioStream}), then patches the header
 * with the final sizes: the file is playable (as a stream) during synthesis and exact when done.
 *
 * <pre>java -cp maya1-cli.jar ai.maya1.examples.StreamToFile out.wav "Some text to speak."</pre>
 */
public final class StreamToFile {
    private StreamToFile() {
    }

    public static SpeechStats write(Maya1Tts tts, SpeechRequest request, Path file) throws IOException {
        AudioEncoder enc = AudioEncoders.streaming(AudioFormat.WAV);
        long dataBytes = 0;
        SpeechStats stats;
        try (OutputStream out = Files.newOutputStream(file); AudioStream audio = tts.openStream(request)) {
            byte[] header = enc.start();
            out.write(header);
            for (AudioChunk chunk : audio) {
                byte[] b = enc.encode(chunk.samples());
                out.write(b);
                out.flush();
                dataBytes += b.length;
            }
            byte[] tail = enc.finish();
            out.write(tail);
            dataBytes += tail.length;
            stats = audio.stats().orElseThrow();
        }
        byte[] exact = Wav.header(AudioFormat.Encoding.PCM_S16LE, 24_000, dataBytes);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(0);
            raf.write(exact); // same length as the streaming header, now with the real sizes
        }
        return stats;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: StreamToFile <out.wav> <text...>");
            System.exit(2);
        }
        try (Maya1Tts tts = Maya1Tts.create(Examples.config())) {
            SpeechStats s = write(tts, SpeechRequest.of(String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length))), Path.of(args[0]));
            System.out.println(args[0] + ": " + s.summary());
        }
    }
}
