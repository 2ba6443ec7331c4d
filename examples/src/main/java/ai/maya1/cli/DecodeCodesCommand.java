package ai.maya1.cli;

import ai.maya1.concurrent.ComputeExecutor;
import ai.maya1.vocoder.InvalidCodeException;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.snac.JavaVocoder;
import ai.maya1.vocoder.snac.SnacStream;
import ai.maya1.vocoder.snac.SnacStreamOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maya1 decode-codes}: SNAC codes (JSON) to a 24 kHz WAV with the pure-Java decoder, offline or streamed.
 * Batch items are written one after another into the one WAV file; {@code --raw-f32} writes every sample
 * little-endian float32, batch-major, nothing trimmed.
 */
@Command(name = "decode-codes", mixinStandardHelpOptions = true,
        description = "Decode SNAC codes ({\"codes\": [level0, level1, level2]}, each [batch][time]) to a 24 kHz 16-bit WAV.")
final class DecodeCodesCommand implements Callable<Integer> {
    private static final long MAX_CODES_JSON_BYTES = 256L << 20;

    @Option(names = "--snac", required = true, paramLabel = "DIR", description = "SNAC folder: config.json and model.safetensors or pytorch_model.bin")
    Path snac;

    @Option(names = "--codes", required = true, paramLabel = "CODES.json", description = "{\"codes\": [level0, level1, level2]}, level i is [batch][T*2^i]")
    Path codes;

    @Option(names = "--out", required = true, paramLabel = "OUT.wav", description = "16-bit PCM WAV; batch items one after another")
    Path out;

    @Option(names = "--raw-f32", paramLabel = "OUT.f32", description = "also write all samples as little-endian float32, batch-major, untrimmed")
    Path rawF32;

    @Option(names = "--noise", paramLabel = "zero|seed:N", defaultValue = "seed:0",
            description = "NoiseBlock noise: zero (deterministic identity) or seed:N (counter-based Gaussian, as the reference draws). Default: ${DEFAULT-VALUE}")
    String noise;

    @Option(names = "--stream", paramLabel = "CHUNK_FRAMES", description = "decode incrementally, pushing CHUNK_FRAMES frames at a time (output is identical)")
    Integer streamChunk;

    @Option(names = "--trim-warmup", description = "drop the first 2048 samples of each item in the WAV (the Maya1 reference's warm-up); --raw-f32 stays untrimmed")
    boolean trimWarmup;

    @Option(names = "--threads", paramLabel = "N", description = "compute threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        NoiseMode noiseMode = parseNoise(noise);
        if (streamChunk != null && streamChunk < 1) {
            throw new IllegalArgumentException("--stream needs a chunk size >= 1 frame, got " + streamChunk);
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        // the outputs are checked before any work: an unwritable path fails now, not after the decode
        try (OutputFile wav = OutputFile.open(out); OutputFile raw = rawF32 == null ? null : OutputFile.open(rawF32)) {
            SnacCodes snacCodes = readCodes(codes);
            try (ComputeExecutor ex = new ComputeExecutor(n, "maya1-snac"); JavaVocoder vocoder = JavaVocoder.open(snac, ex)) {
                long t0 = System.nanoTime();
                float[][] audio = streamChunk == null ? vocoder.decode(snacCodes, noiseMode) : streamed(vocoder, snacCodes, noiseMode);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (raw != null) {
                    writeRawF32(raw.path(), audio);
                    raw.done();
                }
                int from = trimWarmup ? vocoder.decoder().warmupSamples() : 0;
                writeWav(wav.path(), audio, from, vocoder.sampleRate());
                wav.done();
                double audioSecs = (double) snacCodes.batch() * snacCodes.frames() * vocoder.samplesPerFrame() / vocoder.sampleRate();
                System.out.printf("decoded %d frame(s) x %d item(s) = %.2f s of audio in %.2f s (%.1fx real time, %s, %d thread(s)) -> %s%n",
                        snacCodes.frames(), snacCodes.batch(), audioSecs, secs, audioSecs / Math.max(secs, 1e-9),
                        streamChunk == null ? "offline" : "streamed by " + streamChunk + " frame(s)", n, out);
            }
        }
        return 0;
    }

    private float[][] streamed(JavaVocoder vocoder, SnacCodes c, NoiseMode noiseMode) {
        float[][] audio = new float[c.batch()][];
        for (int b = 0; b < c.batch(); b++) {
            float[] item = new float[c.frames() * vocoder.samplesPerFrame()];
            int pos = 0;
            try (SnacStream s = vocoder.decoder().openStream(noiseMode, SnacStreamOptions.exact(), b)) {
                for (int f = 0; f < c.frames(); f += streamChunk) {
                    SnacFrame[] chunk = new SnacFrame[Math.min(streamChunk, c.frames() - f)];
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = c.frame(b, f + i);
                    }
                    float[] got = s.push(chunk);
                    System.arraycopy(got, 0, item, pos, got.length);
                    pos += got.length;
                }
                float[] rest = s.flush();
                System.arraycopy(rest, 0, item, pos, rest.length);
            }
            audio[b] = item;
        }
        return audio;
    }

    static NoiseMode parseNoise(String spec) {
        if (spec.equals("zero")) {
            return NoiseMode.zero();
        }
        if (spec.startsWith("seed:")) {
            try {
                return NoiseMode.seeded(Long.parseLong(spec.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("--noise must be 'zero' or 'seed:N' with an integer N, got '" + spec + "'");
    }

    static SnacCodes readCodes(Path file) throws IOException {
        if (Files.size(file) > MAX_CODES_JSON_BYTES) {
            throw new IllegalArgumentException(file + ": codes file larger than " + (MAX_CODES_JSON_BYTES >> 20) + " MiB");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode levels = root == null ? null : root.get("codes");
        if (levels == null || !levels.isArray() || levels.size() != 3) {
            throw new IllegalArgumentException(file + ": expected {\"codes\": [level0, level1, level2]}");
        }
        int[][][] out = new int[3][][];
        for (int l = 0; l < 3; l++) {
            JsonNode lv = levels.get(l);
            if (!lv.isArray()) {
                throw new IllegalArgumentException(file + ": codes[" + l + "] must be [batch][time]");
            }
            out[l] = new int[lv.size()][];
            for (int b = 0; b < lv.size(); b++) {
                JsonNode row = lv.get(b);
                if (!row.isArray()) {
                    throw new IllegalArgumentException(file + ": codes[" + l + "][" + b + "] must be an array of codes");
                }
                out[l][b] = new int[row.size()];
                for (int t = 0; t < row.size(); t++) {
                    JsonNode v = row.get(t);
                    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                        throw new InvalidCodeException(file + ": codes[" + l + "][" + b + "][" + t + "] is not an integer: " + v, t);
                    }
                    out[l][b][t] = v.intValue();
                }
            }
        }
        return new SnacCodes(out[0], out[1], out[2]);
    }

    static void writeRawF32(Path file, float[][] audio) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (float[] item : audio) {
                ByteBuffer bb = ByteBuffer.allocate(item.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(item);
                os.write(bb.array());
            }
        }
    }

    /** 16-bit PCM mono WAV of every item from sample {@code from} on, items concatenated. */
    static void writeWav(Path file, float[][] audio, int from, int sampleRate) throws IOException {
        long samples = Arrays.stream(audio).mapToLong(a -> Math.max(0, a.length - from)).sum();
        long dataBytes = samples * 2;
        if (dataBytes > 0xFFFFFFFFL - 36) {
            throw new IllegalArgumentException("audio too long for a WAV file (" + samples + " samples)");
        }
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes))
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            os.write(h.array());
            for (float[] item : audio) {
                int n = Math.max(0, item.length - from);
                ByteBuffer bb = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    float v = item[from + i];
                    v = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
                    bb.putShort((short) Math.round(v * 32767f));
                }
                os.write(bb.array());
            }
        }
    }
}
