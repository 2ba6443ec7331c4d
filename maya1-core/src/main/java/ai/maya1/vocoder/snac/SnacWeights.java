package ai.maya1.vocoder.snac;

import ai.maya1.weights.DType;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The decoder's weights, weight norm folded ({@code W = g * v / ||v||}, norm over every axis but 0, no epsilon)
 * and re-laid out once for the time-major kernels: 1x1 convolutions as {@code [in][out]}, depthwise kernels as
 * {@code [tap][channel]}, each transposed-convolution phase as two {@code [in][out]} taps. The tensor source
 * can be closed after loading.
 */
public final class SnacWeights {
    private static final String G_NEW = ".parametrizations.weight.original0";
    private static final String V_NEW = ".parametrizations.weight.original1";
    private static final String G_OLD = ".weight_g";
    private static final String V_OLD = ".weight_v";

    final SnacConfig config;
    final float[][] codebooks;      // [level][code * dim + c]
    final float[][] outProjT;       // [level][c * latent + o]
    final float[][] outProjBias;    // [level][latent]
    final float[] inDw;             // decoder.model.0: [7][latent]
    final float[] inDwBias;
    final float[][] inPw;           // decoder.model.1: one tap [latent][decoderDim]
    final float[] inPwBias;
    final Block[] blocks;
    final Snake finalSnake;         // decoder.model.(blocks+2)
    final float[] outConv;          // decoder.model.(blocks+3): [7][C]
    final float outBias;

    /** Snake parameters with the reciprocal {@code 1 / (alpha + 1e-9)} precomputed. */
    record Snake(float[] alpha, float[] inv) {
        static Snake of(float[] alpha) {
            float[] inv = new float[alpha.length];
            for (int i = 0; i < alpha.length; i++) {
                inv[i] = 1f / (alpha[i] + 1e-9f);
            }
            return new Snake(alpha, inv);
        }
    }

    /** One decoder block: Snake, transposed conv (per phase), optional NoiseBlock linear, three residual units. */
    record Block(int rate, int padding, int cin, int cout, Snake snake, float[][][] phaseTaps, float[] tconvBias,
                 float[][] noiseLinear, Residual[] units) {
    }

    /** A residual unit: Snake, depthwise conv k7 with dilation, Snake, 1x1 conv; plus the skip. */
    record Residual(int dilation, Snake snake1, float[] dw, float[] dwBias, Snake snake2, float[][] pw, float[] pwBias) {
    }

    private SnacWeights(SnacConfig config, Map<String, float[]> t) {
        this.config = config;
        int levels = config.vqStrides().size();
        int latent = config.latentDim();
        int cbDim = config.codebookDim();
        codebooks = new float[levels][];
        outProjT = new float[levels][];
        outProjBias = new float[levels][];
        for (int q = 0; q < levels; q++) {
            String p = "quantizer.quantizers." + q;
            codebooks[q] = t.get(p + ".codebook.weight");
            outProjT[q] = transpose1x1(t.get(p + ".out_proj.weight"), latent, cbDim);
            outProjBias[q] = t.get(p + ".out_proj.bias");
        }
        inDw = depthwiseLayout(t.get("decoder.model.0.weight"), latent, 7);
        inDwBias = t.get("decoder.model.0.bias");
        inPw = new float[][] {transpose1x1(t.get("decoder.model.1.weight"), config.decoderDim(), latent)};
        inPwBias = t.get("decoder.model.1.bias");
        blocks = new Block[config.blocks()];
        for (int i = 0; i < blocks.length; i++) {
            String b = "decoder.model." + (i + 2);
            int ci = config.blockInChannels(i);
            int co = config.blockOutChannels(i);
            int r = config.decoderRates().get(i);
            float[] w = t.get(b + ".block.1.weight"); // [ci][co][2r]
            float[][][] phases = new float[r][2][ci * co];
            for (int c = 0; c < ci; c++) {
                for (int o = 0; o < co; o++) {
                    int base = (c * co + o) * 2 * r;
                    for (int ph = 0; ph < r; ph++) {
                        phases[ph][0][c * co + o] = w[base + ph];
                        phases[ph][1][c * co + o] = w[base + ph + r];
                    }
                }
            }
            float[][] noise = config.noise() ? new float[][] {transpose1x1(t.get(b + ".block.2.linear.weight"), co, co)} : null;
            Residual[] units = new Residual[3];
            int[] dil = {1, 3, 9};
            for (int u = 0; u < 3; u++) {
                String p = b + ".block." + (config.firstResidualIndex() + u) + ".block.";
                units[u] = new Residual(dil[u], Snake.of(t.get(p + "0.alpha")), depthwiseLayout(t.get(p + "1.weight"), co, 7),
                        t.get(p + "1.bias"), Snake.of(t.get(p + "2.alpha")),
                        new float[][] {transpose1x1(t.get(p + "3.weight"), co, co)}, t.get(p + "3.bias"));
            }
            blocks[i] = new Block(r, (r + 1) / 2, ci, co, Snake.of(t.get(b + ".block.0.alpha")), phases, t.get(b + ".block.1.bias"),
                    noise, units);
        }
        int last = config.blockOutChannels(blocks.length - 1);
        finalSnake = Snake.of(t.get("decoder.model." + (blocks.length + 2) + ".alpha"));
        // [1][C][7] -> [7][C]
        float[] oc = t.get("decoder.model." + (blocks.length + 3) + ".weight");
        outConv = new float[7 * last];
        for (int c = 0; c < last; c++) {
            for (int k = 0; k < 7; k++) {
                outConv[k * last + c] = oc[c * 7 + k];
            }
        }
        outBias = t.get("decoder.model." + (blocks.length + 3) + ".bias")[0];
    }

    public SnacConfig config() {
        return config;
    }

    /**
     * Loads the decoder's tensors from {@code source}. Every tensor in the source must be one a SNAC model of
     * {@code config} has (encoder and {@code in_proj} tensors are allowed and ignored) with exactly the expected
     * shape; both weight-norm namings ({@code weight_g/weight_v} and {@code parametrizations.weight.original0/1})
     * are accepted; every tensor decoding needs must be present. F32, F16 and BF16 are read.
     */
    public static SnacWeights load(TensorSource source, SnacConfig config) {
        Map<String, long[]> expected = config.expectedTensors();
        Map<String, TensorData> byCanonical = new HashMap<>();
        for (String name : source.names()) {
            String canonical = canonicalName(name);
            long[] shape = expected.get(canonical);
            TensorData td = source.get(name);
            if (shape == null) {
                throw new ModelFormatException(source.path(), name, -1,
                        "unexpected tensor: not part of a SNAC model with this config.json");
            }
            if (!Arrays.equals(shape, td.shape())) {
                throw new ModelFormatException(source.path(), name, -1, "tensor shape " + Arrays.toString(td.shape())
                        + " does not match config.json, expected " + Arrays.toString(shape));
            }
            if (td.dtype() != DType.F32 && td.dtype() != DType.F16 && td.dtype() != DType.BF16) {
                throw new ModelFormatException(source.path(), name, -1, "tensor dtype " + td.dtype() + " is not supported (F32, F16, BF16)");
            }
            if (byCanonical.put(canonical, td) != null) {
                throw new ModelFormatException(source.path(), name, -1,
                        "tensor appears under both weight-norm namings (weight_g/weight_v and parametrizations.weight.original0/1)");
            }
        }
        Map<String, float[]> folded = new HashMap<>();
        Map<String, long[]> needed = config.decoderPathTensors();
        for (String name : needed.keySet()) {
            if (!byCanonical.containsKey(name)) {
                String legacy = name.endsWith(G_NEW) ? name.replace(G_NEW, G_OLD) : name.endsWith(V_NEW) ? name.replace(V_NEW, V_OLD) : null;
                throw new ModelFormatException(source.path(), name, -1, "missing tensor needed for decoding"
                        + (legacy == null ? "" : " (also looked for " + legacy + ")"));
            }
        }
        for (String name : needed.keySet()) {
            if (name.endsWith(V_NEW)) {
                String layer = name.substring(0, name.length() - V_NEW.length());
                float[] g = byCanonical.get(layer + G_NEW).toFloatArray();
                TensorData v = byCanonical.get(name);
                folded.put(layer + ".weight", foldWeightNorm(source, v, g));
            } else if (!name.endsWith(G_NEW)) {
                folded.put(name, byCanonical.get(name).toFloatArray());
            }
        }
        return new SnacWeights(config, folded);
    }

    /** Maps legacy weight-norm names to the parametrizations naming. */
    static String canonicalName(String name) {
        if (name.endsWith(G_OLD)) {
            return name.substring(0, name.length() - G_OLD.length()) + G_NEW;
        }
        if (name.endsWith(V_OLD)) {
            return name.substring(0, name.length() - V_OLD.length()) + V_NEW;
        }
        return name;
    }

    /** {@code W[i,...] = v[i,...] * g[i] / ||v[i,...]||}, computed in double; a zero direction is rejected. */
    private static float[] foldWeightNorm(TensorSource source, TensorData vData, float[] g) {
        float[] v = vData.toFloatArray();
        int rows = (int) vData.dim(0);
        int per = v.length / rows;
        float[] w = new float[v.length];
        for (int i = 0; i < rows; i++) {
            double ss = 0;
            for (int j = 0; j < per; j++) {
                double e = v[i * per + j];
                ss += e * e;
            }
            double norm = Math.sqrt(ss);
            if (!(norm > 0) || !Double.isFinite(norm) || !Float.isFinite(g[i])) {
                throw new ModelFormatException(source.path(), vData.name(), -1,
                        "weight-norm direction of row " + i + " has norm " + norm + " (g=" + g[i] + "): cannot fold");
            }
            double scale = g[i] / norm;
            for (int j = 0; j < per; j++) {
                w[i * per + j] = (float) (v[i * per + j] * scale);
            }
        }
        return w;
    }

    /** [out][in][1] -> [in][out]. */
    private static float[] transpose1x1(float[] w, int out, int in) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                t[c * out + o] = w[o * in + c];
            }
        }
        return t;
    }

    /** [C][1][K] -> [K][C]. */
    private static float[] depthwiseLayout(float[] w, int channels, int k) {
        float[] t = new float[w.length];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < k; j++) {
                t[j * channels + c] = w[c * k + j];
            }
        }
        return t;
    }

    /**
     * Random weights with the real shapes of {@code config}, for benchmarks and tests that need a full-width
     * model without the checkpoint: uniform weights scaled by fan-in so activations stay in a realistic range,
     * Snake alphas in [0.5, 2]. Deterministic in {@code seed}.
     */
    public static SnacWeights random(SnacConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> t = new HashMap<>();
        for (Map.Entry<String, long[]> e : config.decoderPathTensors().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            if (name.endsWith(G_NEW)) {
                continue;
            }
            float[] a = new float[n];
            if (name.endsWith(".alpha")) {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (0.5 + 1.5 * rnd.nextDouble());
                }
                t.put(name, a);
            } else if (name.endsWith("codebook.weight")) {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                t.put(name, a);
            } else if (name.endsWith(".bias")) {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (0.02 * (rnd.nextDouble() - 0.5));
                }
                t.put(name, a);
            } else { // v: the effective weight directly, fan-in scaled
                String layer = name.substring(0, name.length() - V_NEW.length());
                boolean transposed = layer.matches("decoder\\.model\\.\\d+\\.block\\.1") && shape[1] != 1;
                long fanIn = transposed ? shape[0] * 2 : shape[1] * shape[2]; // a transposed-conv output sees 2 taps per input channel
                double scale = Math.sqrt(3.0 / Math.max(1, fanIn));
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
                }
                t.put(layer + ".weight", a);
            }
        }
        return new SnacWeights(config, t);
    }

    /** Parameters held (after folding), for logging. */
    public long parameterCount() {
        long n = 0;
        for (float[][] a : List.of(codebooks, outProjT, outProjBias)) {
            for (float[] x : a) {
                n += x.length;
            }
        }
        n += inDw.length + inDwBias.length + inPw[0].length + inPwBias.length + finalSnake.alpha().length + outConv.length + 1;
        for (Block b : blocks) {
            n += b.snake().alpha().length + (long) b.phaseTaps().length * 2 * b.phaseTaps()[0][0].length + b.tconvBias().length
                    + (b.noiseLinear() == null ? 0 : b.noiseLinear()[0].length);
            for (Residual u : b.units()) {
                n += 2L * u.snake1().alpha().length + u.dw().length + u.dwBias().length + u.pw()[0].length + u.pwBias().length;
            }
        }
        return n;
    }
}
