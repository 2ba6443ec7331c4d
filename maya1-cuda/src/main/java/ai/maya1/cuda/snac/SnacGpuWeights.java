package ai.maya1.cuda.snac;

import ai.maya1.cuda.CudaDevice;
import ai.maya1.cuda.DeviceBuffer;
import ai.maya1.cuda.ModelFiles;
import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SNAC decoder weights on the device, float32, weight norm folded on the host in double precision
 * ({@code W = g * v / ||v||}, norm over every axis but 0, no epsilon; for ConvTranspose1d axis 0 is the input
 * channel). Accepts both namings ({@code parametrizations.weight.original0/1} and {@code weight_g/weight_v}).
 * Closing frees everything; closing twice is safe.
 */
final class SnacGpuWeights implements AutoCloseable {
    /** Per-block weights (decoder.model.{2+k}). */
    record Block(int ci, int co, int rate, DeviceBuffer alpha, DeviceBuffer tconvW, DeviceBuffer tconvB, DeviceBuffer noiseW,
                 Residual[] residuals) {
    }

    /** One residual unit (dilation d). */
    record Residual(int dilation, DeviceBuffer alpha0, DeviceBuffer dwW, DeviceBuffer dwB, DeviceBuffer alpha2, DeviceBuffer pwW,
                    DeviceBuffer pwB) {
    }

    final CudaSnacConfig config;
    final DeviceBuffer[] codebook = new DeviceBuffer[3];
    final DeviceBuffer[] outProjW = new DeviceBuffer[3];
    final DeviceBuffer[] outProjB = new DeviceBuffer[3];
    final DeviceBuffer inDwW;
    final DeviceBuffer inDwB;
    final DeviceBuffer inPwW;
    final DeviceBuffer inPwB;
    final Block[] blocks;
    final DeviceBuffer finalAlpha;
    final DeviceBuffer finalW;
    final DeviceBuffer finalB;
    private final List<DeviceBuffer> all = new ArrayList<>();
    private boolean closed;

    SnacGpuWeights(CudaDevice dev, TensorSource src, CudaSnacConfig cfg) {
        this.config = cfg;
        try {
            int lat = cfg.latentDim();
            for (int i = 0; i < 3; i++) {
                String q = "quantizer.quantizers." + i;
                codebook[i] = up(dev, q + ".codebook", ModelFiles.floats(src, q + ".codebook.weight", 4096, 8));
                outProjW[i] = up(dev, q + ".out_proj", folded(src, q + ".out_proj", false, lat, 8, 1));
                outProjB[i] = up(dev, q + ".out_proj.bias", ModelFiles.floats(src, q + ".out_proj.bias", lat));
            }
            inDwW = up(dev, "decoder.model.0", folded(src, "decoder.model.0", false, lat, 1, 7));
            inDwB = up(dev, "decoder.model.0.bias", ModelFiles.floats(src, "decoder.model.0.bias", lat));
            inPwW = up(dev, "decoder.model.1", folded(src, "decoder.model.1", false, cfg.decoderDim(), lat, 1));
            inPwB = up(dev, "decoder.model.1.bias", ModelFiles.floats(src, "decoder.model.1.bias", cfg.decoderDim()));
            int[] rates = cfg.decoderRates();
            blocks = new Block[rates.length];
            int ruBase = cfg.noise() ? 3 : 2;
            for (int k = 0; k < rates.length; k++) {
                String p = "decoder.model." + (k + 2) + ".block.";
                int ci = cfg.channels(k), co = cfg.channels(k + 1), r = rates[k];
                DeviceBuffer alpha = up(dev, p + "0.alpha", ModelFiles.floats(src, p + "0.alpha", 1, ci, 1));
                float[] wt = folded(src, p + "1", true, ci, co, 2L * r); // [Ci][Co][K]
                DeviceBuffer tconvW = up(dev, p + "1", reorderTransposed(wt, ci, co, 2 * r));
                DeviceBuffer tconvB = up(dev, p + "1.bias", ModelFiles.floats(src, p + "1.bias", co));
                DeviceBuffer noiseW = cfg.noise() ? up(dev, p + "2.linear", folded(src, p + "2.linear", false, co, co, 1)) : null;
                Residual[] res = new Residual[3];
                int[] dil = {1, 3, 9};
                for (int j = 0; j < 3; j++) {
                    String u = p + (ruBase + j) + ".block.";
                    res[j] = new Residual(dil[j], up(dev, u + "0.alpha", ModelFiles.floats(src, u + "0.alpha", 1, co, 1)),
                            up(dev, u + "1", folded(src, u + "1", false, co, 1, 7)),
                            up(dev, u + "1.bias", ModelFiles.floats(src, u + "1.bias", co)),
                            up(dev, u + "2.alpha", ModelFiles.floats(src, u + "2.alpha", 1, co, 1)),
                            up(dev, u + "3", folded(src, u + "3", false, co, co, 1)),
                            up(dev, u + "3.bias", ModelFiles.floats(src, u + "3.bias", co)));
                }
                blocks[k] = new Block(ci, co, r, alpha, tconvW, tconvB, noiseW, res);
            }
            int last = cfg.channels(rates.length);
            int fs = rates.length + 2;
            finalAlpha = up(dev, "decoder.model." + fs + ".alpha", ModelFiles.floats(src, "decoder.model." + fs + ".alpha", 1, last, 1));
            finalW = up(dev, "decoder.model." + (fs + 1), folded(src, "decoder.model." + (fs + 1), false, 1, last, 7));
            finalB = up(dev, "decoder.model." + (fs + 1) + ".bias", ModelFiles.floats(src, "decoder.model." + (fs + 1) + ".bias", 1));
            dev.synchronize(); // uploads complete before non-blocking streams read them
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer up(CudaDevice dev, String what, float[] data) {
        DeviceBuffer b = dev.allocate(4L * data.length, what);
        all.add(b);
        b.upload(data);
        return b;
    }

    /** Effective weight of a weight-normalised conv {@code prefix}, shape {@code [d0, d1, d2]} as stored. */
    static float[] folded(TensorSource src, String prefix, boolean transposed, long d0, long d1, long d2) {
        TensorData g = find(src, prefix, "parametrizations.weight.original0", "weight_g");
        TensorData v = find(src, prefix, "parametrizations.weight.original1", "weight_v");
        ModelFiles.checkShape(src, g, d0, 1, 1);
        ModelFiles.checkShape(src, v, d0, d1, d2);
        float[] gf = g.toFloatArray();
        float[] vf = v.toFloatArray();
        int row = (int) (d1 * d2);
        float[] out = new float[vf.length];
        for (int i = 0; i < d0; i++) {
            double ss = 0;
            for (int j = 0; j < row; j++) {
                double x = vf[i * row + j];
                ss += x * x;
            }
            double scale = gf[i] / Math.sqrt(ss);
            if (!Double.isFinite(scale)) {
                throw new ModelFormatException(src.path(), prefix, -1, "weight norm of " + (transposed ? "input" : "output") + " channel " + i
                        + " is zero or not finite");
            }
            for (int j = 0; j < row; j++) {
                out[i * row + j] = (float) (vf[i * row + j] * scale);
            }
        }
        return out;
    }

    private static TensorData find(TensorSource src, String prefix, String modern, String legacy) {
        Optional<TensorData> t = src.find(prefix + "." + modern);
        return t.or(() -> src.find(prefix + "." + legacy))
                .orElseThrow(() -> new ModelFormatException(src.path(), prefix + "." + modern, -1, "missing tensor (also tried ." + legacy + ")"));
    }

    /** [Ci][Co][K] to [K][Co][Ci]: one contiguous [Co][Ci] matrix per kernel tap. */
    static float[] reorderTransposed(float[] w, int ci, int co, int k) {
        float[] out = new float[w.length];
        for (int c = 0; c < ci; c++) {
            for (int o = 0; o < co; o++) {
                for (int t = 0; t < k; t++) {
                    out[(t * co + o) * ci + c] = w[(c * co + o) * k + t];
                }
            }
        }
        return out;
    }

    long deviceBytes() {
        return all.stream().mapToLong(DeviceBuffer::bytes).sum();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceBuffer b : all) {
            b.close();
        }
    }
}
