package ai.maya1.onnx.export;

import ai.maya1.onnx.export.OnnxModel.Attr;
import ai.maya1.onnx.export.OnnxModel.ElemType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the SNAC decoder (codes to waveform) as an ONNX graph built directly from the checkpoint: weight norm
 * is folded into plain convolution weights, Snake becomes {@code x + inv_alpha * sin(alpha*x)^2}, the quantizer
 * side is a Gather + MatMul per level with an in-place repeat.
 *
 * <p>Offline graph ({@code maya1.kind = snac-decoder}): inputs {@code codes_0 [B,T]}, {@code codes_1 [B,2T]},
 * {@code codes_2 [B,4T]} (int64), and with noise {@code noise_0..3 [B,1,L_k]} (the NoiseBlock draws, zeros for a
 * deterministic decode); output {@code audio [B,1,2048T]}.
 *
 * <p>Streaming graph ({@code maya1.kind = snac-decoder-streaming}): the same plus {@code frame_offset} and
 * {@code total_frames} (int64 scalars) and one {@code state_in_k}/{@code state_out_k} pair per padded layer. Each
 * convolution keeps the last {@code dilation*(kernel-1)} inputs of its layer as context and runs unpadded, the
 * transposed convolutions keep one input step, and every padded layer's input is multiplied by a mask that is
 * zero outside {@code [0, length)} of that layer's time axis, which reproduces the offline zero padding at both
 * ends exactly. A call with F frames returns 2048F samples covering output positions
 * {@code [2048*frame_offset - lookahead, ...)}: the caller drops negative positions and, after a flush call with
 * {@code total_frames} set, positions past the end.
 */
public final class SnacOnnxExporter {

    /**
     * Export options.
     *
     * @param fp16               store weights as float16 (cast to float32 in the graph)
     * @param streaming          the stateful streaming graph
     * @param noiseInputs        NoiseBlock noise inputs (else the deterministic decoder)
     * @param externalData       where initializers go
     * @param communitySignature name inputs/outputs as {@code onnx-community/snac_24khz-ONNX} does name inputs/outputs as {@code onnx-community/snac_24khz-ONNX} does
     *                           ({@code audio_codes.0..2} to {@code audio_values}, no noise inputs); offline only
     */
    public record Options(boolean fp16, boolean streaming, boolean noiseInputs, OnnxModel.ExternalData externalData,
                          boolean communitySignature) {
        public Options {
            if (communitySignature && (streaming || noiseInputs)) {
                throw new IllegalArgumentException("the community signature has no streaming state and no noise inputs");
            }
        }

        public Options(boolean fp16, boolean streaming, boolean noiseInputs, OnnxModel.ExternalData externalData) {
            this(fp16, streaming, noiseInputs, externalData, false);
        }

        public static Options defaults() {
            return new Options(false, false, true, OnnxModel.ExternalData.AUTO, false);
        }

        public Options withFp16(boolean v) {
            return new Options(v, streaming, noiseInputs, externalData, communitySignature);
        }

        public Options withStreaming(boolean v) {
            return new Options(fp16, v, noiseInputs, externalData, communitySignature);
        }

        public Options withNoiseInputs(boolean v) {
            return new Options(fp16, streaming, v, externalData, communitySignature);
        }

        public Options withExternalData(OnnxModel.ExternalData v) {
            return new Options(fp16, streaming, noiseInputs, v, communitySignature);
        }

        /** The community export's signature (implies no noise inputs, offline). */
        public Options asCommunitySignature() {
            return new Options(fp16, false, false, externalData, true);
        }
    }

    /** What was written. */
    public record Result(List<Path> files, SnacGraphConfig config, int stateTensors, long parameters) {
    }

    private final SnacGraphConfig cfg;
    private final TensorSource weights;
    private final Options opt;
    private final OnnxModel g;
    private long parameters;
    // streaming bookkeeping
    private final List<String> stateOutputs = new ArrayList<>();
    private final List<long[]> stateShapes = new ArrayList<>();
    private String start;   // int64 scalar: absolute start position of the current time axis
    private String end;     // int64 scalar: length of the current time axis
    private String zeroI64;
    private String oneI64;

    private SnacOnnxExporter(SnacGraphConfig cfg, TensorSource weights, Options opt) {
        this.cfg = cfg;
        this.weights = weights;
        this.opt = opt;
        this.g = new OnnxModel(opt.streaming ? "snac_decoder_streaming" : "snac_decoder");
    }

    /**
     * Exports from a folder holding {@code config.json} and the weights ({@code model.safetensors} or the
     * published {@code pytorch_model.bin}, read with {@link TensorSources}).
     */
    public static Result export(Path snacDir, Path out, Options opt) throws IOException {
        if (!Files.isRegularFile(snacDir.resolve("config.json"))) {
            throw new ModelFormatException(snacDir, "no config.json in the SNAC folder");
        }
        return export(snacDir.resolve("config.json"), snacDir, out, opt);
    }

    /** Exports from a config and a weights file or folder (any format {@link TensorSources} reads). */
    public static Result export(Path configJson, Path weights, Path out, Options opt) throws IOException {
        SnacGraphConfig cfg = SnacGraphConfig.load(configJson);
        try (TensorSource st = TensorSources.open(weights)) {
            return export(cfg, st, out, opt);
        }
    }

    public static Result export(SnacGraphConfig cfg, TensorSource weights, Path out, Options opt) throws IOException {
        SnacOnnxExporter e = new SnacOnnxExporter(cfg, weights, opt);
        e.build();
        List<Path> files = e.g.write(out, opt.externalData);
        return new Result(files, cfg, e.stateOutputs.size(), e.parameters);
    }

    /** Builds the graph in memory (tests and the benchmark use it without a file). */
    public static OnnxModel build(SnacGraphConfig cfg, TensorSource weights, Options opt) {
        SnacOnnxExporter e = new SnacOnnxExporter(cfg, weights, opt);
        e.build();
        return e.g;
    }

    private void build() {
        int levels = cfg.vqStrides().length;
        int maxStride = cfg.latentPerFrame();
        g.metadata("maya1.kind", opt.streaming ? "snac-decoder-streaming" : "snac-decoder");
        g.metadata("maya1.sampling_rate", Integer.toString(cfg.samplingRate()));
        g.metadata("maya1.samples_per_frame", Integer.toString(cfg.samplesPerFrame()));
        g.metadata("maya1.lookahead_samples", Integer.toString(cfg.lookaheadSamples()));
        g.metadata("maya1.noise_inputs", Boolean.toString(opt.noiseInputs && cfg.noise()));
        g.metadata("maya1.fp16_weights", Boolean.toString(opt.fp16));
        g.metadata("maya1.levels", Integer.toString(levels));
        g.metadata("maya1.latent_per_frame", Integer.toString(maxStride));
        g.metadata("maya1.decoder_rates", java.util.Arrays.stream(cfg.decoderRates()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(",")));

        String[] codes = new String[levels];
        for (int i = 0; i < levels; i++) {
            int mult = maxStride / cfg.vqStrides()[i];
            codes[i] = g.input((opt.communitySignature ? "audio_codes." : "codes_") + i, ElemType.INT64, "batch", mult == 1 ? "frames" : "frames_x" + mult);
        }
        int blocks = cfg.decoderRates().length;
        String[] noise = new String[blocks];
        if (opt.noiseInputs && cfg.noise()) {
            for (int k = 0; k < blocks; k++) {
                noise[k] = g.input("noise_" + k, ElemType.FLOAT, "batch", 1L, "noise_len_" + k);
            }
        }
        if (opt.streaming) {
            String frameOffset = g.input("frame_offset", ElemType.INT64);
            String totalFrames = g.input("total_frames", ElemType.INT64);
            zeroI64 = g.scalarI64("zero", 0);
            oneI64 = g.scalarI64("one", 1);
            String perFrame = g.scalarI64("latent_per_frame", maxStride);
            start = g.op("Mul", frameOffset, perFrame);
            end = g.op("Mul", totalFrames, perFrame);
        }

        // quantizer side: [B, T_i] -> [B, T_i*s_i, latent] per level, summed left to right
        String z = null;
        for (int i = 0; i < levels; i++) {
            String p = "quantizer.quantizers." + i;
            float[] cb = tensor(p + ".codebook.weight", cfg.codebookSize(), cfg.codebookDim());
            float[] w = convWeight(p + ".out_proj", new long[] {cfg.latentDim(), cfg.codebookDim(), 1}, false);
            float[] b = tensor(p + ".out_proj.bias", cfg.latentDim());
            float[] wt = transpose(w, cfg.latentDim(), cfg.codebookDim()); // [8, latent]
            String e = g.op("Gather", weight(p + ".codebook", new long[] {cfg.codebookSize(), cfg.codebookDim()}, cb), codes[i]);
            String proj = g.op("Add", g.op("MatMul", e, weight(p + ".out_proj.wt", new long[] {cfg.codebookDim(), cfg.latentDim()}, wt)),
                    weight(p + ".out_proj.b", new long[] {cfg.latentDim()}, b));
            int s = cfg.vqStrides()[i];
            String rep = proj;
            if (s > 1) {
                String u = g.op("Unsqueeze", proj, g.constI64("axis2", 2));
                String ex = g.op("Expand", u, g.constI64("rep", 1, 1, s, 1));
                rep = g.op("Reshape", ex, g.constI64("shape", 0, -1, cfg.latentDim()));
            }
            z = z == null ? rep : g.op("Add", z, rep);
        }
        String x = g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 1)), z); // [B, latent, L]

        // decoder.model.0: depthwise conv k7, decoder.model.1: pointwise
        x = conv("decoder.model.0", x, cfg.latentDim(), cfg.latentDim(), 7, 1, cfg.latentDim(), true);
        x = conv("decoder.model.1", x, cfg.latentDim(), cfg.decoderDim(), 1, 1, 1, true);
        int ch = cfg.decoderDim();
        for (int k = 0; k < blocks; k++) {
            int r = cfg.decoderRates()[k];
            int co = ch / 2;
            String p = "decoder.model." + (k + 2) + ".block.";
            x = transposedBlock(p, x, ch, co, r);
            if (cfg.noise()) {
                if (noise[k] != null) {
                    float[] lw = convWeight(p + "2.linear", new long[] {co, co, 1}, false);
                    String h = g.opA("Conv", List.of(Attr.ints("kernel_shape", 1)), x, weight(p + "2.linear.w", new long[] {co, co, 1}, lw));
                    x = g.op("Add", x, g.op("Mul", noise[k], h));
                }
                for (int u = 0; u < 3; u++) {
                    x = residualUnit(p + (3 + u) + ".block.", x, co, (int) Math.pow(3, u));
                }
            } else {
                for (int u = 0; u < 3; u++) {
                    x = residualUnit(p + (2 + u) + ".block.", x, co, (int) Math.pow(3, u));
                }
            }
            ch = co;
        }
        int last = 2 + blocks;
        x = masked(x);
        String snakeIn = x;
        if (opt.streaming) {
            snakeIn = stateConcat(x, ch, 6);
        }
        x = snake("decoder.model." + last, snakeIn, ch);
        x = convRaw("decoder.model." + (last + 1), x, ch, 1, 7, 1, 1, opt.streaming ? 0 : 3);
        x = g.op("Tanh", x);
        g.output(x, opt.communitySignature ? "audio_values" : "audio", ElemType.FLOAT, "batch", 1L, "samples");
        for (int i = 0; i < stateOutputs.size(); i++) {
            long[] sh = stateShapes.get(i);
            g.output(stateOutputs.get(i), "state_out_" + i, ElemType.FLOAT, "batch", sh[0], sh[1]);
        }
        g.metadata("maya1.state_tensors", Integer.toString(stateOutputs.size()));
    }

    // ---- layers ----

    /** A conv layer with (for padded kernels) masking and streaming context. */
    private String conv(String prefix, String x, int cin, int cout, int k, int dil, int groups, boolean bias) {
        int ctx = dil * (k - 1);
        if (ctx == 0) {
            return convRaw(prefix, x, cin, cout, k, dil, groups, 0);
        }
        x = masked(x);
        if (opt.streaming) {
            x = stateConcat(x, cin, ctx);
            String y = convRaw(prefix, x, cin, cout, k, dil, groups, 0);
            shift(-ctx / 2);
            return y;
        }
        return convRaw(prefix, x, cin, cout, k, dil, groups, ctx / 2);
    }

    private String convRaw(String prefix, String x, int cin, int cout, int k, int dil, int groups, int pad) {
        long[] shape = {cout, cin / groups, k};
        float[] w = convWeight(prefix, shape, false);
        float[] b = tensor(prefix + ".bias", cout);
        List<Attr> attrs = new ArrayList<>(List.of(Attr.ints("kernel_shape", k), Attr.ints("pads", pad, pad), Attr.ints("dilations", dil),
                Attr.i("group", groups)));
        return g.opA("Conv", attrs, x, weight(prefix + ".w", shape, w), weight(prefix + ".b", new long[] {cout}, b));
    }

    /**
     * Snake + the ×r transposed convolution (kernel 2r, padding ceil(r/2)), written as a polyphase regular
     * convolution: output position u = j*r + φ (before the padding crop) receives {@code x[j]·w[:,:,φ] +
     * x[j-1]·w[:,:,φ+r]}, so one kernel-2 Conv with r*Co output channels (phase-major) computes all phases as a
     * GEMM, and a Reshape/Transpose interleaves them. Same sums as ConvTranspose, far faster on ORT's CPU provider
     * (its ConvTranspose goes through col2im).
     */
    private String transposedBlock(String p, String x, int ci, int co, int r) {
        x = masked(x);
        if (opt.streaming) {
            x = stateConcat(x, ci, 1); // x[a-1] in front: the valid kernel-2 conv then yields j = a .. a+n-1
        }
        x = snake(p + "0", x, ci);
        int kernel = 2 * r;
        int pad = (r + 1) / 2;
        float[] w = convWeight(p + "1", new long[] {ci, co, kernel}, true);
        float[] b = tensor(p + "1.bias", co);
        float[] w2 = new float[r * co * ci * 2];
        float[] b2 = new float[r * co];
        for (int phase = 0; phase < r; phase++) {
            for (int o = 0; o < co; o++) {
                int row = phase * co + o;
                b2[row] = b[o];
                for (int c = 0; c < ci; c++) {
                    w2[(row * ci + c) * 2] = w[(c * co + o) * kernel + phase + r];  // tap on x[j-1]
                    w2[(row * ci + c) * 2 + 1] = w[(c * co + o) * kernel + phase];  // tap on x[j]
                }
            }
        }
        String y = g.opA("Conv", List.of(Attr.ints("kernel_shape", 2), Attr.ints("pads", opt.streaming ? 0 : 1, opt.streaming ? 0 : 1)),
                x, weight(p + "1.w_polyphase", new long[] {(long) r * co, ci, 2}, w2), weight(p + "1.b_polyphase", new long[] {(long) r * co}, b2));
        // [B, r*Co, J] -> [B, r, Co, J] -> [B, Co, J, r] -> [B, Co, J*r]
        y = g.op("Reshape", y, g.constI64("phases", 0, r, co, -1));
        y = g.opA("Transpose", List.of(Attr.ints("perm", 0, 2, 3, 1)), y);
        y = g.op("Reshape", y, g.constI64("interleave", 0, co, -1));
        if (!opt.streaming) {
            // J = L+1 steps cover u in [0, (L+1)r); the output is u in [pad, pad + rL)
            return g.op("Slice", y, g.constI64("st", pad), g.constI64("en", -(r - pad)), g.constI64("ax", 2));
        }
        start = g.op("Sub", g.op("Mul", start, g.scalarI64("r", r)), g.scalarI64("p", pad));
        end = g.op("Mul", end, g.scalarI64("r", r));
        return y;
    }

    private String residualUnit(String p, String x, int c, int dil) {
        x = masked(x);
        int ctx = 6 * dil;
        String buf = opt.streaming ? stateConcat(x, c, ctx) : x;
        String y = snake(p + "0", buf, c);
        y = convRaw(p + "1", y, c, c, 7, dil, c, opt.streaming ? 0 : 3 * dil);
        y = snake(p + "2", y, c);
        y = convRaw(p + "3", y, c, c, 1, 1, 1, 0);
        String skip = x;
        if (opt.streaming) {
            skip = g.op("Slice", buf, g.constI64("st", 3L * dil), g.constI64("en", -3L * dil), g.constI64("ax", 2));
            shift(-3 * dil);
        }
        return g.op("Add", skip, y);
    }

    private String snake(String prefix, String x, int c) {
        float[] alpha = tensor(prefix + ".alpha", 1, c, 1);
        float[] inv = new float[c];
        for (int i = 0; i < c; i++) {
            inv[i] = 1f / (alpha[i] + 1e-9f); // as torch: (alpha + 1e-9).reciprocal() in float32
        }
        String ax = g.op("Mul", x, weight(prefix + ".alpha", new long[] {1, c, 1}, alpha));
        String s = g.op("Sin", ax);
        String t = g.op("Mul", g.op("Mul", s, s), weight(prefix + ".inv_alpha", new long[] {1, c, 1}, inv));
        return g.op("Add", x, t);
    }

    // ---- streaming helpers ----

    /** Zeroes positions outside [0, end) of the current time axis (streaming only; offline padding is implicit). */
    private String masked(String x) {
        if (!opt.streaming) {
            return x;
        }
        String n = g.opA("Squeeze", List.of(), g.opA("Shape", List.of(Attr.i("start", 2), Attr.i("end", 3)), x));
        String pos = g.op("Range", start, g.op("Add", start, n), oneI64);
        String ok = g.op("And", g.op("GreaterOrEqual", pos, zeroI64), g.op("Less", pos, end));
        String m = g.opA("Cast", List.of(Attr.i("to", ElemType.FLOAT.code())), ok);
        return g.op("Mul", x, g.op("Unsqueeze", m, g.constI64("axes01", 0, 1)));
    }

    /** Prepends this layer's context (a state input) and emits the new context (a state output). */
    private String stateConcat(String x, int channels, int ctx) {
        int idx = stateOutputs.size();
        String in = g.input("state_in_" + idx, ElemType.FLOAT, "batch", (long) channels, (long) ctx);
        String buf = g.opA("Concat", List.of(Attr.i("axis", 2)), in, x);
        String next = g.op("Slice", buf, g.constI64("st", -ctx), g.constI64("en", Long.MAX_VALUE), g.constI64("ax", 2));
        stateOutputs.add(next);
        stateShapes.add(new long[] {channels, ctx});
        return buf;
    }

    private void shift(long delta) {
        start = g.op("Add", start, g.scalarI64("d", delta));
    }

    // ---- weights ----

    private String weight(String name, long[] dims, float[] values) {
        parameters += values.length;
        if (opt.fp16) {
            String h = g.initializer(g.fresh(name + ".f16"), ElemType.FLOAT16, dims, TensorBytes.f16(values));
            return g.opA("Cast", List.of(Attr.i("to", ElemType.FLOAT.code())), h);
        }
        return g.initializer(g.fresh(name), ElemType.FLOAT, dims, TensorBytes.f32(values));
    }

    private float[] tensor(String name, long... expectShape) {
        TensorData t = weights.get(name);
        if (!Arrays.equals(t.shape(), expectShape)) {
            throw new ModelFormatException(weights.path(), name, -1, "shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(expectShape));
        }
        return t.toFloatArray();
    }

    /**
     * The effective weight of a weight-normalised conv: {@code v * g / ||v||} with the norm over all axes but 0
     * (for ConvTranspose1d axis 0 is the input channel), no epsilon. Accepts the parametrizations names, the
     * legacy {@code weight_g/weight_v} names and an already folded {@code .weight}.
     */
    private float[] convWeight(String prefix, long[] shape, boolean transposed) {
        if (weights.find(prefix + ".weight").isPresent()) {
            return tensor(prefix + ".weight", shape);
        }
        String gName = prefix + ".parametrizations.weight.original0";
        String vName = prefix + ".parametrizations.weight.original1";
        if (weights.find(gName).isEmpty()) {
            gName = prefix + ".weight_g";
            vName = prefix + ".weight_v";
        }
        if (weights.find(gName).isEmpty()) {
            throw new ModelFormatException(weights.path(), prefix + ".parametrizations.weight.original0", -1,
                    "missing weight-norm magnitude (also tried " + gName + " and " + prefix + ".weight)");
        }
        float[] v = tensor(vName, shape);
        float[] gm = tensor(gName, shape[0], 1, 1);
        int rows = (int) shape[0];
        int per = v.length / rows;
        float[] w = new float[v.length];
        for (int o = 0; o < rows; o++) {
            double ss = 0;
            for (int j = 0; j < per; j++) {
                double e = v[o * per + j];
                ss += e * e;
            }
            float scale = (float) (gm[o] / Math.sqrt(ss));
            for (int j = 0; j < per; j++) {
                w[o * per + j] = v[o * per + j] * scale;
            }
        }
        return w;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
