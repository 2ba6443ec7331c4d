package ai.maya1.examples;

import ai.maya1.audio.AudioEncoder;
import ai.maya1.audio.AudioEncoders;
import ai.maya1.audio.AudioFormat;
import ai.maya1.tts.Maya1Tts;
import ai.maya1.tts.SpeechRequest;
import ai.maya1.tts.SpeechStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Telephony: 8 kHz G.711 mu-law in 20 ms frames of 160 bytes, as an RTP sender or an Asterisk/FreeSWITCH
 * {@code .ulaw} file wants them. The 24 kHz speech is band-limited and resampled while it streams.
 *
 * <pre>java -cp maya1-cli.jar ai.maya1.examples.Telephony prompt.ulaw "Thank you for calling."</pre>
 */
public final class Telephony {
    /** Bytes of one 20 ms mu-law frame at 8 kHz. */
    public static final int FRAME_BYTES = 160;

    private Telephony() {
    }

    /** Streams {@code request} as 160-byte mu-law frames (the last one padded with mu-law silence, 0xFF). */
    public static SpeechStats frames(Maya1Tts tts, SpeechRequest request, Consumer<byte[]> frameSink) {
        AudioEncoder enc = AudioEncoders.streaming(AudioFormat.ULAW);
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        SpeechStats stats = tts.stream(request, chunk -> {
            pending.writeBytes(enc.encode(chunk.samples()));
            drain(pending, frameSink, false);
            return true;
        });
        pending.writeBytes(enc.finish());
        drain(pending, frameSink, true);
        return stats;
    }

    private static void drain(ByteArrayOutputStream pending, Consumer<byte[]> sink, boolean flush) {
        byte[] all = pending.toByteArray();
        int off = 0;
        while (all.length - off >= FRAME_BYTES) {
            sink.accept(java.util.Arrays.copyOfRange(all, off, off + FRAME_BYTES));
            off += FRAME_BYTES;
        }
        pending.reset();
        if (flush && off < all.length) {
            byte[] last = new byte[FRAME_BYTES];
            java.util.Arrays.fill(last, (byte) 0xFF);
            System.arraycopy(all, off, last, 0, all.length - off);
            sink.accept(last);
        } else {
            pending.write(all, off, all.length - off);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Telephony <out.ulaw> <text...>");
            System.exit(2);
        }
        try (Maya1Tts tts = Maya1Tts.create(Examples.config());
             var out = Files.newOutputStream(Path.of(args[0]))) {
            SpeechStats s = frames(tts, SpeechRequest.of(String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length))), f -> {
                try {
                    out.write(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            System.out.println(args[0] + ": " + s.summary());
        }
    }
}
