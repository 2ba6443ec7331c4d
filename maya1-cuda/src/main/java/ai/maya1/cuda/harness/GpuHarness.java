package ai.maya1.cuda.harness;

import ai.maya1.acoustic.FinishReason;
import ai.maya1.acoustic.GenerationOptions;
import ai.maya1.acoustic.GenerationResult;
import ai.maya1.acoustic.SamplingParams;
import ai.maya1.cuda.Cuda;
import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.llama.CudaLlamaConfig;
import ai.maya1.cuda.llama.CudaLlamaModel;
import ai.maya1.cuda.snac.CudaSnacConfig;
import ai.maya1.cuda.snac.CudaSnacVocoder;
import ai.maya1.vocoder.NoiseMode;
import ai.maya1.vocoder.SnacCodes;
import ai.maya1.vocoder.SnacFrame;
import ai.maya1.vocoder.VocoderStream;
import ai.maya1.weights.SafetensorsFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GPU verification and benchmark of the CUDA backend, run step by step by the device bundle
 * ({@code tools/cuda/device-bundle.sh}, its {@code run.sh} gives each step its own time limit):
 * <ul>
 *   <li>{@code parity}: golden SNAC and Llama parity;</li>
 *   <li>{@code decode-bf16}, {@code decode-q8_0}: decode tokens/s at batch 1 against the HBM roofline and prefill
 *       tokens/s of a 170-token prompt, on a random-weight model with the real Maya1 3.3 B shapes;</li>
 *   <li>{@code ttfa-streams}: time to first audio (p50/p95 over 20 requests, exact streaming SNAC) and how many
 *       concurrent streams stay above real time;</li>
 *   <li>{@code snac-speed}: SNAC 24 kHz decode speed (offline batch 1 and 8, streaming per frame).</li>
 * </ul>
 * Prints a text report and, with {@code --json FILE}, writes the checks and figures as JSON (rewritten after every
 * entry, so a step killed by its time limit keeps what it measured). {@code --shape small} replaces the 3.3 B and
 * 24 kHz shapes by tiny ones (for the CPU emulator: its figures mean nothing). Exit code 0 when every check passed,
 * 1 when one failed, 2 when no GPU is available, 3 on an error.
 *
 * <pre>java ai.maya1.cuda.harness.GpuHarness [--golden DIR] [--step parity,decode-bf16,...] [--shape maya1|small]
 *     [--json FILE] [--quick]</pre>
 */
public final class GpuHarness {
    static final String MAYA1_CONFIG = """
            {"hidden_size":3072,"intermediate_size":8192,"num_hidden_layers":28,"num_attention_heads":24,"num_key_value_heads":8,
             "head_dim":128,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
             "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}""";
    static final String SNAC24_CONFIG = """
            {"sampling_rate":24000,"encoder_dim":48,"encoder_rates":[2,4,8,8],"decoder_dim":1024,"decoder_rates":[8,8,4,2],
             "attn_window_size":null,"codebook_size":4096,"codebook_dim":8,"vq_strides":[4,2,1],"noise":true,"depthwise":true}""";
    /** Tiny stand-ins for the CPU emulator: Maya1's vocabulary (the constrained head needs it), minimal widths. */
    static final String SMALL_LLAMA_CONFIG = """
            {"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
             "head_dim":16,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
             "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}""";
    static final String SMALL_SNAC_CONFIG = SNAC24_CONFIG.replace("\"decoder_dim\":1024", "\"decoder_dim\":32");
    static final List<String> STEPS = List.of("parity", "decode-bf16", "decode-q8_0", "ttfa-streams", "snac-speed");
    /** Maya1 speaks 7 tokens per 2048-sample frame at 24 kHz: 82.03 tokens/s is real time. */
    static final double REAL_TIME_TOKENS_PER_SECOND = 7 * 24000.0 / 2048;
    static final int PREFILL_TOKENS = 170;
    /** With the small shapes (the emulator), a 170-token prefill takes minutes: a short prompt instead. */
    static final int SMALL_PREFILL_TOKENS = 16;
    static final int TTFA_REQUESTS = 20;

    private static HarnessReport report;
    private static boolean small;
    private static boolean quick;

    private GpuHarness() {
    }

    public static void main(String[] args) {
        Path golden = Path.of("testdata/golden");
        Path json = null;
        List<String> steps = STEPS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--golden" -> golden = Path.of(value(args, ++i, "--golden"));
                case "--json" -> json = Path.of(value(args, ++i, "--json"));
                case "--quick" -> quick = true;
                case "--shape" -> {
                    String v = value(args, ++i, "--shape");
                    if (!v.equals("maya1") && !v.equals("small")) {
                        usage("--shape must be maya1 or small, got '" + v + "'");
                    }
                    small = v.equals("small");
                }
                case "--step" -> {
                    steps = Arrays.stream(value(args, ++i, "--step").split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                    for (String st : steps) {
                        if (!STEPS.contains(st)) {
                            usage("unknown step '" + st + "' (steps: " + String.join(", ", STEPS) + ")");
                        }
                    }
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        report = new HarnessReport(String.join(",", steps), json);
        System.out.println("# maya1-cuda GPU harness: " + String.join(", ", steps) + (small ? " (small shapes: figures are not Maya1's)" : ""));
        var a = Cuda.availability();
        System.out.println("availability: " + a.reason());
        if (!a.available()) {
            report.note("no usable GPU: " + a.reason());
            report.finish("no-gpu");
            System.out.println("NOTHING MEASURED: no usable GPU");
            System.exit(2);
        }
        try (CudaDevice dev = Cuda.openDevice()) {
            var info = dev.info();
            System.out.printf(Locale.ROOT, "device: %s; peak DRAM bandwidth from attributes: %.0f GB/s%n", info, info.peakMemoryBandwidth() / 1e9);
            report.device(info.name(), info.ccString(), info.smCount(), info.totalMemory() / (1024.0 * 1024 * 1024), info.peakMemoryBandwidth() / 1e9,
                    info.driverVersion() / 1000 + "." + (info.driverVersion() % 1000) / 10);
            if (small) {
                report.note("small shapes (--shape small): the speed figures are not Maya1's");
            }
            for (String st : steps) {
                switch (st) {
                    case "parity" -> parity(dev, golden);
                    case "decode-bf16" -> decodeThroughput(dev, "bf16");
                    case "decode-q8_0" -> decodeThroughput(dev, "q8_0");
                    case "ttfa-streams" -> ttfaAndStreams(dev);
                    case "snac-speed" -> snacSpeed(dev);
                    default -> throw new IllegalStateException(st);
                }
            }
        } catch (RuntimeException | IOException e) {
            report.note("error: " + e);
            report.finish("error");
            System.out.println("ERROR: " + e);
            e.printStackTrace(System.out);
            System.exit(3);
        }
        report.finish(report.failed() ? "fail" : "pass");
        System.out.println(report.failed() ? "RESULT: CHECK FAILURES (see above)" : "RESULT: all checks passed");
        System.exit(report.failed() ? 1 : 0);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("GpuHarness: " + problem);
        System.err.println("usage: GpuHarness [--golden DIR] [--step " + String.join(",", STEPS) + "] [--shape maya1|small] [--json FILE] [--quick]");
        System.exit(64);
    }

    static void parity(CudaDevice dev, Path golden) throws IOException {
        if (!Files.isDirectory(golden.resolve("snac")) || !Files.isDirectory(golden.resolve("llama"))) {
            throw new IOException("golden data not found at " + golden.toAbsolutePath() + " (needs snac/ and llama/; pass --golden DIR)");
        }
        snacParity(dev, golden.resolve("snac"));
        llamaParity(dev, golden.resolve("llama"));
    }

    static float[] f32(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        float[] out = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    static float maxDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Float.POSITIVE_INFINITY;
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static float[] flat(float[][] x) {
        return Arrays.stream(x).reduce(new float[0], (p, q) -> {
            float[] r = Arrays.copyOf(p, p.length + q.length);
            System.arraycopy(q, 0, r, p.length, q.length);
            return r;
        });
    }

    static void snacParity(CudaDevice dev, Path dir) throws IOException {
        System.out.println("## SNAC parity (golden reduced model, float32)");
        JsonNode cases = new ObjectMapper().readTree(Files.readString(dir.resolve("codes.json"))).get("cases");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("weights_reduced.safetensors"));
             CudaSnacVocoder v = CudaSnacVocoder.load(dev, f, CudaSnacConfig.load(dir.resolve("config_reduced.json")))) {
            System.out.println("  kernels: " + v.kernelImage());
            for (String name : List.of("case1", "case2", "case3", "case4_batch2")) {
                SnacCodes c = codes(cases.get(name).get("codes"));
                report.check("SNAC offline " + name, maxDiff(f32(dir.resolve(name + "_audio.f32")), flat(v.decode(c, NoiseMode.zero()))), 1e-4);
            }
            float[][][] noise = new float[4][1][];
            try (SafetensorsFile n = SafetensorsFile.open(dir.resolve("case2_noise_inputs.safetensors"))) {
                for (int k = 0; k < 4; k++) {
                    noise[k][0] = n.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
                }
            }
            SnacCodes c2 = codes(cases.get("case2").get("codes"));
            report.check("SNAC noise case (explicit noise)", maxDiff(f32(dir.resolve("case2_noise_audio.f32")), flat(v.decodeWithNoise(c2, noise))), 1e-4);
            SnacCodes c3 = codes(cases.get("case3").get("codes"));
            float[] offline = flat(v.decode(c3, NoiseMode.zero()));
            List<float[]> parts = new ArrayList<>();
            try (VocoderStream s = v.openStream(NoiseMode.zero())) {
                for (int i = 0; i < c3.frames(); i++) {
                    parts.add(s.push(c3.frame(0, i)));
                }
                parts.add(s.flush());
            }
            report.check("SNAC exact streaming == offline (case3, frame by frame)", maxDiff(offline, flat(parts.toArray(new float[0][]))), 1e-6);
        }
    }

    static SnacCodes codes(JsonNode c) {
        int[][][] lv = new int[3][][];
        for (int l = 0; l < 3; l++) {
            lv[l] = new int[c.get(l).size()][];
            for (int b = 0; b < lv[l].length; b++) {
                JsonNode row = c.get(l).get(b);
                lv[l][b] = new int[row.size()];
                for (int t = 0; t < row.size(); t++) {
                    lv[l][b][t] = row.get(t).asInt();
                }
            }
        }
        return new SnacCodes(lv[0], lv[1], lv[2]);
    }

    static void llamaParity(CudaDevice dev, Path dir) throws IOException {
        System.out.println("## Llama parity (golden tiny model" + (quick ? ", --quick: first case only" : "") + ")");
        JsonNode cases = new ObjectMapper().readTree(Files.readString(dir.resolve("cases.json"))).get("cases");
        CudaLlamaConfig cfg = CudaLlamaConfig.load(dir.resolve("config.json"));
        String[][] variants = {{"f32", "as-stored", "false", "false", "1e-4"}, {"bf16", "as-stored", "false", "false", "1e-4"},
                {"bf16", "as-stored", "true", "false", "5e-2"}, {"bf16", "as-stored", "false", "true", "5e-2"}, {"f32", "q8_0", "true", "false", "2.5e-1"}};
        for (String[] vr : variants) {
            String kind = vr[0];
            System.setProperty("maya1.cuda.tensorCores", vr[2]);
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(kind.equals("f32") ? "model.safetensors" : "model-bf16.safetensors"));
                 CudaLlamaModel m = CudaLlamaModel.load(dev, f, cfg, vr[1], 64, 0, Boolean.parseBoolean(vr[3]))) {
                double tol = Double.parseDouble(vr[4]);
                String label = kind + " weights, format " + vr[1] + ", tensorCores " + vr[2] + ", kvBf16 " + vr[3];
                float worst = 0, worstStep = 0;
                boolean tokensOk = true;
                for (JsonNode c : quick ? List.of(cases.get(0)) : (Iterable<JsonNode>) cases) {
                    String name = c.get("name").asText();
                    int[] prompt = ints(c.get("prompt_ids"));
                    float[] all = f32(dir.resolve(name + "_" + kind + "_all_position_logits.f32"));
                    float[][] got = m.allPositionLogits(prompt);
                    worst = Math.max(worst, maxDiff(all, flat(got)));
                    float[][] step = new float[16][cfg.vocabSize()];
                    int[] tokens = m.greedy(prompt, 16, step);
                    tokensOk &= Arrays.equals(tokens, ints(c.get("expected").get(kind).get("greedy_continuation")));
                    worstStep = Math.max(worstStep, maxDiff(f32(dir.resolve(name + "_" + kind + "_greedy_step_logits.f32")), flat(step)));
                }
                report.check(label + ": prefill logits", worst, tol);
                report.check(label + ": greedy-step logits", worstStep, tol);
                if (!vr[1].equals("q8_0")) {
                    report.check(label + ": greedy tokens identical", tokensOk);
                } else {
                    report.info(label + ": greedy tokens identical", tokensOk);
                }
            } finally {
                System.clearProperty("maya1.cuda.tensorCores");
            }
        }
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    static CudaLlamaConfig lmConfig() throws IOException {
        return CudaLlamaConfig.parse(new ObjectMapper().readTree(small ? SMALL_LLAMA_CONFIG : MAYA1_CONFIG), null);
    }

    static CudaSnacConfig snacConfig() throws IOException {
        return CudaSnacConfig.parse(new ObjectMapper().readTree(small ? SMALL_SNAC_CONFIG : SNAC24_CONFIG), null);
    }

    static String shapeName() {
        return small ? "small (NOT Maya1)" : "Maya1 3.3 B";
    }

    /** A prompt of {@code n} ids ending with Maya1's start-of-speech token. */
    static int[] prompt(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + (i * 37) % 5000;
        }
        ids[n - 1] = 128257;
        return ids;
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static void decodeThroughput(CudaDevice dev, String format) throws IOException {
        System.out.println("## Decode at batch 1 and prefill, random weights with " + shapeName() + " shapes, format " + format);
        CudaLlamaConfig cfg = lmConfig();
        long t0 = System.nanoTime();
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 1); CudaLlamaModel m = CudaLlamaModel.load(dev, src, cfg, format, small ? 256 : 2048, 0, true)) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  load (random weights made on the host) %.1f s%n", loadSeconds);
            report.figure(format + ".loadSeconds", loadSeconds, "s");
            int promptLength = 100;
            int steps = small ? 8 : quick ? 32 : 256;
            double ns = m.timeDecodeSteps(promptLength, steps);
            // bytes per step: layer weights + KV read at the mean position; the full step adds the constrained head rows
            double kvBytes = 2.0 * cfg.layers() * cfg.kvHeads() * cfg.headDim() * 2 * (promptLength + steps / 2.0);
            double headBytes = 4097.0 * cfg.hiddenSize() * (format.equals("q8_0") ? 34.0 / 32 : 2);
            double bytes = m.weightBytesPerToken() + kvBytes;
            double peak = dev.info().peakMemoryBandwidth();
            System.out.printf(Locale.ROOT, "  layers-only step: %.3f ms = %.1f tokens/s; weights+KV %.3f GB/token -> %.0f GB/s achieved (%.0f%% of peak)%n",
                    ns / 1e6, 1e9 / ns, bytes / 1e9, bytes / ns, 100 * bytes / ns / (peak / 1e9));
            report.figure(format + ".layersOnly.msPerToken", ns / 1e6, "ms");
            report.figure(format + ".layersOnly.tokensPerSecond", 1e9 / ns, "tokens/s");
            report.figure(format + ".layersOnly.achievedGBps", bytes / ns, "GB/s");
            report.figure(format + ".layersOnly.fractionOfHbmRoofline", bytes / ns / (peak / 1e9), "fraction");

            m.generate(prompt(promptLength), new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 7, 14, 10_000, true, Long.MAX_VALUE), (f, i) -> true);
            GenerationResult r = m.generate(prompt(promptLength), new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, steps, 10_000, true, Long.MAX_VALUE),
                    (f, i) -> true);
            double tps = r.decodeTokensPerSecond();
            double roofline = peak / (bytes + headBytes);
            System.out.printf(Locale.ROOT, "  full decode (constrained head + GPU sampling + id read-back): %.1f tokens/s = %.0f%% of the HBM roofline %.1f tokens/s "
                    + "(%.3f GB/token; %s, %d tokens)%n", tps, 100 * tps / roofline, roofline, (bytes + headBytes) / 1e9, r.finishReason(), r.generatedTokens());
            report.check(format + " decode of " + steps + " tokens ends by MAX_TOKENS", r.finishReason() == FinishReason.MAX_TOKENS);
            report.figure(format + ".decode.tokensPerSecond", tps, "tokens/s");
            report.figure(format + ".decode.bytesPerToken", bytes + headBytes, "bytes");
            report.figure(format + ".decode.hbmRooflineTokensPerSecond", roofline, "tokens/s");
            report.figure(format + ".decode.fractionOfHbmRoofline", tps / roofline, "fraction");
            report.figure(format + ".decode.realTimeFactor", tps / REAL_TIME_TOKENS_PER_SECOND, "x real time (82 tokens/s)");

            int reps = small ? 1 : quick ? 2 : 7;
            double[] prefill = new double[reps];
            int prefillTokens = small ? SMALL_PREFILL_TOKENS : PREFILL_TOKENS;
            int[] p170 = prompt(prefillTokens);
            GenerationOptions one = new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 3, 1, 0, true, Long.MAX_VALUE);
            m.generate(p170, one, (f, i) -> true); // warm-up
            for (int i = 0; i < reps; i++) {
                prefill[i] = m.generate(p170, one, (f, k) -> true).prefillNanos() / 1e6;
            }
            double pm = median(prefill);
            System.out.printf(Locale.ROOT, "  prefill of %d tokens (incl. the first constrained head + sample): median %.2f ms over %d = %.0f tokens/s%n",
                    prefillTokens, pm, reps, prefillTokens / (pm / 1e3));
            report.figure(format + ".prefill" + prefillTokens + ".msMedian", pm, "ms");
            report.figure(format + ".prefill" + prefillTokens + ".tokensPerSecond", prefillTokens / (pm / 1e3), "tokens/s");
        }
    }

    /** Bytes of the LM weights on the device in BF16 (for the stream budget). */
    static long bf16WeightBytes(CudaLlamaConfig c) {
        long d = c.hiddenSize();
        long perLayer = d * (long) c.heads() * c.headDim() * 2 + 2 * d * (long) c.kvHeads() * c.headDim() + 3 * d * c.intermediateSize();
        return 2 * ((long) c.vocabSize() * d + c.layers() * perLayer);
    }

    static void ttfaAndStreams(CudaDevice dev) throws IOException {
        System.out.println("## Time to first audio (exact streaming SNAC), random " + shapeName() + " LM (BF16, KV BF16) + random SNAC 24 kHz");
        CudaLlamaConfig cfg = lmConfig();
        CudaSnacConfig scfg = snacConfig();
        int context = small ? 256 : 1024;
        long perSession = 2L * cfg.layers() * cfg.kvHeads() * context * cfg.headDim() * 2;
        long free = dev.memoryInfo()[0];
        // KV caches for up to 64 streams, leaving the weights, each session's scratch (~ half a KV cache) and 4 GiB spare
        long room = free - bf16WeightBytes(cfg) - (4L << 30);
        int maxStreams = (int) Math.max(1, Math.min(small ? 2 : quick ? 4 : 64, room / (perSession * 3 / 2)));
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 1); RandomSnacSource ss = new RandomSnacSource(scfg, 2);
             CudaLlamaModel m = CudaLlamaModel.load(dev, src, cfg, "as-stored", context, perSession * maxStreams, true);
             CudaSnacVocoder voc = CudaSnacVocoder.load(dev, ss, scfg)) {
            int promptTokens = small ? SMALL_PREFILL_TOKENS : PREFILL_TOKENS;
            int[] p = prompt(promptTokens);
            int runs = small ? 2 : quick ? 5 : TTFA_REQUESTS;
            double[] ttfa = new double[runs];
            double[] prefill = new double[runs];
            for (int i = small ? 0 : -2; i < runs; i++) { // two warm-up requests first (none with the small shapes)
                long start = System.nanoTime();
                AtomicLong first = new AtomicLong();
                GenerationResult r;
                try (VocoderStream s = voc.openStream(NoiseMode.seeded(i))) {
                    r = m.generate(p, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, i, 400, 10_000, true, Long.MAX_VALUE), (f, idx) -> {
                        float[] pcm = s.push(f);
                        if (pcm.length > 0) {
                            first.set(System.nanoTime());
                            return false; // first PCM delivered
                        }
                        return true;
                    });
                }
                if (first.get() == 0) {
                    throw new IllegalStateException("request " + i + " delivered no audio: " + r.finishReason() + " " + r.error());
                }
                if (i >= 0) {
                    ttfa[i] = (first.get() - start) / 1e6;
                    prefill[i] = r.prefillNanos() / 1e6;
                }
            }
            Arrays.sort(ttfa);
            int framesNeeded = (voc.lookaheadSamples() + SnacFrame.SAMPLES_PER_FRAME) / SnacFrame.SAMPLES_PER_FRAME;
            System.out.printf(Locale.ROOT, "  TTFA over %d requests (%d-token prompt): p50 %.1f ms, p95 %.1f ms, max %.1f ms; prefill p50 %.1f ms; "
                    + "first PCM needs %d frames = %d tokens (lookahead %d samples)%n", runs, promptTokens, percentile(ttfa, 0.5), percentile(ttfa, 0.95),
                    ttfa[runs - 1], median(prefill), framesNeeded, framesNeeded * 7, voc.lookaheadSamples());
            report.figure("ttfa.requests", runs, "requests");
            report.figure("ttfa.promptTokens", promptTokens, "tokens");
            report.figure("ttfa.p50", percentile(ttfa, 0.5), "ms");
            report.figure("ttfa.p95", percentile(ttfa, 0.95), "ms");
            report.figure("ttfa.max", ttfa[runs - 1], "ms");
            report.figure("ttfa.prefillP50", median(prefill), "ms");

            int streamFrames = small ? 2 : quick ? 4 : 20;
            System.out.println("## Concurrent real-time streams (one CUDA session each, batch-1 decode per stream; "
                    + streamFrames + " frames of audio per stream)");
            report.note("concurrent streams run one CUDA session per stream (batch-1 decode each): the cross-request batched-decode scheduler is not written");
            int tokens = streamFrames * 7;
            int best = 0;
            for (int n = 1; n <= Math.min(maxStreams, m.sessions()); n *= 2) {
                double[] rtf = new double[n];
                String[] errors = new String[n];
                List<Thread> threads = new ArrayList<>();
                long wallStart = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    final int kk = k;
                    threads.add(Thread.ofPlatform().name("stream-" + k).start(() -> {
                        long st = System.nanoTime();
                        try (VocoderStream s = voc.openStream(NoiseMode.seeded(kk))) {
                            GenerationResult r = m.generate(p, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, kk, tokens, 10_000, true, Long.MAX_VALUE),
                                    (f, idx) -> {
                                        s.push(f);
                                        return true;
                                    });
                            s.flush();
                            double audio = r.frames() * (double) SnacFrame.SAMPLES_PER_FRAME / 24000.0;
                            if (r.finishReason() == FinishReason.ERROR) {
                                errors[kk] = String.valueOf(r.error());
                            }
                            rtf[kk] = r.finishReason() == FinishReason.ERROR ? 0 : audio / ((System.nanoTime() - st) / 1e9);
                        } catch (RuntimeException e) {
                            errors[kk] = e.toString();
                        }
                    }));
                }
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the streams", e);
                    }
                }
                double wall = (System.nanoTime() - wallStart) / 1e9;
                double min = Arrays.stream(rtf).min().orElse(0);
                String error = Arrays.stream(errors).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                System.out.printf(Locale.ROOT, "  %2d streams: slowest stream %.2fx real time %s; aggregate %.0f tokens/s%s%n", n, min,
                        min >= 1 ? "(real-time)" : "(NOT real-time)", n * tokens / wall, error == null ? "" : "; error: " + error);
                report.figure("streams." + n + ".slowestRealTimeFactor", min, "x real time");
                report.figure("streams." + n + ".aggregateTokensPerSecond", n * tokens / wall, "tokens/s");
                if (error != null) {
                    report.check(n + " concurrent streams run without error (" + error + ")", false);
                    break;
                }
                if (min < 1) {
                    if (small) {
                        continue; // the emulator is never real time: still run 2 concurrent streams, to prove the threads work
                    }
                    break;
                }
                best = n;
                report.figure("streams.maxRealTime", best, "streams");
            }
            report.figure("streams.maxRealTime", best, "streams");
            report.figure("streams.sessionsAvailable", m.sessions(), "sessions");
        }
    }

    static SnacCodes randomCodes(int batch, int frames, long seed) {
        java.util.Random r = new java.util.Random(seed);
        int[][][] lv = new int[3][batch][];
        for (int l = 0; l < 3; l++) {
            for (int b = 0; b < batch; b++) {
                lv[l][b] = r.ints((long) frames << l, 0, SnacFrame.CODEBOOK_SIZE).toArray();
            }
        }
        return new SnacCodes(lv[0], lv[1], lv[2]);
    }

    static void snacSpeed(CudaDevice dev) throws IOException {
        System.out.println("## SNAC decode speed, random " + (small ? "small (NOT snac_24khz)" : "snac_24khz") + " weights, seeded noise");
        CudaSnacConfig scfg = snacConfig();
        int frames = small ? 4 : quick ? 6 : 64;
        int reps = quick ? 1 : 5;
        try (RandomSnacSource ss = new RandomSnacSource(scfg, 2); CudaSnacVocoder voc = CudaSnacVocoder.load(dev, ss, scfg)) {
            for (int batch : new int[] {1, 8}) {
                SnacCodes c = randomCodes(batch, frames, batch);
                voc.decode(c, NoiseMode.seeded(1)); // warm-up
                double[] ms = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    voc.decode(c, NoiseMode.seeded(1));
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                double med = median(ms);
                double audio = batch * frames * (double) SnacFrame.SAMPLES_PER_FRAME / scfg.samplingRate();
                System.out.printf(Locale.ROOT, "  offline, batch %d x %d frames (%.2f s of audio): median %.2f ms = %.0fx real time%n", batch, frames, audio, med,
                        audio / (med / 1e3));
                report.figure("snac.offline.batch" + batch + ".ms", med, "ms");
                report.figure("snac.offline.batch" + batch + ".realTimeFactor", audio / (med / 1e3), "x real time");
            }
            SnacCodes c = randomCodes(1, frames, 9);
            double[] push = new double[frames];
            try (VocoderStream s = voc.openStream(NoiseMode.seeded(1))) {
                for (int f = 0; f < frames; f++) {
                    long t0 = System.nanoTime();
                    s.push(c.frame(0, f));
                    push[f] = (System.nanoTime() - t0) / 1e6;
                }
                s.flush();
            }
            double[] sorted = Arrays.copyOfRange(push, 1, push.length); // the first push includes the stream's setup
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "  streaming, one frame (85.3 ms of audio) per push: p50 %.2f ms, p95 %.2f ms per frame%n",
                    percentile(sorted, 0.5), percentile(sorted, 0.95));
            report.figure("snac.stream.pushMsP50", percentile(sorted, 0.5), "ms per frame");
            report.figure("snac.stream.pushMsP95", percentile(sorted, 0.95), "ms per frame");
        }
    }
}
