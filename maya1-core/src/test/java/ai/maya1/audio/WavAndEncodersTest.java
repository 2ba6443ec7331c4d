package ai.maya1.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WavAndEncodersTest {
    static final int N = 24_000 + 123;

    static float[] signal() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (0.4 * Math.sin(2 * Math.PI * 440 * i / 24_000.0) + 0.2 * Math.sin(2 * Math.PI * 1234 * i / 24_000.0));
        }
        x[10] = 1.5f;   // clipped
        x[11] = -1.5f;
        x[12] = Float.NaN; // becomes 0
        return x;
    }

    @Test
    void s16IsExactWithinHalfAStep() {
        float[] x = signal();
        float[] y = Pcm.fromS16le(Pcm.toS16le(x), 0, 2 * N);
        for (int i = 0; i < N; i++) {
            float want = i == 12 ? 0f : Math.max(-1f, Math.min(1f, x[i]));
            assertEquals(want, y[i], 0.5 / 32767 + 1e-7, "sample " + i);
        }
    }

    @Test
    void f32IsBitExactAfterClipping() {
        float[] x = signal();
        float[] y = Pcm.fromF32le(Pcm.toF32le(x), 0, 4 * N);
        for (int i = 0; i < N; i++) {
            assertEquals(Pcm.clip(x[i]), y[i], 0f);
        }
    }

    @ParameterizedTest
    @EnumSource(value = AudioFormat.class, mode = EnumSource.Mode.EXCLUDE, names = "MP3")
    void everyFormatDecodesBackAtItsRateAndLength(AudioFormat f) {
        float[] x = signal();
        byte[] bytes = AudioEncoders.encodeAll(x, f);
        float[] y = AudioEncoders.decode(bytes, f);
        long expectLen = (long) Math.ceil(N * (double) f.sampleRate() / 24_000);
        assertEquals(expectLen, y.length, f + " length");
        if (f.container() == AudioFormat.Container.WAV) {
            Wav.Decoded d = Wav.read(bytes);
            assertEquals(f.sampleRate(), d.sampleRate());
            assertEquals(1, d.channels());
            assertTrue(!d.streamingHeader());
        }
        if (f.sampleRate() == 24_000) {
            double tol = switch (f.encoding()) {
                case PCM_S16LE -> 0.5 / 32767 + 1e-7;
                case PCM_F32LE -> 0;
                default -> 0.05;
            };
            for (int i = 0; i < N; i++) {
                assertEquals(Pcm.clip(x[i]), y[i], tol, f + " sample " + i);
            }
        } else {
            // resampled: compare levels away from the clipped start
            assertEquals(rms(x, 2400, N - 2400), rms(y, f.sampleRate() / 10, y.length - f.sampleRate() / 10), 0.01, f.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = AudioFormat.class, mode = EnumSource.Mode.EXCLUDE, names = "MP3")
    void streamingEncoderMatchesWholeEncodingAndHasAStreamingHeader(AudioFormat f) {
        float[] x = signal();
        AudioEncoder e = AudioEncoders.streaming(f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(e.start());
        for (int i = 0; i < N; i += 2048) {
            out.writeBytes(e.encode(Arrays.copyOfRange(x, i, Math.min(N, i + 2048))));
        }
        out.writeBytes(e.finish());
        byte[] streamed = out.toByteArray();
        byte[] whole = AudioEncoders.encodeAll(x, f);
        if (f.container() == AudioFormat.Container.WAV) {
            Wav.Decoded d = Wav.read(streamed);
            assertTrue(d.streamingHeader(), "unknown-length header");
            assertEquals(0xFFFFFFFFL, ByteBuffer.wrap(streamed).order(ByteOrder.LITTLE_ENDIAN).getInt(4) & 0xFFFFFFFFL);
            assertArrayEquals(Wav.read(whole).samples(), d.samples());
        } else {
            assertArrayEquals(whole, streamed);
        }
    }

    @Test
    void wavReaderRejectsHostileInput() {
        assertThrows(Wav.WavFormatException.class, () -> Wav.read(new byte[5]));
        assertThrows(Wav.WavFormatException.class, () -> Wav.read("RIFF\0\0\0\0WAVE".getBytes()));
        byte[] ok = AudioEncoders.encodeAll(new float[100], AudioFormat.WAV);
        // data chunk claims more than the file holds
        byte[] bad = ok.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 1 << 30);
        assertThrows(Wav.WavFormatException.class, () -> Wav.read(bad));
        // a chunk size that overflows
        byte[] bad2 = ok.clone();
        ByteBuffer.wrap(bad2).order(ByteOrder.LITTLE_ENDIAN).putInt(16, -2);
        assertThrows(Wav.WavFormatException.class, () -> Wav.read(bad2));
        byte[] truncated = Arrays.copyOf(ok, 30);
        assertThrows(Wav.WavFormatException.class, () -> Wav.read(truncated));
    }

    @Test
    void mp3DecodesBackAt24kHzWithTheRightLengthAndLevel() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
        }
        byte[] mp3 = AudioEncoders.encodeAll(x, AudioFormat.MP3);
        assertTrue(mp3.length > 100 && mp3.length < N, "MP3 size " + mp3.length);
        Mp3.Decoded d = Mp3.decode(mp3);
        assertEquals(24_000, d.sampleRate());
        // LAME adds an encoder delay and pads to whole 576-sample granules
        assertTrue(d.samples().length >= N && d.samples().length <= N + 576 * 4 + 1152, "decoded length " + d.samples().length);
        double level = rms(d.samples(), 4000, N - 4000);
        assertEquals(0.5 / Math.sqrt(2), level, 0.03, "decoded RMS");
        // the decoded tone is still 440 Hz: correlate against the reference at the best lag
        double best = 0;
        for (int lag = 0; lag < 3000; lag++) {
            double c = 0;
            double e1 = 0;
            double e2 = 0;
            for (int i = 4000; i < 14000; i++) {
                c += x[i] * (double) d.samples()[i + lag];
                e1 += x[i] * (double) x[i];
                e2 += d.samples()[i + lag] * (double) d.samples()[i + lag];
            }
            best = Math.max(best, c / Math.sqrt(e1 * e2));
        }
        assertTrue(best > 0.98, "correlation " + best);
    }

    @Test
    void formatNamesParse() {
        assertEquals(AudioFormat.WAV, AudioFormat.parse("wav"));
        assertEquals(AudioFormat.PCM_S16LE, AudioFormat.parse("pcm"));
        assertEquals(AudioFormat.ULAW, AudioFormat.parse("ulaw"));
        assertEquals(AudioFormat.ALAW, AudioFormat.parse("ALAW"));
        assertEquals(AudioFormat.MP3, AudioFormat.parse("mp3"));
        assertEquals(AudioFormat.WAV_16K, AudioFormat.parse("wav16k"));
        assertThrows(IllegalArgumentException.class, () -> AudioFormat.parse("ogg"));
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / (to - from));
    }
}
