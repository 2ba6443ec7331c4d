package ai.maya1.audio;

import java.io.ByteArrayOutputStream;

/** Encoders for every {@link AudioFormat}; the engine's PCM is 24 kHz mono float. */
public final class AudioEncoders {
    /** The engine's native sample rate. */
    public static final int SOURCE_RATE = 24_000;

    private AudioEncoders() {
    }

    /** A streaming encoder (WAV gets a header of unknown length). */
    public static AudioEncoder streaming(AudioFormat format) {
        if (format.encoding() == AudioFormat.Encoding.MP3) {
            return Mp3.encoder(SOURCE_RATE);
        }
        return new SampleEncoder(format, true);
    }

    /** Encodes a whole utterance; WAV output carries exact sizes. */
    public static byte[] encodeAll(float[] samples24k, AudioFormat format) {
        if (format.encoding() == AudioFormat.Encoding.MP3) {
            AudioEncoder e = Mp3.encoder(SOURCE_RATE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(e.start());
            out.writeBytes(e.encode(samples24k));
            out.writeBytes(e.finish());
            return out.toByteArray();
        }
        SampleEncoder e = new SampleEncoder(format, false);
        float[] pcm = format.sampleRate() == SOURCE_RATE ? samples24k : Resampler.resample(samples24k, SOURCE_RATE, format.sampleRate());
        byte[] body = e.encodeSamples(pcm);
        if (format.container() != AudioFormat.Container.WAV) {
            return body;
        }
        byte[] header = Wav.header(format.encoding(), format.sampleRate(), body.length);
        byte[] file = new byte[header.length + body.length + (body.length & 1)];
        System.arraycopy(header, 0, file, 0, header.length);
        System.arraycopy(body, 0, file, header.length, body.length);
        return file;
    }

    /** Decodes bytes of a sample format (not MP3) back to float samples at the format's rate. */
    public static float[] decode(byte[] data, AudioFormat format) {
        if (format.container() == AudioFormat.Container.WAV) {
            return Wav.read(data).samples();
        }
        return switch (format.encoding()) {
            case PCM_S16LE -> Pcm.fromS16le(data, 0, data.length);
            case PCM_F32LE -> Pcm.fromF32le(data, 0, data.length);
            case MULAW -> G711.decodeUlaw(data, 0, data.length);
            case ALAW -> G711.decodeAlaw(data, 0, data.length);
            case MP3 -> Mp3.decode(data).samples();
        };
    }

    /** PCM/G.711 in WAV or raw, with resampling for 8/16 kHz formats. */
    private static final class SampleEncoder implements AudioEncoder {
        private final AudioFormat format;
        private final boolean streaming;
        private final Resampler resampler;

        SampleEncoder(AudioFormat format, boolean streaming) {
            this.format = format;
            this.streaming = streaming;
            this.resampler = streaming && format.sampleRate() != SOURCE_RATE ? new Resampler(SOURCE_RATE, format.sampleRate()) : null;
        }

        @Override
        public AudioFormat format() {
            return format;
        }

        @Override
        public byte[] start() {
            return format.container() == AudioFormat.Container.WAV && streaming ? Wav.header(format.encoding(), format.sampleRate(), -1) : new byte[0];
        }

        @Override
        public byte[] encode(float[] samples24k) {
            return encodeSamples(resampler == null ? samples24k : resampler.process(samples24k));
        }

        @Override
        public byte[] finish() {
            return resampler == null ? new byte[0] : encodeSamples(resampler.finish());
        }

        byte[] encodeSamples(float[] pcm) {
            return switch (format.encoding()) {
                case PCM_S16LE -> Pcm.toS16le(pcm);
                case PCM_F32LE -> Pcm.toF32le(pcm);
                case MULAW -> G711.encodeUlaw(pcm);
                case ALAW -> G711.encodeAlaw(pcm);
                case MP3 -> throw new IllegalStateException("MP3 is not a sample encoding");
            };
        }
    }
}
