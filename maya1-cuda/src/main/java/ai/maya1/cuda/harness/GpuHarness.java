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
 * One-command GPU verification and benchmark of the CUDA backend (see tools/cuda/gpu-harness.sh):
 * golden SNAC and Llama parity, decode tokens/s against the HBM roofline on a random-weight model with the real
 * Maya1 3.3 B shapes (BF16 and Q8_0), time to first audio (p50/p95, exact streaming) and concurrent real-time
 * streams. Prints a report; exit code 1 when a parity check fails, 2 when no GPU is available.
 *
 * <pre>java ai.maya1.cuda.harness.GpuHarness [--golden DIR] [--quick]</pre>
 */
public final class GpuHarness {
    static final String MAYA1_CONFIG = """
            {"hidden_size":3072,"intermediate_size":8192,"num_hidden_layers":28,"num_attention_heads":24,"num_key_value_heads":8,
             "head_dim":128,"vocab_size":156960,"rms_norm_eps":1e-5,"rope_theta":500000.0,"tie_word_embeddings":true,
             "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}""";
    static final String SNAC24_CONFIG = """
            {"sampling_rate":24000,"encoder_dim":48,"encoder_rates":[2,4,8,8],"decoder_dim":1024,"decoder_rates":[8,8,4,2],
             "attn_window_size":null,"codebook_size":4096,"codebook_dim":8,"vq_strides":[4,2,1],"noise":true,"depthwise":true}""";

    private static boolean failed;

    private GpuHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path golden = Path.of("testdata/golden");
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--golden")) {
                golden = Path.of(args[++i]);
            } else if (args[i].equals("--quick")) {
                quick = true;
            }
        }
        var a = Cuda.availability();
        System.out.println("# maya1-cuda GPU harness");
        System.out.println("availability: " + a.reason());
        if (!a.available()) {
            System.out.println("NOTHING MEASURED: no usable GPU");
            System.exit(2);
        }
        try (CudaDevice dev = Cuda.openDevice()) {
            System.out.printf(Locale.ROOT, "device: %s; peak DRAM bandwidth from attributes: %.0f GB/s%n", dev.info(), dev.info().peakMemoryBandwidth() / 1e9);
            if (Files.isDirectory(golden)) {
                snacParity(dev, golden.resolve("snac"));
                llamaParity(dev, golden.resolve("llama"));
            } else {
                System.out.println("golden data not found at " + golden.toAbsolutePath() + ": parity skipped");
            }
            decodeThroughput(dev, "bf16", quick);
            if (!quick) {
                decodeThroughput(dev, "q8_0", false);
            }
            ttfaAndStreams(dev, quick);
        }
        System.out.println(failed ? "RESULT: PARITY FAILURES (see above)" : "RESULT: all parity checks passed");
        System.exit(failed ? 1 : 0);
    }

    static void check(String what, double err, double tol) {
        boolean ok = err <= tol;
        failed |= !ok;
        System.out.printf(Locale.ROOT, "  %-58s max|err| %.3e  (tol %.0e)  %s%n", what, err, tol, ok ? "PASS" : "FAIL");
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
                check("offline " + name, maxDiff(f32(dir.resolve(name + "_audio.f32")), flat(v.decode(c, NoiseMode.zero()))), 1e-4);
            }
            float[][][] noise = new float[4][1][];
            try (SafetensorsFile n = SafetensorsFile.open(dir.resolve("case2_noise_inputs.safetensors"))) {
                for (int k = 0; k < 4; k++) {
                    noise[k][0] = n.get("decoder.model." + (k + 2) + ".block.2.noise").toFloatArray();
                }
            }
            SnacCodes c2 = codes(cases.get("case2").get("codes"));
            check("noise case (explicit noise)", maxDiff(f32(dir.resolve("case2_noise_audio.f32")), flat(v.decodeWithNoise(c2, noise))), 1e-4);
            SnacCodes c3 = codes(cases.get("case3").get("codes"));
            float[] offline = flat(v.decode(c3, NoiseMode.zero()));
            List<float[]> parts = new ArrayList<>();
            try (VocoderStream s = v.openStream(NoiseMode.zero())) {
                for (int i = 0; i < c3.frames(); i++) {
                    parts.add(s.push(c3.frame(0, i)));
                }
                parts.add(s.flush());
            }
            check("exact streaming == offline (case3, frame by frame)", maxDiff(offline, flat(parts.toArray(new float[0][]))), 1e-6);
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
        System.out.println("## Llama parity (golden tiny model)");
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
                for (JsonNode c : cases) {
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
                check(label + ": prefill logits", worst, tol);
                check(label + ": greedy-step logits", worstStep, tol);
                if (!vr[1].equals("q8_0")) {
                    failed |= !tokensOk;
                    System.out.println("  " + label + ": greedy tokens " + (tokensOk ? "identical PASS" : "DIFFER FAIL"));
                } else {
                    System.out.println("  " + label + ": greedy tokens " + (tokensOk ? "identical" : "differ (informational for Q8_0)"));
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

    static CudaLlamaConfig maya1Config() throws IOException {
        return CudaLlamaConfig.parse(new ObjectMapper().readTree(MAYA1_CONFIG), null);
    }

    static void decodeThroughput(CudaDevice dev, String format, boolean quick) throws IOException {
        System.out.println("## Decode throughput, batch 1, random weights with Maya1 3.3 B shapes, format " + format);
        CudaLlamaConfig cfg = maya1Config();
        long t0 = System.nanoTime();
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 1); CudaLlamaModel m = CudaLlamaModel.load(dev, src, cfg, format, 2048, 0, true)) {
            System.out.printf(Locale.ROOT, "  load %.1f s%n", (System.nanoTime() - t0) / 1e9);
            int prompt = 100;
            int steps = quick ? 64 : 256;
            double ns = m.timeDecodeSteps(prompt, steps);
            // bytes per step: layer weights + the constrained head rows (4097 x hidden) + KV read at the mean position
            double kvBytes = 2.0 * cfg.layers() * cfg.kvHeads() * cfg.headDim() * 2 * (prompt + steps / 2.0);
            double headBytes = 4097.0 * cfg.hiddenSize() * (format.equals("q8_0") ? 34.0 / 32 : 2);
            double bytes = m.weightBytesPerToken() + kvBytes;
            double roofline = dev.info().peakMemoryBandwidth() / (bytes + headBytes);
            System.out.printf(Locale.ROOT, "  layers-only step: %.3f ms = %.1f tokens/s; weights+KV %.2f GB/token -> %.0f GB/s achieved (%.0f%% of peak)%n",
                    ns / 1e6, 1e9 / ns, bytes / 1e9, bytes / ns, 100 * bytes / ns / (dev.info().peakMemoryBandwidth() / 1e9));
            int[] ids = new int[prompt];
            Arrays.fill(ids, 1000);
            ids[prompt - 1] = 128257;
            GenerationResult r = m.generate(ids, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, 1, steps, 10_000, true, Long.MAX_VALUE), (f, i) -> true);
            double tps = r.decodeTokensPerSecond();
            System.out.printf(Locale.ROOT, "  full decode (constrained head + GPU sampling + id read-back): %.1f tokens/s = %.0f%% of the HBM roofline %.1f tokens/s (%s)%n",
                    tps, 100 * tps / roofline, roofline, r.finishReason());
            System.out.printf(Locale.ROOT, "  prefill of %d tokens: %.2f ms%n", prompt, r.prefillNanos() / 1e6);
        }
    }

    static void ttfaAndStreams(CudaDevice dev, boolean quick) throws IOException {
        System.out.println("## Time to first audio (exact streaming), random Maya1-shaped LM (BF16, KV BF16) + random 24 kHz SNAC");
        CudaLlamaConfig cfg = maya1Config();
        CudaSnacConfig scfg = CudaSnacConfig.parse(new ObjectMapper().readTree(SNAC24_CONFIG), null);
        int maxStreams = quick ? 4 : 16;
        long perSession = 2L * cfg.layers() * cfg.kvHeads() * 1024L * cfg.headDim() * 2;
        try (RandomLlamaSource src = new RandomLlamaSource(cfg, 1); RandomSnacSource ss = new RandomSnacSource(scfg, 2);
             CudaLlamaModel m = CudaLlamaModel.load(dev, src, cfg, "as-stored", 1024, perSession * maxStreams, true);
             CudaSnacVocoder voc = CudaSnacVocoder.load(dev, ss, scfg)) {
            int[] prompt = new int[80];
            Arrays.fill(prompt, 1000);
            prompt[79] = 128257;
            int runs = quick ? 8 : 30;
            double[] ttfa = new double[runs];
            for (int i = -2; i < runs; i++) { // two warm-up runs
                long start = System.nanoTime();
                AtomicLong first = new AtomicLong();
                try (VocoderStream s = voc.openStream(NoiseMode.seeded(i))) {
                    m.generate(prompt, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, i, 400, 10_000, true, Long.MAX_VALUE), (f, idx) -> {
                        float[] pcm = s.push(f);
                        if (pcm.length > 0) {
                            first.set(System.nanoTime());
                            return false; // first PCM delivered
                        }
                        return true;
                    });
                }
                if (i >= 0) {
                    ttfa[i] = (first.get() - start) / 1e6;
                }
            }
            Arrays.sort(ttfa);
            System.out.printf(Locale.ROOT, "  TTFA over %d runs: p50 %.1f ms, p95 %.1f ms (lookahead %d samples: first PCM needs 3 frames = 21 tokens)%n",
                    runs, ttfa[runs / 2], ttfa[(int) Math.ceil(runs * 0.95) - 1], voc.lookaheadSamples());
            System.out.println("## Concurrent real-time streams (one CUDA session each; 20 frames = 1.71 s of audio per stream)");
            for (int n = 1; n <= Math.min(maxStreams, m.sessions()); n *= 2) {
                double[] rtf = new double[n];
                List<Thread> threads = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    final int kk = k;
                    threads.add(Thread.ofPlatform().name("stream-" + k).start(() -> {
                        long st = System.nanoTime();
                        try (VocoderStream s = voc.openStream(NoiseMode.seeded(kk))) {
                            GenerationResult r = m.generate(prompt, new GenerationOptions(SamplingParams.MAYA1_DEFAULTS, kk, 140, 10_000, true, Long.MAX_VALUE),
                                    (f, idx) -> {
                                        s.push(f);
                                        return true;
                                    });
                            s.flush();
                            double audio = r.frames() * 2048 / 24000.0;
                            rtf[kk] = r.finishReason() == FinishReason.ERROR ? 0 : audio / ((System.nanoTime() - st) / 1e9);
                        }
                    }));
                }
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                double min = Arrays.stream(rtf).min().orElse(0);
                System.out.printf(Locale.ROOT, "  %2d streams: slowest stream %.2fx real time %s%n", n, min, min >= 1 ? "(real-time)" : "(NOT real-time)");
            }
        }
    }
}
