package ai.maya1.audio;

import java.util.Locale;

/**
 * Output encodings of synthesized audio. The engine produces 24 kHz mono float PCM; every format here is derived
 * from it (telephony rates through a band-limited {@link Resampler}).
 */
public enum AudioFormat {
    /** RIFF WAVE, 24 kHz, 16-bit signed little-endian PCM, mono. */
    WAV(Container.WAV, Encoding.PCM_S16LE, 24_000, "wav"),
    /** RIFF WAVE, 24 kHz, 32-bit IEEE float, mono. */
    WAV_F32(Container.WAV, Encoding.PCM_F32LE, 24_000, "wav"),
    /** RIFF WAVE, 16 kHz, 16-bit PCM (wide-band telephony, speech recognisers). */
    WAV_16K(Container.WAV, Encoding.PCM_S16LE, 16_000, "wav"),
    /** RIFF WAVE (format tag 7), 8 kHz G.711 mu-law. */
    WAV_ULAW(Container.WAV, Encoding.MULAW, 8_000, "wav"),
    /** RIFF WAVE (format tag 6), 8 kHz G.711 A-law. */
    WAV_ALAW(Container.WAV, Encoding.ALAW, 8_000, "wav"),
    /** Headerless 24 kHz 16-bit signed little-endian PCM. */
    PCM_S16LE(Container.RAW, Encoding.PCM_S16LE, 24_000, "pcm"),
    /** Headerless 24 kHz 32-bit float little-endian PCM. */
    PCM_F32LE(Container.RAW, Encoding.PCM_F32LE, 24_000, "f32"),
    /** Headerless 16 kHz 16-bit signed little-endian PCM. */
    PCM_S16LE_16K(Container.RAW, Encoding.PCM_S16LE, 16_000, "pcm"),
    /** Headerless 8 kHz G.711 mu-law (one byte per sample; Asterisk/FreeSWITCH {@code .ulaw}). */
    ULAW(Container.RAW, Encoding.MULAW, 8_000, "ulaw"),
    /** Headerless 8 kHz G.711 A-law (one byte per sample; {@code .alaw}). */
    ALAW(Container.RAW, Encoding.ALAW, 8_000, "alaw"),
    /** MPEG-1 Layer III at 24 kHz mono (needs the optional jump3r library on the class path). */
    MP3(Container.MP3, Encoding.MP3, 24_000, "mp3");

    /** How samples are wrapped. */
    public enum Container { WAV, RAW, MP3 }

    /** How one sample is stored. */
    public enum Encoding {
        PCM_S16LE(2), PCM_F32LE(4), MULAW(1), ALAW(1), MP3(0);

        private final int bytesPerSample;

        Encoding(int bytesPerSample) {
            this.bytesPerSample = bytesPerSample;
        }

        /** Bytes per mono sample; 0 for compressed encodings. */
        public int bytesPerSample() {
            return bytesPerSample;
        }
    }

    private final Container container;
    private final Encoding encoding;
    private final int sampleRate;
    private final String extension;

    AudioFormat(Container container, Encoding encoding, int sampleRate, String extension) {
        this.container = container;
        this.encoding = encoding;
        this.sampleRate = sampleRate;
        this.extension = extension;
    }

    public Container container() {
        return container;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Output sample rate in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Usual file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** MIME type for HTTP responses. */
    public String mimeType() {
        return switch (container) {
            case WAV -> "audio/wav";
            case MP3 -> "audio/mpeg";
            case RAW -> switch (encoding) {
                case MULAW -> "audio/basic";
                case ALAW -> "audio/x-alaw-basic";
                case PCM_F32LE -> "audio/x-raw;format=F32LE;rate=" + sampleRate + ";channels=1";
                default -> "audio/L16;rate=" + sampleRate + ";channels=1";
            };
        };
    }

    /**
     * Parses a user-facing name: {@code wav}, {@code wav-f32}, {@code wav16k}, {@code pcm} (= s16le 24 kHz),
     * {@code pcm16k}, {@code f32}, {@code ulaw}/{@code mulaw}, {@code alaw}, {@code mp3}, or any constant name.
     */
    public static AudioFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "wav" -> WAV;
            case "wav_f32", "wavf32" -> WAV_F32;
            case "wav16k", "wav_16k" -> WAV_16K;
            case "wav_ulaw", "wav_mulaw" -> WAV_ULAW;
            case "wav_alaw" -> WAV_ALAW;
            case "pcm", "s16le", "pcm_s16le" -> PCM_S16LE;
            case "f32", "f32le", "pcm_f32", "pcm_f32le" -> PCM_F32LE;
            case "pcm16k", "pcm_16k", "pcm_s16le_16k" -> PCM_S16LE_16K;
            case "ulaw", "mulaw", "u_law", "mu_law" -> ULAW;
            case "alaw", "a_law" -> ALAW;
            case "mp3" -> MP3;
            default -> {
                for (AudioFormat f : values()) {
                    if (f.name().equalsIgnoreCase(n)) {
                        yield f;
                    }
                }
                throw new IllegalArgumentException("unknown audio format '" + name
                        + "' (expected wav, wav-f32, wav16k, wav-ulaw, wav-alaw, pcm, pcm16k, f32, ulaw, alaw or mp3)");
            }
        };
    }
}
