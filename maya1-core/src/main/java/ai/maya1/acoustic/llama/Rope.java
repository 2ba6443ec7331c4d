package ai.maya1.acoustic.llama;

/**
 * Rotate-half rotary position embedding (Hugging Face / GPT-NeoX pairing: element j with j + d/2), with the
 * frequencies computed and scaled as {@code modeling_rope_utils.py} does, and angles rounded as Hugging Face
 * rounds them: {@code angle = float32(f) * float32(pos)} in float32.
 */
public final class Rope {
    private final float[] invFreq;
    private final int half;

    public Rope(LlamaConfig config) {
        this.invFreq = inverseFrequencies(config.headDim(), config.ropeTheta(), config.ropeScaling());
        this.half = config.headDim() / 2;
    }

    /** The (scaled) inverse frequencies {@code f_j}, j in [0, d/2). */
    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    public static float[] inverseFrequencies(int headDim, double theta, LlamaConfig.RopeScaling scaling) {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int j = 0; j < half; j++) {
            // HF: 1.0 / (base ** (arange(0, dim, 2).float() / dim)) in float32
            float exponent = (float) (2 * j) / (float) headDim;
            f[j] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        switch (scaling.type()) {
            case "linear" -> {
                for (int j = 0; j < half; j++) {
                    f[j] = (float) (f[j] / scaling.factor());
                }
            }
            case "llama3" -> {
                // float32 arithmetic in the order of _compute_llama3_parameters, so the result is bit-identical
                float factor = (float) scaling.factor();
                float lo = (float) scaling.lowFreqFactor();
                float hi = (float) scaling.highFreqFactor();
                float old = scaling.originalMaxPositions();
                double lowFreqWavelen = scaling.originalMaxPositions() / scaling.lowFreqFactor();
                double highFreqWavelen = scaling.originalMaxPositions() / scaling.highFreqFactor();
                for (int j = 0; j < half; j++) {
                    float wavelen = (float) (2 * Math.PI) / f[j];
                    if (wavelen < highFreqWavelen) {
                        continue;
                    }
                    if (wavelen > lowFreqWavelen) {
                        f[j] = f[j] / factor;
                    } else {
                        float s = (old / wavelen - lo) / (hi - lo);
                        f[j] = (1f - s) * f[j] / factor + s * f[j];
                    }
                }
            }
            default -> {
            }
        }
        return f;
    }

    /** cos/sin of position {@code pos} into {@code cos[0..half)}, {@code sin[0..half)}. */
    public void table(int pos, float[] cos, float[] sin) {
        float p = pos;
        for (int j = 0; j < half; j++) {
            float angle = invFreq[j] * p;
            cos[j] = (float) Math.cos(angle);
            sin[j] = (float) Math.sin(angle);
        }
    }

    /** Rotates {@code heads} consecutive heads of size 2*half starting at {@code x[off]}. */
    public void apply(float[] x, int off, int heads, float[] cos, float[] sin) {
        int d = 2 * half;
        for (int h = 0; h < heads; h++) {
            int base = off + h * d;
            for (int j = 0; j < half; j++) {
                float a = x[base + j];
                float b = x[base + j + half];
                x[base + j] = a * cos[j] - b * sin[j];
                x[base + j + half] = b * cos[j] + a * sin[j];
            }
        }
    }

    public int half() {
        return half;
    }
}
