package ai.maya1.audio;

import ai.maya1.Maya1Exception;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RIFF WAVE headers and a strict reader. Writes PCM 16-bit (format tag 1), IEEE float 32-bit (3), A-law (6) and
 * mu-law (7), mono. For streams of unknown length the RIFF and data sizes are written as {@code 0xFFFFFFFF}, the
 * convention ffmpeg, sox and browsers accept for "until end of stream".
 */
public final class Wav {
    /** Size field value meaning "unknown, read to end of stream". */
    public static final long UNKNOWN_SIZE = 0xFFFFFFFFL;
    public static final int FORMAT_PCM = 1;
    public static final int FORMAT_IEEE_FLOAT = 3;
    public static final int FORMAT_ALAW = 6;
    public static final int FORMAT_MULAW = 7;

    private Wav() {
    }

    /** Thrown for malformed WAV input. */
    public static final class WavFormatException extends Maya1Exception {
        public WavFormatException(String message) {
            super(message);
        }
    }

    /**
     * A mono WAV header.
     *
     * @param encoding   sample encoding (not MP3)
     * @param sampleRate Hz
     * @param dataBytes  size of the data chunk, or -1 for a streaming header of unknown length
     */
    public static byte[] header(AudioFormat.Encoding encoding, int sampleRate, long dataBytes) {
        int tag;
        int bits;
        switch (encoding) {
            case PCM_S16LE -> { tag = FORMAT_PCM; bits = 16; }
            case PCM_F32LE -> { tag = FORMAT_IEEE_FLOAT; bits = 32; }
            case ALAW -> { tag = FORMAT_ALAW; bits = 8; }
            case MULAW -> { tag = FORMAT_MULAW; bits = 8; }
            default -> throw new IllegalArgumentException("WAV cannot hold " + encoding);
        }
        boolean extended = tag != FORMAT_PCM; // non-PCM: 18-byte fmt (cbSize) and a fact chunk
        int blockAlign = bits / 8;
        int fmtSize = extended ? 18 : 16;
        int headerSize = 12 + 8 + fmtSize + (extended ? 12 : 0) + 8;
        boolean unknown = dataBytes < 0 || dataBytes > UNKNOWN_SIZE - headerSize;
        ByteBuffer b = ByteBuffer.allocate(headerSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII));
        b.putInt(unknown ? (int) UNKNOWN_SIZE : (int) (headerSize - 8 + dataBytes + (dataBytes & 1)));
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(fmtSize);
        b.putShort((short) tag);
        b.putShort((short) 1);
        b.putInt(sampleRate);
        b.putInt(sampleRate * blockAlign);
        b.putShort((short) blockAlign);
        b.putShort((short) bits);
        if (extended) {
            b.putShort((short) 0);
            b.put("fact".getBytes(StandardCharsets.US_ASCII));
            b.putInt(4);
            b.putInt(unknown ? (int) UNKNOWN_SIZE : (int) (dataBytes / blockAlign));
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII));
        b.putInt(unknown ? (int) UNKNOWN_SIZE : (int) dataBytes);
        return b.array();
    }

    /** A decoded WAV file. */
    public record Decoded(int formatTag, int sampleRate, int channels, int bitsPerSample, float[] samples, boolean streamingHeader) {
    }

    /** Parses a mono or multi-channel WAV file (first channel returned) of any format this class writes. */
    public static Decoded read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || !tag(file, 0, "RIFF") || !tag(file, 8, "WAVE")) {
            throw new WavFormatException("not a RIFF/WAVE file");
        }
        long riffSize = b.getInt(4) & 0xFFFFFFFFL;
        boolean streaming = riffSize == UNKNOWN_SIZE;
        int pos = 12;
        int formatTag = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= file.length) {
            String id = new String(file, pos, 4, StandardCharsets.US_ASCII);
            long size = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > file.length) {
                    throw new WavFormatException("fmt chunk too short at offset " + pos);
                }
                formatTag = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (formatTag == 0xFFFE && size >= 40) { // WAVE_FORMAT_EXTENSIBLE: sub-format GUID's first 2 bytes
                    formatTag = b.getShort(body + 24) & 0xffff;
                }
            } else if (id.equals("data")) {
                if (formatTag < 0) {
                    throw new WavFormatException("data chunk before fmt chunk at offset " + pos);
                }
                if (channels < 1 || rate <= 0) {
                    throw new WavFormatException("invalid fmt: " + channels + " channels at " + rate + " Hz");
                }
                long avail = file.length - body;
                long len = size == UNKNOWN_SIZE ? avail : Math.min(size, avail);
                if (size != UNKNOWN_SIZE && size > avail) {
                    throw new WavFormatException("data chunk claims " + size + " bytes, file has " + avail);
                }
                float[] all = decode(file, body, (int) len, formatTag, bits);
                float[] mono = channels == 1 ? all : firstChannel(all, channels);
                return new Decoded(formatTag, rate, channels, bits, mono, streaming || size == UNKNOWN_SIZE);
            }
            if (size > file.length) {
                throw new WavFormatException("chunk '" + id + "' at offset " + pos + " claims " + size + " bytes");
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new WavFormatException("no data chunk");
    }

    private static float[] decode(byte[] f, int off, int len, int formatTag, int bits) {
        return switch (formatTag) {
            case FORMAT_PCM -> {
                if (bits != 16) {
                    throw new WavFormatException("only 16-bit integer PCM is supported, got " + bits);
                }
                yield Pcm.fromS16le(f, off, len - len % 2);
            }
            case FORMAT_IEEE_FLOAT -> {
                if (bits != 32) {
                    throw new WavFormatException("only 32-bit float is supported, got " + bits);
                }
                yield Pcm.fromF32le(f, off, len - len % 4);
            }
            case FORMAT_ALAW -> G711.decodeAlaw(f, off, len);
            case FORMAT_MULAW -> G711.decodeUlaw(f, off, len);
            default -> throw new WavFormatException("unsupported WAV format tag " + formatTag);
        };
    }

    private static float[] firstChannel(float[] all, int channels) {
        float[] out = new float[all.length / channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = all[i * channels];
        }
        return out;
    }

    private static boolean tag(byte[] f, int off, String t) {
        for (int i = 0; i < 4; i++) {
            if (f[off + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
